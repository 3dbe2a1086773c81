// The control plane's typed handle on one backend's storage agent: each method is a bus call to
// topic `volume.<host>@<backend>` whose method name and argument object mirror VolumeBackend (plus
// the backup store's calls). Reports go to VOLUME_MANAGER_TOPIC.
import type { Bus } from '../../platform/bus/bus.js';
import type { BackendCapacity, BackupResult, Connector, ImageSource, ImageTarget, VolumeConnection } from './backend.js';

/** `<host>@<backend>`: Cinder's volume service host, the topic suffix, the backend table's id. */
export const backendId = (host: string, backend: string): string => `${host}@${backend}`;
export const storageTopic = (backendHost: string): string => `volume.${backendHost}`;
/** Where storage agents send their reports (capacity heartbeats); served by the volume manager. */
export const VOLUME_MANAGER_TOPIC = 'volume-manager';

/** A storage agent's heartbeat. */
export interface BackendReport {
  id: string; host: string; backend: string; driver: string; availabilityZone: string;
  capacity: BackendCapacity;
  overSubscriptionRatio: number; reservedPercentage: number;
  capabilities: Record<string, unknown>;
}

const LONG = { timeoutMs: 60 * 60_000 };
const SHORT = { timeoutMs: 30_000 };

export class StorageAgentClient {
  /** `backendHost` is `<host>@<backend>`. */
  constructor(private readonly bus: Bus, readonly backendHost: string) {}

  private call<T>(method: string, args: unknown, long = true): Promise<T> {
    return this.bus.call<T>(storageTopic(this.backendHost), method, args, long ? LONG : SHORT);
  }

  capacity() { return this.call<BackendCapacity>('capacity', {}, false); }
  listVolumes() { return this.call<string[]>('listVolumes', {}, false); }
  createVolume(id: string, sizeGb: number) { return this.call<string>('createVolume', { id, sizeGb }); }
  createFromImage(id: string, sizeGb: number, image: ImageSource) { return this.call<string>('createFromImage', { id, sizeGb, image }); }
  createFromSnapshot(id: string, sizeGb: number, snapshotId: string) { return this.call<string>('createFromSnapshot', { id, sizeGb, snapshotId }); }
  cloneVolume(id: string, sizeGb: number, sourceId: string) { return this.call<string>('cloneVolume', { id, sizeGb, sourceId }); }
  deleteVolume(id: string) { return this.call<void>('deleteVolume', { id }); }
  extendVolume(id: string, sizeGb: number, inUse: boolean) { return this.call<void>('extendVolume', { id, sizeGb, inUse }); }
  createSnapshot(snapshotId: string, volumeId: string, inUse: boolean) { return this.call<string>('createSnapshot', { snapshotId, volumeId, inUse }); }
  deleteSnapshot(snapshotId: string) { return this.call<void>('deleteSnapshot', { snapshotId }); }
  revertToSnapshot(volumeId: string, snapshotId: string) { return this.call<void>('revertToSnapshot', { volumeId, snapshotId }); }
  copyToImage(id: string, target: ImageTarget, inUse: boolean) { return this.call<number>('copyToImage', { id, target, inUse }); }
  initializeConnection(id: string, connector: Connector) { return this.call<VolumeConnection>('initializeConnection', { id, connector }, false); }
  terminateConnection(id: string, connector: Connector) { return this.call<void>('terminateConnection', { id, connector }, false); }
  /** Backs up a volume (or, with `snapshotId`, that snapshot of it) into the backup store. */
  backup(backupId: string, volumeId: string, snapshotId: string | null, parentId: string | null, inUse: boolean) {
    return this.call<BackupResult>('backup', { backupId, volumeId, snapshotId, parentId, inUse });
  }
  /** Writes a backup into an existing volume (grown to hold it by the caller). */
  restore(backupId: string, volumeId: string) { return this.call<void>('restore', { backupId, volumeId }); }
  deleteBackup(backupId: string) { return this.call<void>('deleteBackup', { backupId }); }
}
