// Snapshots on the backend of their volume: create, delete, and revert a volume to one (3.40).
import { backendOf } from '../context.js';
import { errText, loadSnapshot, loadVolume, transition, type Work } from './manager-kit.js';
import { ACTION, DETAIL, leaveMessage } from './user-message-events.js';

/** A snapshot row in `creating` becomes `available` (progress 100%) or `error`. */
export async function runCreateSnapshot(w: Work, snapshotId: string): Promise<void> {
  const snap = await loadSnapshot(w, snapshotId);
  if (!snap || snap.status !== 'creating') return;
  try {
    const vol = await loadVolume(w, snap.volume_id);
    if (!vol?.host) throw new Error(`Volume ${snap.volume_id} is on no backend.`);
    // Snapshots of attached volumes (force) read the file while QEMU holds it open.
    const inUse = vol.status === 'in-use' || vol.attach_status === 'attached';
    const location = await w.ctx.agent(backendOf(vol.host)).createSnapshot(snapshotId, vol.id, inUse);
    await transition(w, 'volume_snapshot', snapshotId, ['creating'], { status: 'available', progress: '100%', provider_location: location, status_reason: null });
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ snapshotId, err: reason }, 'snapshot create failed');
    await transition(w, 'volume_snapshot', snapshotId, ['creating'], { status: 'error', status_reason: reason });
    await leaveMessage(w.deps, snap.project_id, 'SNAPSHOT', snapshotId, ACTION.snapshotCreate, DETAIL.snapshotCreateError);
    const vol = await loadVolume(w, snap.volume_id);
    const host = vol?.host;
    if (host) await w.ctx.agent(backendOf(host)).deleteSnapshot(snapshotId).catch(() => undefined);
  }
}

/** A snapshot in `deleting`: gone from the backend, then its row (metadata follows by foreign key); else `error_deleting`. */
export async function runDeleteSnapshot(w: Work, snapshotId: string): Promise<void> {
  const snap = await loadSnapshot(w, snapshotId);
  if (!snap || snap.status !== 'deleting') return;
  try {
    const vol = await loadVolume(w, snap.volume_id);
    if (vol?.host) await w.ctx.agent(backendOf(vol.host)).deleteSnapshot(snapshotId);
    await w.deps.db.deleteFrom('volume_snapshot').where('id', '=', snapshotId).where('status', '=', 'deleting').execute();
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ snapshotId, err: reason }, 'snapshot delete failed');
    await transition(w, 'volume_snapshot', snapshotId, ['deleting'], { status: 'error_deleting', status_reason: reason });
    await leaveMessage(w.deps, snap.project_id, 'SNAPSHOT', snapshotId, ACTION.snapshotDelete, DETAIL.snapshotDeleteError);
  }
}

/**
 * Writes the snapshot back into its volume: the volume (`reverting`) ends `available`, the snapshot
 * (`restoring`) `available`; a failure leaves the volume in `error` (its data is in doubt).
 */
export async function runRevertToSnapshot(w: Work, volumeId: string, snapshotId: string): Promise<void> {
  const vol = await loadVolume(w, volumeId);
  if (!vol || vol.status !== 'reverting') return;
  try {
    if (!vol.host) throw new Error(`Volume ${volumeId} is on no backend.`);
    await w.ctx.agent(backendOf(vol.host)).revertToSnapshot(volumeId, snapshotId);
    await transition(w, 'volume', volumeId, ['reverting'], { status: 'available', status_reason: null });
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ volumeId, snapshotId, err: reason }, 'revert to snapshot failed');
    await transition(w, 'volume', volumeId, ['reverting'], { status: 'error', status_reason: reason });
    await leaveMessage(w.deps, vol.project_id, 'VOLUME', volumeId, ACTION.revertToSnapshot, DETAIL.driverFailedRevert);
  } finally {
    await transition(w, 'volume_snapshot', snapshotId, ['restoring'], { status: 'available' });
  }
}
