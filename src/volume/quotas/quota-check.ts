// The quota check every create (volume, snapshot, backup, extend, transfer accept) calls inside its
// writing transaction.
import type { Transaction } from 'kysely';
import type { VolumeTables } from '../volume.tables.js';
import type { VolumeConfig } from '../../platform/config.volume.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { overQuota } from '../common.js';
import { limitsFor, usageFor } from './quota-usage.js';

/** What a write adds to a project's usage; gigabytes of volumes and snapshots count together, as Cinder. */
export interface QuotaDelta {
  volumes?: number;
  gigabytes?: number;
  snapshots?: number;
  backups?: number;
  backup_gigabytes?: number;
}

/** Cinder's refusal for the resource that went over (its exception's name leads the message, as the client shows it). */
function refusal(resource: string, limit: number, used: number, requested: number) {
  if (resource === 'backup_gigabytes') {
    return overQuota(`VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested ${requested}G, quota is ${limit}G and ${used}G has been consumed.`);
  }
  if (resource.startsWith('gigabytes')) {
    return overQuota(`VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed ${resource} quota. Requested ${requested}G, quota is ${limit}G and ${used}G has been consumed.`);
  }
  if (resource.startsWith('volumes')) {
    return overQuota(`VolumeLimitExceeded: Maximum number of volumes allowed (${limit}) exceeded for quota '${resource}'.`);
  }
  if (resource.startsWith('snapshots')) return overQuota(`SnapshotLimitExceeded: Maximum number of snapshots allowed (${limit}) exceeded`);
  return overQuota(`BackupLimitExceeded: Maximum number of backups allowed (${limit}) exceeded`);
}

/**
 * Refuses with Cinder's 413 (e.g. "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot
 * exceeds allowed gigabytes quota. Requested 5G, quota is 10G and 8G has been consumed.", or
 * "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.") when
 * `projectId` would hold more than a limit after adding `delta`, also for the per-type limits
 * (`volumes_<type>`, `gigabytes_<type>`, `snapshots_<type>`) when `volumeTypeName` is given, and
 * `per_volume_gigabytes` for a volume's size (`sizeGb`). Serialises on the project (serializeOn) so
 * racing writes cannot pass a limit together. Usage is counted from the tables (no reservations):
 * call it BEFORE inserting (or resizing) the rows the delta stands for, in the same transaction.
 * Only positive amounts are checked; a limit of -1 is unlimited.
 */
export async function checkVolumeQuota(trx: Transaction<VolumeTables>, config: VolumeConfig, projectId: string,
  delta: QuotaDelta, opts: { volumeTypeName?: string | null; sizeGb?: number } = {}): Promise<void> {
  await serializeOn(trx, `volume-quota:${projectId}`);
  const typeName = opts.volumeTypeName ?? null;
  const typeNames = typeName === null ? [] : [typeName];
  const limits = await limitsFor(trx, config, projectId, typeNames);

  // Cinder checks the size of one volume before any reservation.
  const perVolume = limits.per_volume_gigabytes;
  if (opts.sizeGb !== undefined && perVolume >= 0 && opts.sizeGb > perVolume) {
    throw overQuota(`VolumeSizeExceedsLimit: Requested volume size ${opts.sizeGb}G is larger than maximum allowed limit ${perVolume}G.`);
  }

  const adding: Record<string, number> = {};
  for (const [resource, amount] of Object.entries(delta) as Array<[keyof QuotaDelta, number | undefined]>) {
    if (!amount || amount <= 0) continue;
    adding[resource] = amount;
    if (typeName !== null && (resource === 'volumes' || resource === 'gigabytes' || resource === 'snapshots')) {
      adding[`${resource}_${typeName}`] = amount;
    }
  }
  const wanted = Object.keys(adding).filter((r) => (limits[r] ?? -1) >= 0);
  if (wanted.length === 0) return;
  const used = await usageFor(trx, projectId, typeNames);
  // Cinder reports the first of the exceeded resources in name order.
  for (const resource of wanted.sort()) {
    if (used[resource] + adding[resource] > limits[resource]) throw refusal(resource, limits[resource], used[resource], adding[resource]);
  }
}
