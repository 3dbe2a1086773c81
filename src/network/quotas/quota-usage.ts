// How many of each resource a project holds and what it may hold: read by the quota check on every
// create and by the quota routes (show, details).
import type { Kysely, Transaction } from 'kysely';
import { NETWORK_QUOTA_RESOURCES, type NetworkConfig, type NetworkQuotaResource } from '../../platform/config.network.js';
import type { NetworkTables } from '../network.tables.js';

type Db = Kysely<NetworkTables> | Transaction<NetworkTables>;

/** The table counted for each resource; subnet pools are not implemented, so they count nothing. */
const TABLE: Record<NetworkQuotaResource, keyof NetworkTables | null> = {
  network: 'net_network', subnet: 'net_subnet', port: 'net_port', router: 'net_router', floatingip: 'net_floating_ip',
  security_group: 'net_security_group', security_group_rule: 'net_security_group_rule', rbac_policy: 'net_rbac_policy',
  subnetpool: null,
};

export const isQuotaResource = (r: string): r is NetworkQuotaResource => (NETWORK_QUOTA_RESOURCES as readonly string[]).includes(r);

/** Rows of `resource` owned by `projectId`. */
export async function countUsed(db: Db, projectId: string, resource: NetworkQuotaResource): Promise<number> {
  const table = TABLE[resource];
  if (!table) return 0;
  // Every counted table has a project_id column; the union type is too wide for Kysely to see it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const row = await (db as Kysely<any>).selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The project's limits: its own rows over the configured defaults. */
export async function limitsFor(db: Db, config: NetworkConfig, projectId: string): Promise<Record<NetworkQuotaResource, number>> {
  const rows = await db.selectFrom('net_quota').select(['resource', 'hard_limit']).where('project_id', '=', projectId).execute();
  const limits = { ...config.quotaDefaults };
  for (const r of rows) if (isQuotaResource(r.resource)) limits[r.resource] = Number(r.hard_limit);
  return limits;
}

/** The limit of one resource for a project. */
export async function limitOf(db: Db, config: NetworkConfig, projectId: string, resource: NetworkQuotaResource): Promise<number> {
  const row = await db.selectFrom('net_quota').select('hard_limit')
    .where('project_id', '=', projectId).where('resource', '=', resource).executeTakeFirst();
  return row ? Number(row.hard_limit) : config.quotaDefaults[resource];
}
