// /v2.0/quotas: Neutron's quota API. Limits live in net_quota rows over config.network.quotaDefaults;
// usage is counted from the resource tables (quota-usage.ts). Nothing is reserved, so `reserved` is 0.
import type { FastifyPluginAsync } from 'fastify';
import { NETWORK_QUOTA_RESOURCES } from '../../platform/config.network.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import { checkAttributes, int, invalid, singleBody, type AttributeRules } from '../networks/attributes.js';
import { countUsed, limitsFor } from './quota-usage.js';

type Params = { project_id: string };
const RULES: AttributeRules = Object.fromEntries(NETWORK_QUOTA_RESOURCES.map((r) => [r, { post: false, put: true }]));

export function quotaRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;
  const net = deps.config.network;
  return async (app) => {
    app.get('/quotas', async (req) => {
      const auth = caller(req);
      enforce(deps, auth, 'get_quotas');
      const rows = await deps.db.selectFrom('net_quota').select('project_id').distinct().orderBy('project_id').execute();
      const quotas = [];
      for (const r of rows) quotas.push({ ...(await limitsFor(deps.db, net, r.project_id)), project_id: r.project_id, tenant_id: r.project_id });
      return { quotas };
    });

    // The caller's project, as Neutron answers `GET /quotas/tenant`.
    app.get('/quotas/tenant', async (req) => {
      const auth = caller(req);
      return { tenant: { tenant_id: auth.projectId ?? '' } };
    });

    for (const suffix of ['', '.json']) {
      app.get<{ Params: Params }>(`/quotas/:project_id${suffix}`, async (req) => {
        const auth = caller(req);
        enforce(deps, auth, 'get_quota', target(auth, req.params.project_id));
        return { quota: await limitsFor(deps.db, net, req.params.project_id) };
      });

      app.get<{ Params: Params }>(`/quotas/:project_id/default${suffix}`, async (req) => {
        const auth = caller(req);
        enforce(deps, auth, 'get_quota', target(auth, req.params.project_id));
        return { quota: { ...net.quotaDefaults } };
      });

      app.get<{ Params: Params }>(`/quotas/:project_id/details${suffix}`, async (req) => {
        const auth = caller(req);
        const projectId = req.params.project_id;
        enforce(deps, auth, 'get_quota', target(auth, projectId));
        const limits = await limitsFor(deps.db, net, projectId);
        const quota: Record<string, { limit: number; used: number; reserved: number }> = {};
        for (const r of NETWORK_QUOTA_RESOURCES) quota[r] = { limit: limits[r], used: await countUsed(deps.db, projectId, r), reserved: 0 };
        return { quota };
      });

      app.put<{ Params: Params }>(`/quotas/:project_id${suffix}`, async (req) => {
        const auth = caller(req);
        const projectId = req.params.project_id;
        enforce(deps, auth, 'update_quota', target(auth, projectId));
        const body = checkAttributes(singleBody(req.body, 'quota'), RULES, 'PUT');
        const values = Object.entries(body).map(([resource, v]) => {
          const n = int(resource, v);
          if (n < -1) invalid(resource, `'${n}' should be greater than or equal to -1`);
          return { project_id: projectId, resource, hard_limit: n };
        });
        await deps.db.transaction().execute(async (trx) => {
          await serializeOn(trx, `network-quota:${projectId}`);
          for (const v of values) {
            await trx.deleteFrom('net_quota').where('project_id', '=', projectId).where('resource', '=', v.resource).execute();
            await trx.insertInto('net_quota').values(v).execute();
          }
        });
        return { quota: await limitsFor(deps.db, net, projectId) };
      });

      app.delete<{ Params: Params }>(`/quotas/:project_id${suffix}`, async (req, reply) => {
        const auth = caller(req);
        enforce(deps, auth, 'delete_quota', target(auth, req.params.project_id));
        await deps.db.deleteFrom('net_quota').where('project_id', '=', req.params.project_id).execute();
        return reply.code(204).send();
      });
    }
  };
}
