// What a project holds and what it may hold, for block storage: read by the quota check on every
// create and by the quota-set and limits routes. Usage is counted from the tables themselves.
import type { Kysely, Transaction } from 'kysely';
import { VOLUME_QUOTA_RESOURCES, type VolumeConfig, type VolumeQuotaResource } from '../../platform/config.volume.js';
import type { VolumeTables } from '../volume.tables.js';

type Db = Kysely<VolumeTables> | Transaction<VolumeTables>;

/** Quota classes are kept in volume_quota under pseudo projects (never a Keystone id); only `default` applies. */
export const classKey = (className: string): string => `quota-class:${className}`;
export const DEFAULT_CLASS_KEY = classKey('default');

/** The per-type resources Cinder adds for each volume type. */
export const PER_TYPE_PREFIXES = ['volumes', 'gigabytes', 'snapshots'] as const;
export const perTypeKeys = (typeName: string): string[] => PER_TYPE_PREFIXES.map((p) => `${p}_${typeName}`);

export const isBaseResource = (r: string): r is VolumeQuotaResource => (VOLUME_QUOTA_RESOURCES as readonly string[]).includes(r);

/** Every resource name of a quota set, given the volume type names: the base ones then three per type. */
export function resourceNames(typeNames: string[]): string[] {
  return [...VOLUME_QUOTA_RESOURCES, ...typeNames.flatMap(perTypeKeys)];
}

/** The names of all volume types (for the per-type resources of a quota set). */
export async function allTypeNames(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('volume_type').select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}

/** The rows set for a project (or a class key), by resource. */
export async function rowsOf(db: Db, key: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('volume_quota').select(['resource', 'hard_limit']).where('project_id', '=', key).execute();
  return Object.fromEntries(rows.map((r) => [r.resource, Number(r.hard_limit)]));
}

/**
 * The defaults every project starts from: the configured ones (per-type ones unlimited, -1), then
 * whatever an admin set on the quota class (`default` is the one every project uses).
 */
export async function defaultLimits(db: Db, config: VolumeConfig, typeNames: string[], className = 'default'): Promise<Record<string, number>> {
  const limits: Record<string, number> = {};
  for (const r of resourceNames(typeNames)) limits[r] = isBaseResource(r) ? config.quotaDefaults[r] : -1;
  const classRows = await rowsOf(db, classKey(className));
  for (const r of Object.keys(limits)) if (r in classRows) limits[r] = classRows[r];
  return limits;
}

/** A project's limits: its own rows over the defaults. */
export async function limitsFor(db: Db, config: VolumeConfig, projectId: string, typeNames: string[]): Promise<Record<string, number>> {
  const limits = await defaultLimits(db, config, typeNames);
  const own = await rowsOf(db, projectId);
  for (const r of Object.keys(limits)) if (r in own) limits[r] = own[r];
  return limits;
}

/**
 * What the project holds of every resource (zero for those it holds none of): volumes and the sum
 * of their sizes, snapshots (their sizes count in gigabytes too, as in Cinder), backups and the sum
 * of their sizes; the per-type figures by the type of the volume (of the snapshot's volume).
 */
export async function usageFor(db: Db, projectId: string, typeNames: string[]): Promise<Record<string, number>> {
  const used: Record<string, number> = {};
  for (const r of resourceNames(typeNames)) used[r] = 0;
  const add = (key: string, n: unknown) => { used[key] = (used[key] ?? 0) + Number(n ?? 0); };

  const volumes = await db.selectFrom('volume').innerJoin('volume_type', 'volume_type.id', 'volume.volume_type_id')
    .select((eb) => ['volume_type.name as type', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('volume.size').as('gb')])
    .where('volume.project_id', '=', projectId).groupBy('volume_type.name').execute();
  for (const v of volumes) {
    add('volumes', v.n); add('gigabytes', v.gb);
    add(`volumes_${v.type}`, v.n); add(`gigabytes_${v.type}`, v.gb);
  }
  const snapshots = await db.selectFrom('volume_snapshot')
    .leftJoin('volume', 'volume.id', 'volume_snapshot.volume_id')
    .leftJoin('volume_type', 'volume_type.id', 'volume.volume_type_id')
    .select((eb) => ['volume_type.name as type', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('volume_snapshot.size').as('gb')])
    .where('volume_snapshot.project_id', '=', projectId).groupBy('volume_type.name').execute();
  for (const s of snapshots) {
    add('snapshots', s.n); add('gigabytes', s.gb);
    if (s.type !== null) { add(`snapshots_${s.type}`, s.n); add(`gigabytes_${s.type}`, s.gb); }
  }
  const backups = await db.selectFrom('volume_backup')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('gb')])
    .where('project_id', '=', projectId).executeTakeFirst();
  add('backups', backups?.n); add('backup_gigabytes', backups?.gb);
  return used;
}
