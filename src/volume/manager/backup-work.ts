// Backups through the storage agent of the volume's backend, into its host's backup store: create
// (full or incremental), restore into a volume (new or existing), delete. A backup's `host` is the
// storage host that holds it (as Cinder's backup service host); any backend there can restore it.
import { now } from '../common.js';
import { backendOf } from '../context.js';
import { backendOnHost, bestEffort, copyImageMetadata, errText, loadBackup, loadVolume, storageHostOf, transition, type Work } from './manager-kit.js';
import { ACTION, DETAIL, leaveMessage } from './user-message-events.js';

/** A backup in `creating` of a volume in `backing-up`: ends `available`, the volume back at `previous`. */
export async function runCreateBackup(w: Work, backupId: string, previous: 'available' | 'in-use'): Promise<void> {
  const backup = await loadBackup(w, backupId);
  if (!backup || backup.status !== 'creating') return;
  const vol = await loadVolume(w, backup.volume_id);
  let backendHost: string | null = null;
  try {
    if (!vol?.host) throw new Error(`Volume ${backup.volume_id} is on no backend.`);
    backendHost = backendOf(vol.host);
    const result = await w.ctx.agent(backendHost).backup(backupId, vol.id, backup.snapshot_id, backup.parent_id, previous === 'in-use');
    await transition(w, 'volume_backup', backupId, ['creating'], {
      status: 'available', fail_reason: null, container: result.container, object_count: result.objectCount, host: storageHostOf(backendHost),
    });
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ backupId, err: reason }, 'backup create failed');
    await transition(w, 'volume_backup', backupId, ['creating'], { status: 'error', fail_reason: reason });
    await leaveMessage(w.deps, backup.project_id, 'BACKUP', backupId, ACTION.backupCreate, DETAIL.backupCreateDriverError);
    const host = backendHost;
    if (host) await bestEffort(w, `removing failed backup ${backupId}`, () => w.ctx.agent(host).deleteBackup(backupId));
  } finally {
    // A backup of a snapshot never took the volume (the API marks the snapshot instead).
    if (!backup.snapshot_id) await transition(w, 'volume', backup.volume_id, ['backing-up'], { status: previous });
    if (backup.snapshot_id) await transition(w, 'volume_snapshot', backup.snapshot_id, ['backing-up'], { status: 'available' });
  }
}

/**
 * A backup (`restoring`) into a volume: an existing one in `restoring-backup`, or a new one in
 * `creating` that is placed and created blank first. The volume ends `available` (bootable as the
 * backed-up volume was) or `error_restoring`; the backup `available` either way.
 */
export async function runRestoreBackup(w: Work, backupId: string, volumeId: string): Promise<void> {
  const backup = await loadBackup(w, backupId);
  const vol = await loadVolume(w, volumeId);
  const during = ['restoring-backup', 'creating'];
  if (!vol || !during.includes(vol.status)) {
    if (backup) await transition(w, 'volume_backup', backupId, ['restoring'], { status: 'available', restore_volume_id: null });
    return;
  }
  let created = false;
  let backendHost: string | null = vol.host ? backendOf(vol.host) : null;
  try {
    if (!backup?.host) throw new Error(`Backup ${backupId} could not be found or holds no data.`);
    let location = vol.provider_location;
    if (!backendHost) {
      // Any backend of the backup's storage host can read its backup store.
      backendHost = (await w.ctx.scheduler.place(volumeId, { sameBackendAs: backup.host })).backendHost;
      location = await w.ctx.agent(backendHost).createVolume(volumeId, vol.size);
      created = true;
    }
    await w.ctx.agent(backendHost).restore(backupId, volumeId);
    const backedUp = await loadVolume(w, backup.volume_id);
    if (backedUp) await bestEffort(w, `copying image metadata to ${volumeId}`, () => copyImageMetadata(w, backedUp.id, volumeId));
    await transition(w, 'volume', volumeId, during, {
      status: 'available', status_reason: null, provider_location: location,
      ...(created ? { launched_at: now() } : {}),
      ...(backedUp?.bootable ? { bootable: 1 } : {}),
    });
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ backupId, volumeId, err: reason }, 'backup restore failed');
    await transition(w, 'volume', volumeId, during, { status: 'error_restoring', status_reason: reason });
    await leaveMessage(w.deps, vol.project_id, 'VOLUME', volumeId, ACTION.backupRestore, DETAIL.backupRestoreError);
    const host = backendHost;
    if (created && host) await bestEffort(w, `removing half-restored volume ${volumeId}`, () => w.ctx.agent(host).deleteVolume(volumeId));
  } finally {
    await transition(w, 'volume_backup', backupId, ['restoring'], { status: 'available', restore_volume_id: null });
  }
}

/** A backup in `deleting`: its data removed by an agent of its storage host, then its row; else `error_deleting`. */
export async function runDeleteBackup(w: Work, backupId: string): Promise<void> {
  const backup = await loadBackup(w, backupId);
  if (!backup || backup.status !== 'deleting') return;
  try {
    if (backup.host) {
      const backendHost = await backendOnHost(w, backup.host);
      if (!backendHost) throw new Error(`No storage backend of host ${backup.host} is known to delete the backup's data.`);
      await w.ctx.agent(backendHost).deleteBackup(backupId);
    }
    await w.deps.db.deleteFrom('volume_backup').where('id', '=', backupId).where('status', '=', 'deleting').execute();
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ backupId, err: reason }, 'backup delete failed');
    await transition(w, 'volume_backup', backupId, ['deleting'], { status: 'error_deleting', fail_reason: reason });
    await leaveMessage(w.deps, backup.project_id, 'BACKUP', backupId, ACTION.backupDelete, DETAIL.backupDeleteDriverError);
  }
}
