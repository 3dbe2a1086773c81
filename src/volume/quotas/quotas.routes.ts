// Cinder's quota sets (os-quota-sets: show with or without usage, set, reset to defaults, defaults)
// and quota classes (os-quota-class-sets; the `default` class is what every project starts from).
import type { FastifyPluginAsync } from 'fastify';
import type { Transaction } from 'kysely';
import { serializeOn } from '../../platform/db/serialize.js';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, parseBool, type VolumeDeps } from '../common.js';
import type { VolumeContext } from '../context.js';
import type { VolumeTables } from '../volume.tables.js';
import { single } from '../volume-types/type-input.js';
import { quotaValues } from './quota-input.js';
import { allTypeNames, classKey, defaultLimits, limitsFor, resourceNames, usageFor } from './quota-usage.js';

type Params = { target_id: string };
type ClassParams = { class_name: string };

/** The limits as Cinder shows them, or with `usage` each as {limit, in_use, reserved, allocated}. */
async function quotaSet(deps: VolumeDeps, projectId: string, usage: boolean) {
  const types = await allTypeNames(deps.db);
  const limits = await limitsFor(deps.db, deps.config.volume, projectId, types);
  if (!usage) return limits;
  const used = await usageFor(deps.db, projectId, types);
  return Object.fromEntries(Object.entries(limits).map(([r, limit]) => [r, { limit, in_use: used[r] ?? 0, reserved: 0, allocated: 0 }]));
}

async function upsert(trx: Transaction<VolumeTables>, key: string, values: Record<string, number>): Promise<void> {
  for (const [resource, hardLimit] of Object.entries(values)) {
    await trx.insertInto('volume_quota').values({ project_id: key, resource, hard_limit: hardLimit })
      .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: hardLimit })).execute();
  }
}

function checkName(id: string, what: string): void {
  if (id.length < 1 || id.length > 255) throw badRequest(`Invalid input received: ${what} must be 1 to 255 characters.`);
}

export function quotaRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  const config = deps.config.volume;
  return async (app) => {
    app.get<{ Params: Params; Querystring: { usage?: string | string[] } }>('/os-quota-sets/:target_id', async (req) => {
      const auth = caller(req);
      const projectId = req.params.target_id;
      enforce(deps, auth, 'volume_extension:quotas:show', { project_id: projectId });
      const usageText = single(req.query.usage);
      const usage = usageText === undefined ? false : parseBool(usageText, 'usage');
      return { quota_set: { id: projectId, ...(await quotaSet(deps, projectId, usage)) } };
    });

    app.get<{ Params: Params }>('/os-quota-sets/:target_id/defaults', async (req) => {
      const auth = caller(req);
      const projectId = req.params.target_id;
      enforce(deps, auth, 'volume_extension:quotas:show', { project_id: projectId });
      return { quota_set: { id: projectId, ...(await defaultLimits(deps.db, config, await allTypeNames(deps.db))) } };
    });

    app.put<{ Params: Params }>('/os-quota-sets/:target_id', async (req) => {
      const auth = caller(req);
      const projectId = req.params.target_id;
      enforce(deps, auth, 'volume_extension:quotas:update', { project_id: projectId });
      checkName(projectId, 'quota_set_name');
      await deps.db.transaction().execute(async (trx) => {
        // The same lock as the quota check: a create cannot slip in between this usage count and the new limit.
        await serializeOn(trx, `volume-quota:${projectId}`);
        const types = await allTypeNames(trx);
        const values = quotaValues(req.body, 'quota_set', resourceNames(types));
        const used = await usageFor(trx, projectId, types);
        for (const [key, limit] of Object.entries(values)) {
          if (key === 'per_volume_gigabytes' || limit === -1) continue;
          if (limit < (used[key] ?? 0)) {
            throw badRequest(`Quota ${key} limit must be equal or greater than existing resources. Current usage is ${used[key]} and the requested limit is ${limit}.`);
          }
        }
        await upsert(trx, projectId, values);
      });
      return { quota_set: await quotaSet(deps, projectId, false) };
    });

    app.delete<{ Params: Params }>('/os-quota-sets/:target_id', async (req, reply) => {
      const auth = caller(req);
      const projectId = req.params.target_id;
      enforce(deps, auth, 'volume_extension:quotas:delete', { project_id: projectId });
      await deps.db.deleteFrom('volume_quota').where('project_id', '=', projectId).execute();
      return reply.code(200).send();
    });

    app.get<{ Params: ClassParams }>('/os-quota-class-sets/:class_name', async (req) => {
      const auth = caller(req);
      enforce(deps, auth, 'volume_extension:quota_classes');
      const name = req.params.class_name;
      return { quota_class_set: { id: name, ...(await defaultLimits(deps.db, config, await allTypeNames(deps.db), name)) } };
    });

    app.put<{ Params: ClassParams }>('/os-quota-class-sets/:class_name', async (req) => {
      const auth = caller(req);
      enforce(deps, auth, 'volume_extension:quota_classes');
      const name = req.params.class_name;
      checkName(name, 'quota_class_name');
      const types = await allTypeNames(deps.db);
      const values = quotaValues(req.body, 'quota_class_set', resourceNames(types));
      await deps.db.transaction().execute((trx) => upsert(trx, classKey(name), values));
      return { quota_class_set: await defaultLimits(deps.db, config, types, name) };
    });
  };
}
