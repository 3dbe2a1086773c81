// Quota limits (config defaults, per-project overrides) and usage counted from the tables
// themselves, so usage can never drift from what exists. Checks run inside the writing
// transaction after serializeOn(trx, `quota:<project>`), so racing creates cannot pass together.
import { ApiError } from '../../platform/errors.js';
import type { ComputeConfig, QuotaResource } from '../../platform/config.compute.js';
import { QUOTA_RESOURCES } from '../../platform/config.compute.js';
import type { ComputeDb } from '../compute.tables.js';

export type Limits = Record<QuotaResource, number>;

export async function quotaLimits(db: ComputeDb, config: ComputeConfig, projectId: string): Promise<Limits> {
  const limits: Limits = { ...config.quotaDefaults };
  const rows = await db.selectFrom('compute_quota').select(['resource', 'hard_limit']).where('project_id', '=', projectId).execute();
  for (const r of rows) if ((QUOTA_RESOURCES as readonly string[]).includes(r.resource)) limits[r.resource as QuotaResource] = r.hard_limit;
  return limits;
}

export interface ServerUsage { instances: number; cores: number; ram: number }

/** Instances, vCPUs and RAM (MB) held by a project's servers that are not deleted. */
export async function serverUsage(db: ComputeDb, projectId: string): Promise<ServerUsage> {
  const row = await db.selectFrom('compute_instance')
    .select((eb) => [eb.fn.countAll<number>().as('instances'), eb.fn.sum<number>('vcpus').as('cores'), eb.fn.sum<number>('memory_mb').as('ram')])
    .where('project_id', '=', projectId).where('deleted', '=', 0).executeTakeFirst();
  return { instances: Number(row?.instances ?? 0), cores: Number(row?.cores ?? 0), ram: Number(row?.ram ?? 0) };
}

export async function keypairUsage(db: ComputeDb, userId: string): Promise<number> {
  const row = await db.selectFrom('compute_keypair').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function serverGroupUsage(db: ComputeDb, projectId: string): Promise<number> {
  const row = await db.selectFrom('compute_server_group').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Nova's 403: "Quota exceeded for cores: Requested 4, but already used 18 of 20 cores". */
export function quotaExceeded(resource: string, requested: number, used: number, limit: number): ApiError {
  return new ApiError(403, `Quota exceeded for ${resource}: Requested ${requested}, but already used ${used} of ${limit} ${resource}`);
}

/** Throws the 403 if adding `delta` to the project's servers passes a limit (-1 = unlimited). */
export async function checkServerQuota(trx: ComputeDb, config: ComputeConfig, projectId: string, delta: ServerUsage): Promise<void> {
  const limits = await quotaLimits(trx, config, projectId);
  const used = await serverUsage(trx, projectId);
  for (const r of ['instances', 'cores', 'ram'] as const) {
    if (delta[r] > 0 && limits[r] >= 0 && used[r] + delta[r] > limits[r]) throw quotaExceeded(r, delta[r], used[r], limits[r]);
  }
}

/** Metadata item count check shared by server create and the metadata API. */
export async function checkMetadataQuota(db: ComputeDb, config: ComputeConfig, projectId: string, count: number): Promise<void> {
  const limit = (await quotaLimits(db, config, projectId)).metadata_items;
  if (limit >= 0 && count > limit) throw new ApiError(403, `Quota exceeded for metadata_items: Requested ${count}, but the limit is ${limit} metadata_items`);
}
