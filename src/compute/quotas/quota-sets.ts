// os-quota-sets as each microversion shows it: the project's limits (defaults from config,
// overrides in compute_quota), usage for the detail view, and the fixed legacy resources Nova
// kept showing for older microversions (network proxies until 2.36, personality files until 2.57).
import type { QuotaResource } from '../../platform/config.compute.js';
import { badRequest } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import type { ComputeDeps } from '../common.js';
import type { ComputeDb } from '../compute.tables.js';
import type { ApiVersion } from '../microversions.js';
import { has } from '../microversions.js';
import { quotaLimits, serverGroupUsage, serverUsage } from './quota-limits.js';

/** Shown (and settable) before 2.36: quotas of the network proxy APIs Nova removed then. */
export const NETWORK_LEGACY = { floating_ips: 10, fixed_ips: -1, security_groups: 10, security_group_rules: 20 } as const;
/** Shown (and settable) before 2.57: personality (injected file) quotas. */
export const FILE_LEGACY = { injected_files: 5, injected_file_content_bytes: 10240, injected_file_path_bytes: 255 } as const;

const MAX_INT = 0x7fffffff;

/** The resources a microversion shows, each with its default. */
export function shownDefaults(deps: ComputeDeps, v: ApiVersion): Record<string, number> {
  return {
    ...deps.config.compute.quotaDefaults,
    ...(has(v, 'proxyApisRemoved') ? {} : NETWORK_LEGACY),
    ...(has(v, 'rebuildUserData') ? {} : FILE_LEGACY),
  };
}

/** The project's limit of each resource the microversion shows. */
export async function shownLimits(deps: ComputeDeps, v: ApiVersion, projectId: string, db: ComputeDb = deps.db): Promise<Record<string, number>> {
  const shown = shownDefaults(deps, v);
  const real = await quotaLimits(db, deps.config.compute, projectId);
  const rows = await db.selectFrom('compute_quota').select(['resource', 'hard_limit']).where('project_id', '=', projectId).execute();
  const out: Record<string, number> = {};
  for (const [k, def] of Object.entries(shown)) {
    out[k] = k in real ? real[k as QuotaResource] : rows.find((r) => r.resource === k)?.hard_limit ?? def;
  }
  return out;
}

/** What the project uses of each resource counted per project; the rest (key pairs are per user,
 *  group members per group, the legacy ones are not counted) show 0, as Nova shows them. */
export async function projectUsage(db: ComputeDb, projectId: string): Promise<Record<string, number>> {
  const servers = await serverUsage(db, projectId);
  return { ...servers, server_groups: await serverGroupUsage(db, projectId) };
}

/** Parses a PUT body's quota_set: known resources of this microversion, integers >= -1, `force`. */
export function parseQuotaUpdate(deps: ComputeDeps, v: ApiVersion, body: unknown): { values: Record<string, number>; force: boolean } {
  const set = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).quota_set : undefined;
  if (typeof set !== 'object' || set === null || Array.isArray(set)) throw badRequest("Invalid input for field 'quota_set': it is a required object.");
  const allowed = shownDefaults(deps, v);
  const values: Record<string, number> = {};
  let force = false;
  for (const [k, raw] of Object.entries(set as Record<string, unknown>)) {
    if (k === 'force') {
      force = parseForce(raw);
      continue;
    }
    if (!(k in allowed)) throw badRequest(`Invalid input for field 'quota_set': additional property '${k}' is not allowed.`);
    const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -1 || n > MAX_INT) {
      throw badRequest(`Invalid input for field 'quota_set.${k}': ${JSON.stringify(raw)} is not an integer between -1 and ${MAX_INT}.`);
    }
    values[k] = n;
  }
  return { values, force };
}

function parseForce(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && ['true', 'false'].includes(raw.toLowerCase())) return raw.toLowerCase() === 'true';
  throw badRequest("Invalid input for field 'quota_set.force': it must be a boolean.");
}

/** Stores the new limits in one transaction; without `force`, none may drop below what is used. */
export async function updateQuotas(deps: ComputeDeps, v: ApiVersion, projectId: string, values: Record<string, number>, force: boolean): Promise<Record<string, number>> {
  return deps.db.transaction().execute(async (trx) => {
    // The same key the server-create quota check takes, so a create cannot slip under a lowered limit.
    await serializeOn(trx, `quota:${projectId}`);
    if (!force) {
      const used = await projectUsage(trx, projectId);
      for (const [k, limit] of Object.entries(values)) {
        const inUse = used[k] ?? 0;
        if (limit !== -1 && limit < inUse) {
          throw badRequest(`Quota limit ${limit} for ${k} must be greater than or equal to already used and reserved ${inUse}.`);
        }
      }
    }
    for (const [resource, hard_limit] of Object.entries(values)) {
      await trx.deleteFrom('compute_quota').where('project_id', '=', projectId).where('resource', '=', resource).execute();
      await trx.insertInto('compute_quota').values({ project_id: projectId, resource, hard_limit }).execute();
    }
    return shownLimits(deps, v, projectId, trx);
  });
}
