// One backend's storage agent: serves the volume manager's calls on `volume.<host>@<backend>` by
// driving its VolumeBackend and the backup store, and reports capacity as its heartbeat.
import type { Bus, Subscription } from '../../platform/bus/bus.js';
import type { BackendConfig } from '../../platform/config.volume.js';
import type { Logger } from '../../platform/logger.js';
import { KeyedQueue } from '../../platform/keyed-queue.js';
import type { BackupResult, BackupStore, VolumeBackend } from './backend.js';
import { backendId, storageTopic, VOLUME_MANAGER_TOPIC, type BackendReport } from './storage-agent-client.js';

export interface StorageAgentOptions {
  /** This machine's storage host (the part before `@backend`). */
  host: string;
  backend: BackendConfig;
  reportSeconds: number;
}

export class StorageAgent {
  readonly id: string;
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private reporting = false;
  /** One operation per volume (or snapshot, backup) at a time: two writers of one file would corrupt it. */
  private readonly operations = new KeyedQueue();

  constructor(readonly backend: VolumeBackend, private readonly store: BackupStore, private readonly bus: Bus,
    private readonly options: StorageAgentOptions, private readonly log: Logger) {
    this.id = backendId(options.host, options.backend.name);
  }

  async start(): Promise<void> {
    this.subscription = await this.bus.serve(storageTopic(this.id), (method, args) => this.handle(method, args ?? {}));
    // The manager may not serve reports yet (or be on another machine, restarting): the next beat retries.
    await this.report().catch((err) => this.log.warn({ err: String(err), backend: this.id }, 'first storage report not delivered'));
    this.timer = setInterval(() => void this.report()
      .catch((err) => this.log.warn({ err: String(err), backend: this.id }, 'storage report failed')), this.options.reportSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.subscription?.unsubscribe();
    await this.operations.idle();
  }

  /** What the volume manager stores about this backend (Cinder's get_volume_stats). */
  async describe(): Promise<BackendReport> {
    const b = this.options.backend;
    return {
      id: this.id, host: this.options.host, backend: b.name, driver: this.backend.driver, availabilityZone: b.availabilityZone,
      capacity: await this.backend.capacity(),
      overSubscriptionRatio: b.overSubscriptionRatio, reservedPercentage: b.reservedPercentage,
      capabilities: {
        volume_backend_name: b.name, storage_protocol: 'file', thin_provisioning_support: true, multiattach: true,
        driver_version: '1.0', vendor_name: 'Nubis',
      },
    };
  }

  async report(): Promise<void> {
    if (this.reporting) return;
    this.reporting = true;
    try {
      await this.bus.call(VOLUME_MANAGER_TOPIC, 'report', await this.describe());
    } finally {
      this.reporting = false;
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async handle(method: string, a: any): Promise<unknown> {
    const b = this.backend;
    switch (method) {
      case 'capacity': return b.capacity();
      case 'listVolumes': return b.listVolumes();
      // Connections only describe a path: they need not wait behind a long copy of the volume.
      case 'initializeConnection': return b.initializeConnection(a.id, a.connector);
      case 'terminateConnection': return b.terminateConnection(a.id, a.connector);
    }
    const ops: Record<string, [string, () => Promise<unknown>]> = {
      createVolume: [a.id, () => b.createVolume(a.id, a.sizeGb)],
      createFromImage: [a.id, () => b.createFromImage(a.id, a.sizeGb, a.image)],
      createFromSnapshot: [a.id, () => b.createFromSnapshot(a.id, a.sizeGb, a.snapshotId)],
      cloneVolume: [a.id, () => b.cloneVolume(a.id, a.sizeGb, a.sourceId)],
      deleteVolume: [a.id, () => b.deleteVolume(a.id)],
      extendVolume: [a.id, () => b.extendVolume(a.id, a.sizeGb, Boolean(a.inUse))],
      createSnapshot: [a.volumeId, () => b.createSnapshot(a.snapshotId, a.volumeId, Boolean(a.inUse))],
      deleteSnapshot: [a.snapshotId, () => b.deleteSnapshot(a.snapshotId)],
      revertToSnapshot: [a.volumeId, () => b.revertToSnapshot(a.volumeId, a.snapshotId)],
      copyToImage: [a.id, () => b.copyToImage(a.id, a.target, Boolean(a.inUse))],
      backup: [a.volumeId, () => this.backup(a.backupId, a.volumeId, a.snapshotId ?? null, a.parentId ?? null)],
      restore: [a.volumeId, () => this.restore(a.backupId, a.volumeId)],
      deleteBackup: [a.backupId, () => this.store.delete(a.backupId)],
    };
    const op = ops[method];
    if (!op) throw new Error(`storage agent has no method ${method}`);
    const [key, work] = op;
    if (typeof key !== 'string') throw new Error(`${method}: no volume id given`);
    try {
      return await this.operations.run(key, work);
    } catch (err) {
      this.log.warn({ err: String(err), backend: this.id, method, key }, 'storage operation failed');
      throw err;
    }
  }

  /** A volume's (or one of its snapshots') data into the backup store; in-use volumes are read shared. */
  private async backup(backupId: string, volumeId: string, snapshotId: string | null, parentId: string | null): Promise<BackupResult> {
    const raw = snapshotId ? await this.backend.openRaw(snapshotId, 'read', 'snapshot') : await this.backend.openRaw(volumeId, 'read', 'volume');
    try {
      return await this.store.backup(backupId, raw.path, parentId);
    } finally {
      await raw.release();
    }
  }

  private async restore(backupId: string, volumeId: string): Promise<void> {
    if (!this.store.exists(backupId)) throw new Error(`backup ${backupId} is not in the backup store`);
    const raw = await this.backend.openRaw(volumeId, 'write', 'volume');
    let ok = false;
    try {
      await this.store.restore(backupId, raw.path);
      ok = true;
    } finally {
      // release() commits a converted volume: after a failed restore the volume goes to `error` anyway.
      await raw.release().catch((err) => { if (ok) throw err; });
    }
  }
}
