// What other slices ask of aggregates about one host: its availability zone (scheduler, server
// create, services, availability-zone listing) and the metadata of the aggregates it belongs to
// (the scheduler's aggregate filters).
import type { ComputeDb } from '../compute.tables.js';

/** Nova's `internal_service_availability_zone`: the zone of services other than nova-compute. */
export const INTERNAL_AZ = 'internal';
/** Nova's `default_availability_zone`: the zone of compute hosts that no aggregate puts in one. */
export const DEFAULT_AZ = 'nova';

/** The availability zone of a compute host: its aggregates' zone, else `defaultAz`. */
export async function hostAvailabilityZone(db: ComputeDb, host: string, defaultAz = DEFAULT_AZ): Promise<string> {
  const zones = await hostZones(db, [host]);
  return zones.get(host) ?? defaultAz;
}

/** Whether a zone can be asked for: the default one, or one an aggregate sets. */
export async function zoneExists(db: ComputeDb, az: string): Promise<boolean> {
  if (az === DEFAULT_AZ) return true;
  return (await db.selectFrom('compute_aggregate').select('id').where('availability_zone', '=', az).executeTakeFirst()) !== undefined;
}

/** The zone of each given host that an aggregate puts in one (hosts in none are absent). Adding
 *  a host to aggregates with different zones is refused, so a host has at most one. */
export async function hostZones(db: ComputeDb, hosts?: readonly string[]): Promise<Map<string, string>> {
  if (hosts !== undefined && hosts.length === 0) return new Map();
  let q = db.selectFrom('compute_aggregate_host as h')
    .innerJoin('compute_aggregate as a', 'a.id', 'h.aggregate_id')
    .select(['h.host', 'a.availability_zone'])
    .where('a.availability_zone', 'is not', null)
    .orderBy('a.id');
  if (hosts !== undefined) q = q.where('h.host', 'in', [...hosts]);
  const zones = new Map<string, string>();
  for (const r of await q.execute()) if (!zones.has(r.host)) zones.set(r.host, r.availability_zone!);
  return zones;
}

/**
 * The metadata of every aggregate the host is in, each key with all the values it has there
 * (Nova's `aggregate_metadata_get_by_host`), the zone included as `availability_zone`.
 */
export async function aggregateMetadataForHost(db: ComputeDb, host: string): Promise<Record<string, string[]>> {
  const ids = db.selectFrom('compute_aggregate_host').select('aggregate_id').where('host', '=', host);
  const meta = await db.selectFrom('compute_aggregate_metadata').select(['key', 'value'])
    .where('aggregate_id', 'in', ids).orderBy('aggregate_id').execute();
  const zones = await db.selectFrom('compute_aggregate').select('availability_zone')
    .where('id', 'in', ids).where('availability_zone', 'is not', null).orderBy('id').execute();
  const out: Record<string, string[]> = {};
  const add = (k: string, v: string) => { const list = (out[k] ??= []); if (!list.includes(v)) list.push(v); };
  for (const m of meta) add(m.key, m.value);
  for (const z of zones) add('availability_zone', z.availability_zone!);
  return out;
}
