// What the manager does with work a restart interrupted (its queue lives in memory). Kept simple:
// - creates, extends, restores, reverts, downloads in flight end in their error status with a reason
//   and a user message (creating → error, extending → error_extending, restoring-backup →
//   error_restoring, reverting/downloading → error; snapshots and backups creating → error);
// - uploads and backups in flight give the volume back (in-use if attached, else available), a
//   restoring backup goes back to available;
// - deletes are safe to repeat, so they are retried: at start for resources on no backend, else
//   once their backend's agent reports again (it may start after the manager).
// This assumes one volume manager per cloud (as `nubis up` / one `nubis controller` runs): a second
// manager starting beside a busy one would end the first one's work too.
import { backendOf } from '../context.js';
import type { VolumeStatus } from '../volume-states.js';
import { transition, type Work } from './manager-kit.js';
import { ACTION, DETAIL, leaveMessage } from './user-message-events.js';

const INTERRUPTED = 'The volume service restarted while this was in progress.';

const VOLUME_FAILS: Array<[VolumeStatus, VolumeStatus, readonly [string, string]]> = [
  ['creating', 'error', ACTION.createVolumeFromBackend],
  ['extending', 'error_extending', ACTION.extendVolume],
  ['restoring-backup', 'error_restoring', ACTION.backupRestore],
  ['reverting', 'error', ACTION.revertToSnapshot],
  ['downloading', 'error', ACTION.copyImageToVolume],
];

/** Ends interrupted work (see above); `busy(id)` work already queued again is left alone. */
export async function settleInterrupted(w: Work, busy: (id: string) => boolean): Promise<void> {
  const db = w.deps.db;
  for (const [from, to, action] of VOLUME_FAILS) {
    const rows = await db.selectFrom('volume').select(['id', 'project_id']).where('status', '=', from).execute();
    for (const r of rows.filter((x) => !busy(x.id))) {
      if (await transition(w, 'volume', r.id, [from], { status: to, status_reason: INTERRUPTED })) {
        await leaveMessage(w.deps, r.project_id, 'VOLUME', r.id, action, DETAIL.unknownError);
      }
    }
  }
  for (const from of ['uploading', 'backing-up'] as const) {
    const rows = await db.selectFrom('volume').select(['id', 'attach_status']).where('status', '=', from).execute();
    for (const r of rows.filter((x) => !busy(x.id))) {
      await transition(w, 'volume', r.id, [from], { status: r.attach_status === 'attached' ? 'in-use' : 'available' });
    }
  }
  const snaps = await db.selectFrom('volume_snapshot').select(['id', 'project_id']).where('status', '=', 'creating').execute();
  for (const s of snaps.filter((x) => !busy(x.id))) {
    if (await transition(w, 'volume_snapshot', s.id, ['creating'], { status: 'error', status_reason: INTERRUPTED })) {
      await leaveMessage(w.deps, s.project_id, 'SNAPSHOT', s.id, ACTION.snapshotCreate, DETAIL.snapshotCreateError);
    }
  }
  await db.updateTable('volume_snapshot').set({ status: 'available' }).where('status', 'in', ['backing-up', 'restoring']).execute();
  const backups = await db.selectFrom('volume_backup').select(['id', 'project_id']).where('status', '=', 'creating').execute();
  for (const b of backups.filter((x) => !busy(x.id))) {
    if (await transition(w, 'volume_backup', b.id, ['creating'], { status: 'error', fail_reason: INTERRUPTED })) {
      await leaveMessage(w.deps, b.project_id, 'BACKUP', b.id, ACTION.backupCreate, DETAIL.backupCreateDriverError);
    }
  }
  await db.updateTable('volume_backup').set({ status: 'available', restore_volume_id: null }).where('status', '=', 'restoring').execute();
}

export interface PendingDeletes { volumes: string[]; snapshots: string[]; backups: string[] }

/** Deletes left `deleting` on a backend (`<host>@<backend>`; null: on no backend at all), to run again. */
export async function pendingDeletes(w: Work, backendId: string | null): Promise<PendingDeletes> {
  const db = w.deps.db;
  const onIt = (host: string | null) => (backendId === null ? host === null : host !== null && backendOf(host) === backendId);
  const vols = await db.selectFrom('volume').select(['id', 'host']).where('status', '=', 'deleting').execute();
  const snaps = await db.selectFrom('volume_snapshot').innerJoin('volume', 'volume.id', 'volume_snapshot.volume_id')
    .select(['volume_snapshot.id', 'volume.host']).where('volume_snapshot.status', '=', 'deleting').where('volume.status', '!=', 'deleting').execute();
  const storageHost = backendId?.split('@')[0] ?? null;
  const backups = await db.selectFrom('volume_backup').select(['id', 'host']).where('status', '=', 'deleting').execute();
  return {
    volumes: vols.filter((v) => onIt(v.host)).map((v) => v.id),
    snapshots: snaps.filter((s) => onIt(s.host)).map((s) => s.id),
    backups: backups.filter((b) => (storageHost === null ? b.host === null : b.host === storageHost)).map((b) => b.id),
  };
}
