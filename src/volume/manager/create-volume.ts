// Creating a volume: place it on a backend, then have that backend's storage agent make it blank or
// from its source (an image, a snapshot, another volume, a backup). A failure leaves the volume in
// `error` with the reason and a user message, and nothing on the backend.
import type { StorageAgentClient } from '../../agent/storage/storage-agent-client.js';
import { now } from '../common.js';
import { backendOf } from '../context.js';
import { NoValidBackend } from '../scheduler/backend-scheduler.js';
import type { VolumeRow } from '../volume.tables.js';
import { bestEffort, copyImageMetadata, errText, loadBackup, loadSnapshot, loadVolume, transition, type Work } from './manager-kit.js';
import { ACTION, DETAIL, leaveMessage } from './user-message-events.js';

/** How a volume gets its data: where it must be placed, how the agent makes it, whether it boots. */
interface Source {
  kind: 'blank' | 'image' | 'snapshot' | 'volume' | 'backup';
  /** The backend (or storage host) holding the source's data. */
  sameBackendAs?: string;
  bootable: number;
  /** The volume whose image metadata the new one inherits. */
  imageMetadataFrom?: string;
  make(agent: StorageAgentClient): Promise<string>;
}

/** A missing source: the request named something that went away before the work ran. */
class SourceGone extends Error {}

async function imageMetadata(w: Work, volumeId: string): Promise<Record<string, string>> {
  const rows = await w.deps.db.selectFrom('volume_image_metadata').select(['key', 'value']).where('volume_id', '=', volumeId).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

async function sourceOf(w: Work, vol: VolumeRow, token: string): Promise<Source> {
  const { id, size } = vol;
  if (vol.snapshot_id) {
    const snapshotId = vol.snapshot_id;
    const snap = await loadSnapshot(w, snapshotId);
    const parent = snap && await loadVolume(w, snap.volume_id);
    if (!snap || !parent?.host) throw new SourceGone(`Snapshot ${snapshotId} could not be found.`);
    return { kind: 'snapshot', sameBackendAs: backendOf(parent.host), bootable: parent.bootable, imageMetadataFrom: parent.id,
      make: (agent) => agent.createFromSnapshot(id, size, snapshotId) };
  }
  if (vol.source_volid) {
    const sourceId = vol.source_volid;
    const source = await loadVolume(w, sourceId);
    if (!source?.host) throw new SourceGone(`Volume ${sourceId} could not be found.`);
    return { kind: 'volume', sameBackendAs: backendOf(source.host), bootable: source.bootable, imageMetadataFrom: sourceId,
      make: (agent) => agent.cloneVolume(id, size, sourceId) };
  }
  if (vol.backup_id) {
    const backupId = vol.backup_id;
    const backup = await loadBackup(w, backupId);
    if (!backup?.host) throw new SourceGone(`Backup ${backupId} could not be found.`);
    const backedUp = await loadVolume(w, backup.volume_id);
    return { kind: 'backup', sameBackendAs: backup.host, bootable: backedUp?.bootable ?? 0, imageMetadataFrom: backedUp?.id,
      make: async (agent) => {
        const location = await agent.createVolume(id, size);
        await agent.restore(backupId, id);
        return location;
      } };
  }
  if (vol.image_id) {
    const imageId = vol.image_id;
    const meta = await imageMetadata(w, id);
    const virtualSize = meta.virtual_size !== undefined && /^\d+$/.test(meta.virtual_size) ? Number(meta.virtual_size) : null;
    return { kind: 'image', bootable: 1,
      make: (agent) => agent.createFromImage(id, size, {
        id: imageId, url: w.deps.images.fileUrl(imageId), authToken: token, disk_format: meta.disk_format ?? 'raw', virtualSize,
      }) };
  }
  return { kind: 'blank', bootable: 0, make: (agent) => agent.createVolume(id, size) };
}

/** Runs one create: a row in `creating` becomes `available` or `error`. */
export async function runCreateVolume(w: Work, volumeId: string, token: string): Promise<void> {
  const vol = await loadVolume(w, volumeId);
  if (!vol || vol.status !== 'creating') return; // deleted (or reset) before its turn
  let backendHost: string | null = vol.host ? backendOf(vol.host) : null;
  let source: Source | undefined;
  try {
    source = await sourceOf(w, vol, token);
    if (!backendHost) {
      // A backup names a storage host: any of its backends (they share the host's backup store) will do.
      const near = source.sameBackendAs;
      const choice = await w.ctx.scheduler.place(volumeId, near ? { sameBackendAs: near } : {});
      backendHost = choice.backendHost;
    }
    const location = await source.make(w.ctx.agent(backendHost));
    const from = source.imageMetadataFrom;
    // Before `available`, so nobody sees the volume without it.
    if (from) await bestEffort(w, `copying image metadata to ${volumeId}`, () => copyImageMetadata(w, from, volumeId));
    const done = await transition(w, 'volume', volumeId, ['creating'], {
      status: 'available', status_reason: null, provider_location: location, launched_at: now(), bootable: source.bootable,
    });
    // Not done: a forced delete took the volume meanwhile; it is queued after us and removes the data.
    if (done && vol.backup_id) await transition(w, 'volume_backup', vol.backup_id, ['restoring'], { status: 'available', restore_volume_id: null });
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ volumeId, backendHost, err: reason }, 'volume create failed');
    await transition(w, 'volume', volumeId, ['creating'], { status: 'error', status_reason: reason });
    if (vol.backup_id) await transition(w, 'volume_backup', vol.backup_id, ['restoring'], { status: 'available', restore_volume_id: null });
    const [action, detail] = err instanceof NoValidBackend ? [ACTION.scheduleAllocateVolume, DETAIL.noBackendAvailable]
      : source?.kind === 'image' ? [ACTION.copyImageToVolume, /space|too (big|large)|virtual size/i.test(reason) ? DETAIL.notEnoughSpaceForImage : DETAIL.unknownError]
        : source?.kind === 'backup' ? [ACTION.backupRestore, DETAIL.backupRestoreError]
          : [ACTION.createVolumeFromBackend, DETAIL.driverFailedCreate];
    await leaveMessage(w.deps, vol.project_id, 'VOLUME', volumeId, action, detail);
    // Nothing may stay behind on the backend (the agent's delete resolves if there is nothing).
    const host = backendHost;
    if (host) await bestEffort(w, `removing failed volume ${volumeId} from ${host}`, () => w.ctx.agent(host).deleteVolume(volumeId));
  }
}
