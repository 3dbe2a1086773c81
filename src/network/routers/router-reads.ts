// The reads the L3 slices share: routers' ports with their addresses, subnets and networks by id.
// Every function takes the database or the open transaction (inside a transaction, reading through
// the outer handle would wait for the transaction itself on SQLite's single connection).
import type { Kysely } from 'kysely';
import { serializeOn } from '../../platform/db/serialize.js';
import type { IpAllocationRow, NetworkRow, NetworkTables, PortRow, RouterRow, SubnetRow } from '../network.tables.js';
import { ROUTER_GATEWAY, ROUTER_INTERFACE } from './router-errors.js';

export type Db = Kysely<NetworkTables>;

export interface PortWithIps { port: PortRow; ips: IpAllocationRow[] }

/** Runs an `IN (…)` query over `ids` in chunks: SQLite limits the bound parameters of one statement. */
export async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(ids)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += 500) out.push(...await query(unique.slice(i, i + 500)));
  return out;
}

export async function loadRouterRow(db: Db, id: string): Promise<RouterRow | undefined> {
  return db.selectFrom('net_router').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Inside a write transaction: waits for other writes to the same router (PostgreSQL; SQLite runs one
 * transaction at a time anyway), then reads it, so two racing gateway or interface changes cannot
 * both act on the same old row (and leave, say, two gateway ports).
 */
export async function lockRouterRow(trx: Db, id: string): Promise<RouterRow | undefined> {
  await serializeOn(trx, `router:${id}`);
  return loadRouterRow(trx, id);
}

export async function loadPortRow(db: Db, id: string): Promise<PortRow | undefined> {
  return db.selectFrom('net_port').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Allocations of each port, in insertion order. */
export async function allocationsOf(db: Db, portIds: readonly string[]): Promise<Map<string, IpAllocationRow[]>> {
  const out = new Map<string, IpAllocationRow[]>(portIds.map((id) => [id, []]));
  if (portIds.length === 0) return out;
  const rows = await inChunks(portIds, (c) => db.selectFrom('net_ip_allocation').selectAll().where('port_id', 'in', c).execute());
  for (const r of rows) out.get(r.port_id)?.push(r);
  return out;
}

export async function subnetsById(db: Db, ids: readonly string[]): Promise<Map<string, SubnetRow>> {
  if (ids.length === 0) return new Map();
  const rows = await inChunks(ids, (c) => db.selectFrom('net_subnet').selectAll().where('id', 'in', c).execute());
  return new Map(rows.map((s) => [s.id, s]));
}

export async function networksById(db: Db, ids: readonly string[]): Promise<Map<string, NetworkRow>> {
  if (ids.length === 0) return new Map();
  const rows = await inChunks(ids, (c) => db.selectFrom('net_network').selectAll().where('id', 'in', c).execute());
  return new Map(rows.map((n) => [n.id, n]));
}

/** The interface and gateway ports of the routers, each with its addresses. */
export async function routerPorts(db: Db, routerIds: readonly string[], owners = [ROUTER_INTERFACE, ROUTER_GATEWAY]): Promise<PortWithIps[]> {
  if (routerIds.length === 0) return [];
  const ports = await inChunks(routerIds, (c) => db.selectFrom('net_port').selectAll()
    .where('device_id', 'in', c).where('device_owner', 'in', owners).execute());
  const ips = await allocationsOf(db, ports.map((p) => p.id));
  return ports.map((port) => ({ port, ips: ips.get(port.id) ?? [] }));
}

/** Bumps a router's revision (an interface added or removed changes it, as in Neutron). */
export async function touchRouter(db: Db, row: RouterRow, at: string, changes: Partial<RouterRow> = {}): Promise<void> {
  await db.updateTable('net_router').set({ ...changes, updated_at: at, revision_number: row.revision_number + 1 })
    .where('id', '=', row.id).execute();
}
