// Volume, snapshot and backup statuses as Cinder has them, and the one way to change a status:
// a conditional UPDATE that succeeds only from an allowed status, so two racing requests can never
// both take a volume (the loser gets Cinder's 400 "Invalid volume").
import type { Kysely, Transaction } from 'kysely';
import { ApiError } from '../platform/errors.js';
import type { VolumeTables } from './volume.tables.js';

export const VOLUME_STATUSES = ['creating', 'available', 'reserved', 'attaching', 'in-use', 'detaching', 'maintenance',
  'deleting', 'awaiting-transfer', 'error', 'error_deleting', 'backing-up', 'restoring-backup', 'error_backing-up',
  'error_restoring', 'error_extending', 'downloading', 'uploading', 'retyping', 'extending', 'reverting'] as const;
export type VolumeStatus = typeof VOLUME_STATUSES[number];

export type AttachStatus = 'attached' | 'attaching' | 'detached' | 'reserved' | 'detaching' | 'error_attaching' | 'error_detaching';

export const SNAPSHOT_STATUSES = ['creating', 'available', 'backing-up', 'deleting', 'error', 'error_deleting', 'restoring', 'unmanaging'] as const;
export type SnapshotStatus = typeof SNAPSHOT_STATUSES[number];

export const BACKUP_STATUSES = ['creating', 'available', 'deleting', 'error', 'error_deleting', 'restoring'] as const;
export type BackupStatus = typeof BACKUP_STATUSES[number];

/**
 * Which statuses each volume operation may start from (Cinder's volume/api.py checks). The API
 * checks these inside the write that changes the status (see `moveVolume`).
 */
export const VOLUME_FROM = {
  delete: ['available', 'error', 'error_restoring', 'error_extending'],
  forceDelete: VOLUME_STATUSES.filter((s) => s !== 'deleting'),
  extend: ['available'],
  extendAttached: ['in-use'],
  snapshot: ['available'],
  snapshotForce: ['available', 'in-use'],
  backup: ['available', 'in-use'],
  restoreInto: ['available'],
  clone: ['available', 'in-use'],
  upload: ['available'],
  uploadForce: ['available', 'in-use'],
  transfer: ['available'],
  attachReserve: ['available'],
  attachReserveMulti: ['available', 'in-use', 'reserved', 'attaching'],
  setBootable: VOLUME_STATUSES,
  retype: ['available', 'in-use'],
} as const satisfies Record<string, readonly VolumeStatus[]>;

/** Cinder's InvalidVolume (400): "Invalid volume: <reason>". */
export const invalidVolume = (reason: string) => new ApiError(400, `Invalid volume: ${reason}`);
export const invalidSnapshot = (reason: string) => new ApiError(400, `Invalid snapshot: ${reason}`);
export const invalidBackup = (reason: string) => new ApiError(400, `Invalid backup: ${reason}`);

type Db = Kysely<VolumeTables> | Transaction<VolumeTables>;

/** `available or error` for messages. */
export const statusList = (from: readonly string[]): string => from.length <= 1 ? (from[0] ?? '') : `${from.slice(0, -1).join(', ')} or ${from.at(-1)}`;

type Movable = 'volume' | 'volume_snapshot' | 'volume_backup';
const LABELS: Record<Movable, [string, (reason: string) => ApiError]> = {
  volume: ['Volume', invalidVolume], volume_snapshot: ['Snapshot', invalidSnapshot], volume_backup: ['Backup', invalidBackup],
};

/** Sets `status` (and `set`) on one row if its status is one of `from`; else 404 or Cinder's Invalid… (400). */
async function move(db: Db, table: Movable, id: string, from: readonly string[], to: string, set: object, what: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d = db as Kysely<any>;
  const res = await d.updateTable(table).set({ ...set, status: to, updated_at: new Date().toISOString() })
    .where('id', '=', id).where('status', 'in', [...from]).executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0) return;
  const row = await d.selectFrom(table).select('status').where('id', '=', id).executeTakeFirst() as { status: string } | undefined;
  const [label, invalid] = LABELS[table];
  if (!row) throw new ApiError(404, `${label} ${id} could not be found.`);
  throw invalid(`${label} status must be ${statusList(from)} to ${what}, but current status is: ${row.status}.`);
}

/** Moves a volume to `to` if its status is one of `from`, else throws InvalidVolume naming the statuses it must have. */
export const moveVolume = (db: Db, id: string, from: readonly VolumeStatus[], to: VolumeStatus,
  set: Partial<VolumeTables['volume']> = {}, what = 'do this'): Promise<void> => move(db, 'volume', id, from, to, set, what);

export const moveSnapshot = (db: Db, id: string, from: readonly SnapshotStatus[], to: SnapshotStatus,
  set: Partial<VolumeTables['volume_snapshot']> = {}, what = 'do this'): Promise<void> => move(db, 'volume_snapshot', id, from, to, set, what);

export const moveBackup = (db: Db, id: string, from: readonly BackupStatus[], to: BackupStatus,
  set: Partial<VolumeTables['volume_backup']> = {}, what = 'do this'): Promise<void> => move(db, 'volume_backup', id, from, to, set, what);
