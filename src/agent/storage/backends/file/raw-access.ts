// A raw view of a volume or snapshot file for backups and restores. Raw files are used in place;
// qcow2 files go through a sparse raw temp file (read: converted from it; write: converted into it
// on release, through another temp + rename so the volume is never half-written).
import { renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tempPath, type FileFormat } from './file-paths.js';
import { convert, probe } from './qemu-img.js';

export interface RawView { path: string; sizeBytes: number; release(): Promise<void> }

export async function openRawView(dir: string, file: { path: string; format: FileFormat }, mode: 'read' | 'write'): Promise<RawView> {
  if (file.format === 'raw') {
    return { path: file.path, sizeBytes: statSync(file.path).size, release: async () => undefined };
  }
  const { virtualSize } = await probe(file.path, { format: 'qcow2', shared: true });
  const tmp = tempPath(dir, 'raw');
  if (mode === 'read') {
    try {
      // qemu-img convert writes zeros as holes, so the temp file takes only the data's space.
      await convert(file.path, 'qcow2', tmp, 'raw', true);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    return { path: tmp, sizeBytes: virtualSize, release: async () => rmSync(tmp, { force: true }) };
  }
  writeFileSync(tmp, '');
  truncateSync(tmp, virtualSize);
  let released = false;
  return {
    path: tmp,
    sizeBytes: virtualSize,
    async release() {
      if (released) return;
      released = true;
      const next = tempPath(dir, 'restored');
      try {
        await convert(tmp, 'raw', next, 'qcow2');
        renameSync(next, file.path);
      } finally {
        rmSync(tmp, { force: true });
        rmSync(next, { force: true });
      }
    },
  };
}
