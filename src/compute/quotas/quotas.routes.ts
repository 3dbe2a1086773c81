// os-quota-sets (show, detail, defaults, update, delete) and /limits: the quotas a project has
// and what it uses of them.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { badRequest, forbidden } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isAdmin, target } from '../common.js';
import type { ComputeContext } from '../context.js';
import { has, MIN_VERSION, parseVersion } from '../microversions.js';
import { parseQuotaUpdate, projectUsage, shownDefaults, shownLimits, updateQuotas } from './quota-sets.js';

type Params = { project_id: string };

/** Per-user quotas are not kept: the limits are the project's. Writing one is refused rather than
 *  silently applied to the whole project. */
function noUserQuotas(req: FastifyRequest): void {
  if ((req.query as Record<string, unknown>).user_id !== undefined) {
    throw badRequest('Per-user quotas (user_id) are not supported; quotas apply to the whole project.');
  }
}

export function quotaRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;
  const version = (req: FastifyRequest) => req.computeVersion ?? parseVersion(MIN_VERSION)!;
  const allow = (req: FastifyRequest, rule: string, projectId: string) => enforce(deps, caller(req), `os-quota-sets:${rule}`, target(caller(req), projectId));

  return async (app) => {
    app.get<{ Params: Params }>('/os-quota-sets/:project_id', async (req) => {
      const { project_id } = req.params;
      allow(req, 'show', project_id);
      return { quota_set: { id: project_id, ...(await shownLimits(deps, version(req), project_id)) } };
    });

    app.get<{ Params: Params }>('/os-quota-sets/:project_id/detail', async (req) => {
      const { project_id } = req.params;
      allow(req, 'detail', project_id);
      const limits = await shownLimits(deps, version(req), project_id);
      const used = await projectUsage(deps.db, project_id);
      const detail = Object.fromEntries(Object.entries(limits).map(([k, limit]) => [k, { in_use: used[k] ?? 0, limit, reserved: 0 }]));
      return { quota_set: { id: project_id, ...detail } };
    });

    app.get<{ Params: Params }>('/os-quota-sets/:project_id/defaults', async (req) => {
      const { project_id } = req.params;
      allow(req, 'defaults', project_id);
      return { quota_set: { id: project_id, ...shownDefaults(deps, version(req)) } };
    });

    app.put<{ Params: Params }>('/os-quota-sets/:project_id', async (req) => {
      const { project_id } = req.params;
      allow(req, 'update', project_id);
      noUserQuotas(req);
      const { values, force } = parseQuotaUpdate(deps, version(req), req.body);
      return { quota_set: await updateQuotas(deps, version(req), project_id, values, force) };
    });

    app.delete<{ Params: Params }>('/os-quota-sets/:project_id', async (req, reply) => {
      const { project_id } = req.params;
      allow(req, 'delete', project_id);
      noUserQuotas(req);
      await deps.db.deleteFrom('compute_quota').where('project_id', '=', project_id).execute();
      return reply.code(202).send();
    });

    app.get('/limits', async (req) => {
      const auth = caller(req);
      const asked = (req.query as Record<string, unknown>).tenant_id;
      let projectId = auth.projectId ?? '';
      if (typeof asked === 'string' && asked !== '' && asked !== projectId) {
        if (!isAdmin(deps, auth)) throw forbidden("Policy doesn't allow os_compute_api:limits:other_project to be performed.");
        projectId = asked;
      }
      enforce(deps, auth, 'limits', target(auth, projectId));
      return { limits: { absolute: await absoluteLimits(req, projectId), rate: [] } };
    });
  };

  async function absoluteLimits(req: FastifyRequest, projectId: string): Promise<Record<string, number>> {
    const l = await shownLimits(deps, version(req), projectId);
    const used = await projectUsage(deps.db, projectId);
    return {
      maxTotalInstances: l.instances!, maxTotalCores: l.cores!, maxTotalRAMSize: l.ram!,
      maxTotalKeypairs: l.key_pairs!, maxServerMeta: l.metadata_items!,
      maxServerGroups: l.server_groups!, maxServerGroupMembers: l.server_group_members!,
      totalInstancesUsed: used.instances!, totalCoresUsed: used.cores!, totalRAMUsed: used.ram!,
      totalServerGroupsUsed: used.server_groups!,
      ...(has(req, 'limitsNoImageMeta') ? {} : { maxImageMeta: l.metadata_items! }),
      ...(has(req, 'proxyApisRemoved') ? {} : {
        maxTotalFloatingIps: l.floating_ips!, totalFloatingIpsUsed: 0,
        maxSecurityGroups: l.security_groups!, totalSecurityGroupsUsed: 0, maxSecurityGroupRules: l.security_group_rules!,
      }),
      ...(has(req, 'rebuildUserData') ? {} : { maxPersonality: l.injected_files!, maxPersonalitySize: l.injected_file_content_bytes! }),
    };
  }
}
