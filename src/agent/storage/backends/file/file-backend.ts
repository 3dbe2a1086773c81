// The `file` volume backend: each volume and snapshot is one qcow2 or raw file in the backend's
// directory. Every new file is written under a temporary name and renamed into place, so a file
// with a volume's name is always complete: a create that finds it resolves (the manager's retry).
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FileBackendConfig } from '../../../../platform/config.volume.js';
import type { BackendCapacity, Connector, ImageSource, ImageTarget, VolumeBackend, VolumeConnection } from '../../backend.js';
import { CapacityMeter } from './file-capacity.js';
import { checkId, filePath, findFile, parseName, requireFile, TMP_PREFIX, tempPath, type FileFormat } from './file-paths.js';
import { exportImage, importImage } from './image-transfer.js';
import { convert, copySparse, createImage, GIB, grow, probe } from './qemu-img.js';
import { openRawView, type RawView } from './raw-access.js';

export class FileBackend implements VolumeBackend {
  readonly driver = 'file' as const;
  readonly name: string;
  private readonly dir: string;
  private readonly format: FileFormat;
  private readonly meter: CapacityMeter;

  /** `host`: this storage host, named in connections (a `file` path is only usable there). */
  constructor(config: FileBackendConfig, private readonly host: string) {
    this.name = config.name;
    this.dir = config.dir;
    this.format = config.format;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.meter = new CapacityMeter(this.dir, config.capacityGb);
  }

  /** Removes temp files a crashed run left behind; call before serving anything. */
  removeLeftovers(): void {
    for (const name of readdirSync(this.dir)) if (name.startsWith(TMP_PREFIX)) rmSync(join(this.dir, name), { force: true });
  }

  async capacity(): Promise<BackendCapacity> { return this.meter.measure(); }

  async listVolumes(): Promise<string[]> {
    return readdirSync(this.dir).map(parseName).filter((p) => p?.kind === 'volume').map((p) => p!.id);
  }

  async createVolume(id: string, sizeGb: number): Promise<string> {
    return this.produce('volume', id, sizeGb, this.format, (tmp) => createImage(tmp, this.format, bytes(sizeGb)));
  }

  async createFromImage(id: string, sizeGb: number, image: ImageSource): Promise<string> {
    return this.produce('volume', id, sizeGb, this.format, (tmp) => importImage(this.dir, image, tmp, this.format, bytes(sizeGb)));
  }

  async createFromSnapshot(id: string, sizeGb: number, snapshotId: string): Promise<string> {
    const snap = requireFile(this.dir, 'snapshot', snapshotId);
    return this.produce('volume', id, sizeGb, snap.format, async (tmp) => {
      await copySparse(snap.path, tmp);
      await grow(tmp, snap.format, bytes(sizeGb));
    });
  }

  async cloneVolume(id: string, sizeGb: number, sourceId: string): Promise<string> {
    const src = requireFile(this.dir, 'volume', sourceId);
    return this.produce('volume', id, sizeGb, src.format, async (tmp) => {
      // The source may be attached: QEMU's write lock allows only a shared read, never a plain cp.
      await convert(src.path, src.format, tmp, src.format, true);
      await grow(tmp, src.format, bytes(sizeGb));
    });
  }

  async deleteVolume(id: string): Promise<void> { this.remove('volume', id); }

  async extendVolume(id: string, sizeGb: number, inUse: boolean): Promise<void> {
    const file = requireFile(this.dir, 'volume', id);
    // In use: QEMU owns the file and grows it itself (block_resize from compute); a second writer would corrupt it.
    if (inUse) return;
    await grow(file.path, file.format, bytes(sizeGb));
  }

  async createSnapshot(snapshotId: string, volumeId: string, inUse: boolean): Promise<string> {
    const vol = requireFile(this.dir, 'volume', volumeId);
    return this.produce('snapshot', snapshotId, null, vol.format, async (tmp) => {
      if (inUse) await convert(vol.path, vol.format, tmp, vol.format, true);
      else await copySparse(vol.path, tmp);
    });
  }

  async deleteSnapshot(snapshotId: string): Promise<void> { this.remove('snapshot', snapshotId); }

  async revertToSnapshot(volumeId: string, snapshotId: string): Promise<void> {
    const vol = requireFile(this.dir, 'volume', volumeId);
    const snap = requireFile(this.dir, 'snapshot', snapshotId);
    const tmp = tempPath(this.dir, `revert-${volumeId}`);
    try {
      if (snap.format === vol.format) await copySparse(snap.path, tmp);
      else await convert(snap.path, snap.format, tmp, vol.format);
      // The volume may have been extended after the snapshot: keep its size (Cinder does the same).
      const { virtualSize } = await probe(vol.path, { format: vol.format, shared: true });
      await grow(tmp, vol.format, virtualSize);
      renameSync(tmp, vol.path);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async copyToImage(id: string, target: ImageTarget, inUse: boolean): Promise<number> {
    void inUse; // always read shared (see exportImage)
    const vol = requireFile(this.dir, 'volume', id);
    return exportImage(this.dir, vol.path, vol.format, target);
  }

  async initializeConnection(id: string, connector: Connector): Promise<VolumeConnection> {
    void connector;
    const vol = requireFile(this.dir, 'volume', id);
    return { driver_volume_type: 'file', data: { path: vol.path, format: vol.format, host: this.host } };
  }

  async terminateConnection(id: string, connector: Connector): Promise<void> {
    // Nothing is exported for a `file` connection: the guest opens the path on this host. A guest on
    // another host would get an NBD export from qemu-storage-daemon here, stopped in this call.
    void id; void connector;
  }

  async openRaw(id: string, mode: 'read' | 'write', source: 'volume' | 'snapshot' = 'volume'): Promise<RawView> {
    return openRawView(this.dir, requireFile(this.dir, source, id), mode);
  }

  /** The file of `kind` `id`, made by `make` into a temp file and renamed into place; an existing one is kept. */
  private async produce(kind: 'volume' | 'snapshot', id: string, sizeGb: number | null, format: FileFormat,
    make: (tmp: string) => Promise<void>): Promise<string> {
    checkId(id, kind);
    if (sizeGb !== null && !(Number.isInteger(sizeGb) && sizeGb > 0)) throw new Error(`invalid size ${sizeGb} GB`);
    const existing = findFile(this.dir, kind, id);
    if (existing) {
      if (sizeGb !== null) {
        const { virtualSize } = await probe(existing.path, { format: existing.format, shared: true });
        if (virtualSize !== bytes(sizeGb)) throw new Error(`${kind} ${id} exists with another size (${virtualSize} bytes)`);
      }
      return existing.path;
    }
    const tmp = tempPath(this.dir, `${kind}-${id}`);
    try {
      await make(tmp);
      const path = filePath(this.dir, kind, id, format);
      renameSync(tmp, path);
      return path;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  private remove(kind: 'volume' | 'snapshot', id: string): void {
    for (const f of ['qcow2', 'raw'] as const) rmSync(filePath(this.dir, kind, id, f), { force: true });
  }
}

const bytes = (gb: number): number => gb * GIB;
