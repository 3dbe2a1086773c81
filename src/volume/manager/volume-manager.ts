// The volume manager: the control plane's worker for everything slow. The API writes the intent
// (a row in `creating`, `deleting`, `extending`…) and calls one of these, which return at once; the
// work runs in the background, one at a time per volume, through the storage agent of the volume's
// backend, and ends by writing the outcome: the next status, or `error` with a user message and
// nothing left on the backend. It also serves the agents' reports (backend capacity) and
// reconciles what backends hold with the database.
import type { BackendReport } from '../../agent/storage/storage-agent-client.js';
import { VOLUME_MANAGER_TOPIC } from '../../agent/storage/storage-agent-client.js';
import type { Subscription } from '../../platform/bus/bus.js';
import { KeyedQueue } from '../../platform/keyed-queue.js';
import type { VolumeContext } from '../context.js';
import { recordBackendReport } from './backend-reports.js';
import { runCreateBackup, runDeleteBackup, runRestoreBackup } from './backup-work.js';
import { runCreateVolume } from './create-volume.js';
import { runDeleteVolume } from './delete-volume.js';
import { runExtendVolume } from './extend-volume.js';
import { errText, type Work } from './manager-kit.js';
import { pendingDeletes, settleInterrupted } from './restart-recovery.js';
import { runCreateSnapshot, runDeleteSnapshot, runRevertToSnapshot } from './snapshot-work.js';
import { runUploadToImage } from './upload-image.js';

export interface VolumeManager {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when no work is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  /** Resolves when the work queued for this resource (volume, snapshot or backup id) is done. */
  settled(id: string): Promise<void>;

  /**
   * A volume row in `creating` (no host yet): schedules it to a backend, then creates it blank or
   * from its source (image_id / snapshot_id / source_volid / backup_id on the row). `authToken` is
   * the user's, for image downloads. Ends `available` (bootable set from the image), or `error`.
   */
  createVolume(volumeId: string, authToken: string): void;
  /** A volume row in `deleting`: removes it from its backend (and, `cascade`, its snapshots), then the rows. */
  deleteVolume(volumeId: string, cascade: boolean): void;
  /**
   * A volume in `extending` (from available) or in-use being extended: grows it on the backend to
   * `newSizeGb`, then tells compute (attached volumes: the guest sees the new size); ends at
   * `previous` status with the new size, or `error_extending`.
   */
  extendVolume(volumeId: string, newSizeGb: number, previous: 'available' | 'in-use'): void;
  /** A volume in `uploading`: copies it to the image (`queued`, made by the API); back to `previous`. */
  uploadToImage(volumeId: string, imageId: string, diskFormat: string, authToken: string, previous: 'available' | 'in-use'): void;
  /** A volume in `reverting` … (3.40): writes the snapshot back; ends `available`. */
  revertToSnapshot(volumeId: string, snapshotId: string): void;

  /** A snapshot row in `creating`: snapshots the volume on its backend; ends `available` or `error`. */
  createSnapshot(snapshotId: string): void;
  /** A snapshot in `deleting`: removes it from the backend and the row. */
  deleteSnapshot(snapshotId: string): void;

  /** A backup row in `creating` (its volume `backing-up` from `previous`): full or incremental; ends `available`. */
  createBackup(backupId: string, previous: 'available' | 'in-use'): void;
  /** A backup in `restoring` into a volume in `restoring-backup` (made `creating` → scheduled when new). */
  restoreBackup(backupId: string, volumeId: string): void;
  /** A backup in `deleting`: removes its data (refused earlier by the API while incrementals depend on it). */
  deleteBackup(backupId: string): void;
}

/** The manager: one queue of work per resource, the reports topic, and recovery after a restart. */
export function createVolumeManager(ctx: VolumeContext): VolumeManager {
  const w: Work = { ctx, deps: ctx.deps };
  const queue = new KeyedQueue();
  const resumed = new Set<string>();
  let subscription: Subscription | undefined;
  let stopping = false;

  /**
   * Runs `work` once everything queued before it under each of its keys is done. A job joins the
   * queues of all its keys at once (synchronously), so every queue holds jobs in the one global
   * order and two jobs can never wait on each other.
   */
  const enqueue = (keys: string[], name: string, work: () => Promise<void>): void => {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const turns = keys.map((key) => new Promise<void>((myTurn) => void queue.run(key, () => { myTurn(); return done; })));
    void Promise.all(turns).then(work)
      .catch((err) => w.deps.log.error({ keys, err: errText(err) }, `volume manager: ${name} failed`))
      .finally(finish);
  };

  const manager: VolumeManager = {
    async start() {
      stopping = false;
      resumed.clear();
      subscription = await w.deps.bus.serve(VOLUME_MANAGER_TOPIC, async (method, args) => {
        if (method !== 'report') throw new Error(`volume manager has no method ${method}`);
        await recordBackendReport(w.deps, args as BackendReport);
        const id = (args as BackendReport).id;
        // The first report since start: the backend's agent is there to finish interrupted deletes.
        if (!resumed.has(id) && !stopping) { resumed.add(id); await resumeDeletes(id); }
        return null;
      });
      await settleInterrupted(w, (id) => queue.busy(id));
      await resumeDeletes(null);
    },
    async stop() {
      stopping = true;
      await subscription?.unsubscribe();
      subscription = undefined;
      await queue.idle();
    },
    idle: () => queue.idle(),
    settled: (id) => queue.run(id, async () => undefined),

    createVolume: (id, token) => enqueue([id], 'create volume', () => runCreateVolume(w, id, token)),
    deleteVolume: (id, cascade) => enqueue([id], 'delete volume', () => runDeleteVolume(w, id, cascade)),
    extendVolume: (id, size, previous) => enqueue([id], 'extend volume', () => runExtendVolume(w, id, size, previous)),
    uploadToImage: (id, imageId, diskFormat, token, previous) =>
      enqueue([id], 'upload to image', () => runUploadToImage(w, id, imageId, diskFormat, token, previous)),
    revertToSnapshot: (id, snapshotId) => enqueue([snapshotId, id], 'revert to snapshot', () => runRevertToSnapshot(w, id, snapshotId)),
    createSnapshot: (id) => enqueue([id], 'create snapshot', () => runCreateSnapshot(w, id)),
    deleteSnapshot: (id) => enqueue([id], 'delete snapshot', () => runDeleteSnapshot(w, id)),
    createBackup: (id, previous) => enqueue([id], 'create backup', () => runCreateBackup(w, id, previous)),
    restoreBackup: (backupId, volumeId) => enqueue([backupId, volumeId], 'restore backup', () => runRestoreBackup(w, backupId, volumeId)),
    deleteBackup: (id) => enqueue([id], 'delete backup', () => runDeleteBackup(w, id)),
  };

  async function resumeDeletes(backendId: string | null): Promise<void> {
    const pending = await pendingDeletes(w, backendId);
    for (const id of pending.volumes) if (!queue.busy(id)) manager.deleteVolume(id, true);
    for (const id of pending.snapshots) if (!queue.busy(id)) manager.deleteSnapshot(id);
    for (const id of pending.backups) if (!queue.busy(id)) manager.deleteBackup(id);
  }

  return manager;
}
