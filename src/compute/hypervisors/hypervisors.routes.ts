// os-hypervisors: list, detail, show, statistics, the older /{pattern}/search and
// /{pattern}/servers (before 2.53), hostname pattern and with_servers (2.53), paging (2.33).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError, badRequest, notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isUuid } from '../common.js';
import type { ComputeContext } from '../context.js';
import { has } from '../microversions.js';
import { byLegacyId } from '../services/service-state.js';
import { basicView, detailView, hypervisorId, loadHypervisors, serversOn, statistics, type Hypervisor, type HypervisorShape } from './hypervisors.service.js';
import { first, nextLinks, page, pageQuery } from './page.js';

type Params = { id: string };
type Query = Record<string, unknown>;

export function hypervisorRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;
  const shape = (req: FastifyRequest): HypervisorShape => ({ uuidIds: has(req, 'serviceHypervisorUuids'), cpuInfoObject: has(req, 'hypervisorCpuInfoObject') });
  const load = (pattern?: string) => loadHypervisors(deps.db, deps.config.compute.serviceDownSeconds, pattern);
  const allow = (req: FastifyRequest, rule: string) => enforce(deps, caller(req), `os-hypervisors:${rule}`);

  /** With `servers` attached (only where there are some, as Nova did before 2.75). */
  async function withServers(hs: Hypervisor[], views: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const servers = await serversOn(deps.db, hs.map((h) => h.node.id));
    return views.map((v, i) => {
      const list = servers.get(hs[i]!.node.id);
      return list?.length ? { ...v, servers: list } : v;
    });
  }

  async function listing(req: FastifyRequest, detail: boolean): Promise<Record<string, unknown>> {
    const q = req.query as Query;
    const s = shape(req);
    const paging = has(req, 'hypervisorPagination') ? pageQuery(q) : {};
    let pattern: string | undefined;
    let servers = false;
    if (has(req, 'serviceHypervisorUuids')) {
      pattern = first(q.hypervisor_hostname_pattern);
      servers = parseBool(first(q.with_servers), 'with_servers');
      if (pattern !== undefined && (paging.limit !== undefined || paging.marker !== undefined)) {
        throw badRequest('Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.');
      }
    }
    const all = await load(pattern);
    if (pattern !== undefined && all.length === 0) throw notFound(`No hypervisor matching '${pattern}' could be found.`);
    const { items, next } = page(all, paging, (h) => String(hypervisorId(h, s)));
    let views = items.map((h) => (detail ? detailView(h, s) : basicView(h, s)));
    if (servers) views = await withServers(items, views);
    const links = nextLinks(`${deps.config.publicUrl}/compute/v2.1/os-hypervisors${detail ? '/detail' : ''}`, q, next);
    return { hypervisors: views, ...(links ? { hypervisors_links: links } : {}) };
  }

  async function one(req: FastifyRequest, raw: string): Promise<Hypervisor> {
    // As Nova: from 2.53 an id that is no UUID is a bad request; before, a non-integer is simply not found.
    const uuids = has(req, 'serviceHypervisorUuids');
    if (uuids && !isUuid(raw)) throw badRequest(`Invalid uuid ${raw}`);
    const all = await load();
    const found = uuids ? all.find((h) => h.node.id === raw) : byLegacyId(all.map((h) => ({ ...h, id: h.node.id })), raw);
    if (!found) throw notFound(`Hypervisor with ID '${raw}' could not be found.`);
    return found;
  }

  /** The routes Nova removed in 2.53 answer 404 from then on, as an unknown path would. */
  const before253 = (req: FastifyRequest) => {
    if (has(req, 'serviceHypervisorUuids')) throw notFound(`The resource could not be found: ${req.method} ${req.url.split('?')[0]}`);
  };

  return async (app) => {
    app.get('/os-hypervisors', async (req) => {
      allow(req, 'list');
      return listing(req, false);
    });

    app.get('/os-hypervisors/detail', async (req) => {
      allow(req, 'list-detail');
      return listing(req, true);
    });

    app.get('/os-hypervisors/statistics', async (req) => {
      allow(req, 'statistics');
      return { hypervisor_statistics: statistics(await load()) };
    });

    app.get<{ Params: Params }>('/os-hypervisors/:id', async (req) => {
      allow(req, 'show');
      const h = await one(req, req.params.id);
      const s = shape(req);
      const servers = has(req, 'serviceHypervisorUuids') && parseBool(first((req.query as Query).with_servers), 'with_servers');
      const [view] = servers ? await withServers([h], [detailView(h, s)]) : [detailView(h, s)];
      return { hypervisor: view };
    });

    app.get<{ Params: Params }>('/os-hypervisors/:id/uptime', async (req) => {
      allow(req, 'show');
      await one(req, req.params.id);
      // No driver reports the host's uptime; Nova answers so for such drivers.
      throw new ApiError(501, 'Virt driver does not implement host uptime.');
    });

    app.get<{ Params: Params }>('/os-hypervisors/:id/search', async (req) => {
      allow(req, 'search');
      before253(req);
      const s = shape(req);
      const found = await load(req.params.id);
      if (found.length === 0) throw notFound(`No hypervisor matching '${req.params.id}' could be found.`);
      return { hypervisors: found.map((h) => basicView(h, s)) };
    });

    app.get<{ Params: Params }>('/os-hypervisors/:id/servers', async (req) => {
      allow(req, 'servers');
      before253(req);
      const s = shape(req);
      const found = await load(req.params.id);
      if (found.length === 0) throw notFound(`No hypervisor matching '${req.params.id}' could be found.`);
      return { hypervisors: await withServers(found, found.map((h) => basicView(h, s))) };
    });
  };
}

function parseBool(v: string | undefined, field: string): boolean {
  if (v === undefined) return false;
  const t = v.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(t)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(t)) return false;
  throw badRequest(`Invalid input for query parameters ${field}. Value: ${v}. It must be a boolean.`);
}
