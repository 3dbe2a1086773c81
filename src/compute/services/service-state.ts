// How a compute service row reads from outside: up or down, its zone and the ids older
// microversions show. Shared with availability zones and hypervisors.
import type { ComputeDb, ServiceRow } from '../compute.tables.js';
import { DEFAULT_AZ, hostZones, INTERNAL_AZ } from '../aggregates/aggregate-hosts.js';

export const COMPUTE_BINARY = 'nova-compute';

/** Up: heard from within `downSeconds` and not forced down by an operator. */
export function isServiceUp(row: Pick<ServiceRow, 'last_seen_up' | 'forced_down'>, downSeconds: number, at = Date.now()): boolean {
  if (row.forced_down === 1 || row.last_seen_up === null) return false;
  return at - Date.parse(row.last_seen_up) <= downSeconds * 1000;
}

/**
 * The integer id shown before microversion 2.53 for a row whose real id is a UUID: derived from
 * the UUID alone, so it never changes and is never handed to another row after a delete (as a
 * position in a list would be).
 */
export function legacyId(uuid: string): number {
  return Number.parseInt(uuid.replaceAll('-', '').slice(0, 7), 16) + 1;
}

/** Finds the row whose legacy integer id is `raw` (undefined when none or not an integer). */
export function byLegacyId<T extends { id: string }>(rows: readonly T[], raw: string): T | undefined {
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  return rows.find((r) => legacyId(r.id) === Number(raw));
}

/** Each service's zone: a compute host's aggregate zone or `nova`; `internal` for the rest. */
export async function serviceZones(db: ComputeDb, rows: readonly ServiceRow[]): Promise<Map<string, string>> {
  const zones = await hostZones(db, [...new Set(rows.filter((r) => r.binary === COMPUTE_BINARY).map((r) => r.host))]);
  return new Map(rows.map((r) => [r.id, r.binary === COMPUTE_BINARY ? zones.get(r.host) ?? DEFAULT_AZ : INTERNAL_AZ]));
}
