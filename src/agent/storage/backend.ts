// The contract between a host's storage agent and a volume backend (`file` now, `rbd` next). The
// agent calls these in response to bus messages from the volume manager; a backend never touches
// the database. Every call is idempotent where it can be (create of an existing volume with the
// same size resolves; delete of a missing one resolves) so the manager may retry after a crash.

/** An image's data to write into a new volume: GET `url` with `X-Auth-Token: authToken`. */
export interface ImageSource {
  id: string;
  url: string;
  authToken: string;
  disk_format: string;
  /** Bytes; the volume must hold `virtualSize` (checked by the API, checked again here). */
  virtualSize: number | null;
}

/** Where to PUT a volume's data as an image (the image service's /v2/images/{id}/file). */
export interface ImageTarget {
  url: string;
  authToken: string;
  /** qcow2 or raw. */
  diskFormat: string;
}

/**
 * How a hypervisor reaches a volume: Cinder's connection_info (`driver_volume_type` + `data`).
 * `file`: a path on the storage host (usable by a guest on that same host only).
 * `nbd`: an export served by qemu-storage-daemon (a guest on any host; the way a file volume will be
 *        served to other hosts).
 * `rbd`: a Ceph image.
 */
export type VolumeConnection =
  | { driver_volume_type: 'file'; data: { path: string; format: 'qcow2' | 'raw'; host: string } }
  | { driver_volume_type: 'nbd'; data: { host: string; port: number; export: string } | { path: string; export: string } }
  | { driver_volume_type: 'rbd'; data: { pool: string; name: string; hosts: string[]; ports: string[]; auth_username: string | null } };

/** What a consumer (a compute host) tells the backend about itself. */
export interface Connector {
  /** The compute host the guest runs on. */
  host: string;
  /** Multi-attach: the same volume may be exported read-only to several consumers. */
  mode: 'rw' | 'ro';
}

export interface BackendCapacity {
  totalGb: number;
  freeGb: number;
  /** Sum of the virtual sizes of the volumes and snapshots on it, as the backend sees them. */
  provisionedGb: number;
}

export interface VolumeBackend {
  readonly name: string;
  readonly driver: 'file' | 'rbd';
  capacity(): Promise<BackendCapacity>;
  /** Ids of every volume on the backend (for reconciling with the database). */
  listVolumes(): Promise<string[]>;
  /** A blank volume of `sizeGb`; returns its provider_location. */
  createVolume(id: string, sizeGb: number): Promise<string>;
  /** A volume holding the image's data (converted), grown to `sizeGb`. */
  createFromImage(id: string, sizeGb: number, image: ImageSource): Promise<string>;
  /** A volume holding the snapshot's data, grown to `sizeGb`. */
  createFromSnapshot(id: string, sizeGb: number, snapshotId: string): Promise<string>;
  /** A copy of another volume (may be in use: read with a shared lock), grown to `sizeGb`. */
  cloneVolume(id: string, sizeGb: number, sourceId: string): Promise<string>;
  /** Removes the volume; resolves if it is gone already. Refuses while snapshots depend on it (none do on `file`). */
  deleteVolume(id: string): Promise<void>;
  /**
   * Grows the volume to `sizeGb` (never shrinks). `inUse`: a hypervisor holds it open; the `file`
   * backend then leaves the growing to it (QEMU's block_resize, which compute issues) and only
   * checks the volume exists; `rbd` resizes the image itself either way.
   */
  extendVolume(id: string, sizeGb: number, inUse: boolean): Promise<void>;
  /** A point-in-time copy of the volume; `inUse`: QEMU may hold it open (read with a shared lock). */
  createSnapshot(snapshotId: string, volumeId: string, inUse: boolean): Promise<string>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** Writes the volume's data back to the snapshot's (revert, 3.40). */
  revertToSnapshot(volumeId: string, snapshotId: string): Promise<void>;
  /** Uploads the volume's data to the image service in the target's format; resolves with the bytes sent. */
  copyToImage(id: string, target: ImageTarget, inUse: boolean): Promise<number>;
  /** Exports the volume to a consumer and says how to reach it. */
  initializeConnection(id: string, connector: Connector): Promise<VolumeConnection>;
  /** Ends the export to that consumer; resolves if there is none. */
  terminateConnection(id: string, connector: Connector): Promise<void>;
  /**
   * A local path of the volume's raw data to read or write (backups and restores), and a release
   * to call when done. The file backend converts qcow2 through a temporary raw file or qemu-nbd.
   */
  openRaw(id: string, mode: 'read' | 'write', source?: 'volume' | 'snapshot'): Promise<{ path: string; sizeBytes: number; release(): Promise<void> }>;
}

/** A backup's chunks in the backup store; incremental backups store only chunks that changed. */
export interface BackupResult { container: string; objectCount: number; sizeBytes: number }

export interface BackupStore {
  /** Reads `rawPath` in chunks; with `parentId`, stores only the chunks that differ from the parent's. */
  backup(backupId: string, rawPath: string, parentId: string | null): Promise<BackupResult>;
  /** Writes the backup (its chain of parents resolved) into `rawPath` (which must be at least as large). */
  restore(backupId: string, rawPath: string): Promise<void>;
  /** Removes the backup's own chunks and manifest; resolves if it is gone. */
  delete(backupId: string): Promise<void>;
  exists(backupId: string): boolean;
}
