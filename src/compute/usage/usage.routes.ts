// os-simple-tenant-usage: every project's usage over a period (admin) and one project's
// (its members), paged by instance from 2.40.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { badRequest } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, target } from '../common.js';
import type { ComputeContext } from '../context.js';
import { first, nextLinks, pageQuery } from '../hypervisors/page.js';
import { has } from '../microversions.js';
import { instancesIn, parsePeriod, tenantUsages } from './usage.service.js';

type Params = { project_id: string };
type Query = Record<string, unknown>;

export function usageRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;
  const base = `${deps.config.publicUrl}/compute/v2.1/os-simple-tenant-usage`;

  function read(req: FastifyRequest) {
    const q = req.query as Query;
    const period = parsePeriod(first(q.start), first(q.end));
    const paging = has(req, 'usagePagination') ? pageQuery(q) : {};
    return { q, period, paging };
  }

  return async (app) => {
    app.get('/os-simple-tenant-usage', async (req) => {
      enforce(deps, caller(req), 'os-simple-tenant-usage:list');
      const { q, period, paging } = read(req);
      const detailed = parseDetailed(first(q.detailed));
      const { items, next } = await instancesIn(deps.db, period, undefined, paging);
      const links = nextLinks(base, q, next);
      return { tenant_usages: tenantUsages(items, period, detailed), ...(links ? { tenant_usages_links: links } : {}) };
    });

    app.get<{ Params: Params }>('/os-simple-tenant-usage/:project_id', async (req) => {
      const { project_id } = req.params;
      enforce(deps, caller(req), 'os-simple-tenant-usage:show', target(caller(req), project_id));
      const { q, period, paging } = read(req);
      const { items, next } = await instancesIn(deps.db, period, project_id, paging);
      const links = nextLinks(`${base}/${encodeURIComponent(project_id)}`, q, next);
      // Nova answers an empty object for a project with no instances in the period.
      return { tenant_usage: tenantUsages(items, period, true)[0] ?? {}, ...(links ? { tenant_usage_links: links } : {}) };
    });
  };
}

/** `detailed=1` (Nova reads any integer; non-zero means yes). */
function parseDetailed(v: string | undefined): boolean {
  if (v === undefined || v === '') return false;
  if (!/^-?\d+$/.test(v) && !['true', 'false'].includes(v.toLowerCase())) {
    throw badRequest(`Invalid input for query parameters detailed. Value: ${v}. It must be an integer.`);
  }
  return v.toLowerCase() === 'true' || (/^-?\d+$/.test(v) && Number(v) !== 0);
}
