// Capacity of a file backend: the filesystem (or a configured size) for total/free, and the sum of
// the virtual sizes of its volumes and snapshots for provisioned. Virtual sizes come from each
// file's header, cached by (size, mtime) so a report re-reads only files that changed.
import { closeSync, openSync, readdirSync, readSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendCapacity } from '../../backend.js';
import { parseName, type FileFormat } from './file-paths.js';
import { GIB } from './qemu-img.js';

const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"

/** A qcow2 file's virtual size is the big-endian u64 at byte 24 of its header; a raw file's is its length. */
export function virtualSizeOf(path: string, format: FileFormat, fileSize: number): number {
  if (format === 'raw') return fileSize;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(32);
    if (readSync(fd, header, 0, 32, 0) < 32 || header.readUInt32BE(0) !== QCOW2_MAGIC) return fileSize;
    return Number(header.readBigUInt64BE(24));
  } finally {
    closeSync(fd);
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export class CapacityMeter {
  private readonly cache = new Map<string, { size: number; mtimeMs: number; virtual: number }>();

  constructor(private readonly dir: string, private readonly capacityGb: number) {}

  measure(): BackendCapacity {
    const fs = statfsSync(this.dir);
    const fsTotal = (fs.blocks * fs.bsize) / GIB;
    const fsFree = (fs.bavail * fs.bsize) / GIB;
    let provisioned = 0;
    let allocated = 0;
    const seen = new Set<string>();
    for (const name of readdirSync(this.dir)) {
      const parsed = parseName(name);
      if (!parsed) continue;
      const path = join(this.dir, name);
      let st;
      try { st = statSync(path); } catch { continue; } // removed while we looked
      seen.add(name);
      allocated += st.blocks * 512;
      const hit = this.cache.get(name);
      if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) { provisioned += hit.virtual; continue; }
      let virtual: number;
      try { virtual = virtualSizeOf(path, parsed.format, st.size); } catch { continue; }
      this.cache.set(name, { size: st.size, mtimeMs: st.mtimeMs, virtual });
      provisioned += virtual;
    }
    for (const name of this.cache.keys()) if (!seen.has(name)) this.cache.delete(name);
    const provisionedGb = provisioned / GIB;
    if (this.capacityGb > 0) {
      // A configured size: free is what the files' real allocation leaves of it, bounded by the disk.
      const free = Math.min(fsFree, Math.max(0, this.capacityGb - allocated / GIB));
      return { totalGb: this.capacityGb, freeGb: round2(free), provisionedGb: round2(provisionedGb) };
    }
    return { totalGb: round2(fsTotal), freeGb: round2(fsFree), provisionedGb: round2(provisionedGb) };
  }
}
