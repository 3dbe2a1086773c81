// What every manager workflow is handed, and the small steps they share: conditional status
// changes that never throw (a workflow that lost its resource to a delete simply stops), and
// best-effort cleanup calls whose failure is only logged.
import type { VolumeDeps } from '../common.js';
import { now } from '../common.js';
import type { VolumeContext } from '../context.js';
import type { BackupRow, SnapshotRow, VolumeRow, VolumeTables } from '../volume.tables.js';

export interface Work {
  readonly ctx: VolumeContext;
  readonly deps: VolumeDeps;
}

export const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const loadVolume = (w: Work, id: string): Promise<VolumeRow | undefined> =>
  w.deps.db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
export const loadSnapshot = (w: Work, id: string): Promise<SnapshotRow | undefined> =>
  w.deps.db.selectFrom('volume_snapshot').selectAll().where('id', '=', id).executeTakeFirst();
export const loadBackup = (w: Work, id: string): Promise<BackupRow | undefined> =>
  w.deps.db.selectFrom('volume_backup').selectAll().where('id', '=', id).executeTakeFirst();

type Table = 'volume' | 'volume_snapshot' | 'volume_backup';

/**
 * Sets `set` on the row if its status is one of `from`; false if it is not (or the row is gone):
 * someone else (a forced delete, a reset-status) took the resource meanwhile, and wins.
 */
export async function transition<T extends Table>(w: Work, table: T, id: string, from: readonly string[],
  set: Partial<VolumeTables[T]>): Promise<boolean> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = w.deps.db as any;
  const res = await db.updateTable(table).set({ ...set, updated_at: now() })
    .where('id', '=', id).where('status', 'in', [...from]).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Runs a cleanup step whose failure must not hide the failure being handled; logs it. */
export async function bestEffort(w: Work, what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    w.deps.log.warn({ err: errText(err) }, `${what} failed (ignored)`);
  }
}

/** The storage host of a backend id (`<host>@<backend>` → `<host>`). */
export const storageHostOf = (backendHost: string): string => backendHost.split('@')[0]!;

/** A backend of a storage host, for work any backend there can do (backups live in the host's backup store). */
export async function backendOnHost(w: Work, host: string): Promise<string | null> {
  if (host.includes('@')) return host.split('#')[0]!;
  const rows = await w.deps.db.selectFrom('volume_backend').select(['id', 'last_seen_up', 'disabled'])
    .where('host', '=', host).orderBy('last_seen_up', 'desc').execute();
  return rows[0]?.id ?? null;
}

/**
 * Copies a source volume's image metadata to a volume made from it (a clone, a volume from one of
 * its snapshots or backups), as Cinder copies glance metadata, so it still reads as made from that
 * image; keys the new volume already has are kept.
 */
export async function copyImageMetadata(w: Work, fromVolumeId: string, toVolumeId: string): Promise<void> {
  const db = w.deps.db;
  const source = await db.selectFrom('volume_image_metadata').select(['key', 'value']).where('volume_id', '=', fromVolumeId).execute();
  if (source.length === 0) return;
  const have = new Set((await db.selectFrom('volume_image_metadata').select('key').where('volume_id', '=', toVolumeId).execute()).map((r) => r.key));
  const rows = source.filter((r) => !have.has(r.key)).map((r) => ({ volume_id: toVolumeId, key: r.key, value: r.value }));
  if (rows.length) await db.insertInto('volume_image_metadata').values(rows).execute();
}
