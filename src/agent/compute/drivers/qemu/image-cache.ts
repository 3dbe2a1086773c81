// The image cache: <stateDir>/_base/<image id>, one file per image, downloaded once and shared by
// every guest's overlay. A file is renamed into place only after its hash matched and its format
// was checked, so whatever sits under its final name is complete and trusted.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageRef } from '../../driver.js';
import { flatten, imageInfo } from './disks.js';
import { download } from './http-transfer.js';

export interface BaseImage {
  id: string;
  path: string;
  /** What the cached file is (always one of the two QEMU reads without conversion). */
  format: 'qcow2' | 'raw';
  virtualSize: number;
}

/** Glance disk formats whose content is used byte for byte. */
const RAW_FORMATS = new Set(['raw', 'aki', 'ari', 'ami', 'iso']);
/** Formats qemu-img converts to qcow2 once, on download. */
const CONVERTED = new Map([['vmdk', 'vmdk'], ['vdi', 'vdi'], ['vhd', 'vpc'], ['vhdx', 'vhdx'], ['qed', 'qed']]);

export class ImageCache {
  private readonly inFlight = new Map<string, Promise<BaseImage>>();
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, '_base');
  }

  /** The cached base of `ref`, downloading it first if needed (concurrent callers share one download). */
  fetch(ref: ImageRef, token: string): Promise<BaseImage> {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(ref.id)) return Promise.reject(new Error(`bad image id "${ref.id}"`));
    const pending = this.inFlight.get(ref.id);
    if (pending) return pending;
    const work = this.load(ref, token).finally(() => this.inFlight.delete(ref.id));
    this.inFlight.set(ref.id, work);
    return work;
  }

  /** Removes every cached base whose id is not in `inUseIds`; returns the ids removed. */
  cleanUnused(inUseIds: Iterable<string>): string[] {
    const keep = new Set(inUseIds);
    const removed: string[] = [];
    if (!existsSync(this.dir)) return removed;
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith('.') || keep.has(name) || this.inFlight.has(name)) continue;
      rmSync(join(this.dir, name), { force: true });
      removed.push(name);
    }
    return removed;
  }

  private async load(ref: ImageRef, token: string): Promise<BaseImage> {
    const path = join(this.dir, ref.id);
    const format = RAW_FORMATS.has(ref.disk_format) ? 'raw' : 'qcow2';
    if (existsSync(path)) return this.describe(ref.id, path, format);
    if (format === 'qcow2' && ref.disk_format !== 'qcow2' && !CONVERTED.has(ref.disk_format)) {
      throw new Error(`image ${ref.id}: disk format ${ref.disk_format} is not supported by the QEMU driver`);
    }
    mkdirSync(this.dir, { recursive: true });
    const part = join(this.dir, `.${ref.id}.${randomBytes(4).toString('hex')}.part`);
    const converted = `${part}.qcow2`;
    try {
      const algo = ref.os_hash_value ? (ref.os_hash_algo ?? 'sha512') : null;
      const got = await download(ref.url, token, part, algo);
      if (algo && got.digest !== ref.os_hash_value!.toLowerCase()) {
        throw new Error(`image ${ref.id}: ${algo} of the downloaded data does not match the image's os_hash_value`);
      }
      let ready = part;
      if (format === 'qcow2') {
        const declared = CONVERTED.get(ref.disk_format) ?? 'qcow2';
        const info = await imageInfo(part, {});
        // The probe must agree with what the image claims to be, and a backing file would point
        // QEMU at a file of the host's choosing: both are refused.
        if (info.format !== declared) throw new Error(`image ${ref.id}: declared ${ref.disk_format} but the data is ${info.format}`);
        if (info.backingFile) throw new Error(`image ${ref.id}: images with a backing file are refused`);
        if (declared !== 'qcow2') {
          await flatten(part, declared, converted, 'qcow2', false);
          ready = converted;
        }
      }
      renameSync(ready, path);
      return await this.describe(ref.id, path, format);
    } finally {
      rmSync(part, { force: true });
      rmSync(converted, { force: true });
    }
  }

  private async describe(id: string, path: string, format: 'qcow2' | 'raw'): Promise<BaseImage> {
    const info = await imageInfo(path, { format, shared: true });
    return { id, path, format, virtualSize: info.virtualSize };
  }
}
