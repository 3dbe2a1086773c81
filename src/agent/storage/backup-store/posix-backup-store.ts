// Backups as files (Cinder's posix backup driver, content-addressed): `<root>/<backupId>/manifest.json`
// lists the volume's chunks by sha256, and `<root>/chunks/<sha256>` holds each distinct chunk once.
// A backup stores only chunks not already present, so an incremental of an unchanged volume stores
// nothing; a delete removes the manifest, then every chunk no remaining manifest lists.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupResult, BackupStore } from '../backend.js';
import {
  checkBackupId, chunkPath, CHUNKS_DIR, listBackups, manifestPath, readManifest, removeManifest, writeManifest,
  type BackupManifest,
} from './backup-manifest.js';
import { chunksWithData } from './data-chunks.js';
import { SharedLock } from './shared-lock.js';

export class PosixBackupStore implements BackupStore {
  private readonly lock = new SharedLock();

  constructor(private readonly root: string, private readonly chunkBytes: number) {
    if (!(Number.isInteger(chunkBytes) && chunkBytes >= 4096)) throw new Error(`backup chunk size ${chunkBytes} must be an integer of at least 4096 bytes`);
    mkdirSync(join(root, CHUNKS_DIR), { recursive: true, mode: 0o700 });
  }

  exists(backupId: string): boolean {
    return existsSync(manifestPath(this.root, backupId));
  }

  async backup(backupId: string, rawPath: string, parentId: string | null): Promise<BackupResult> {
    checkBackupId(backupId);
    if (parentId !== null && !this.exists(parentId)) throw new Error(`parent backup ${parentId} is not in the backup store`);
    return this.lock.withShared(async () => {
      if (this.exists(backupId)) {
        // A retry after a completed backup: the data is stored already.
        const m = readManifest(this.root, backupId);
        return { container: this.root, objectCount: 0, sizeBytes: m.sizeBytes };
      }
      const sizeBytes = statSync(rawPath).size;
      const zero = Buffer.alloc(this.chunkBytes);
      const buf = Buffer.alloc(this.chunkBytes);
      const chunks: Array<string | null> = [];
      let stored = 0;
      const withData = await chunksWithData(rawPath, sizeBytes, this.chunkBytes);
      const fh = await open(rawPath, 'r');
      try {
        for (let offset = 0; offset < sizeBytes; offset += this.chunkBytes) {
          if (withData && !withData[offset / this.chunkBytes]) { chunks.push(null); continue; } // a hole: zeros
          const want = Math.min(this.chunkBytes, sizeBytes - offset);
          let got = 0;
          while (got < want) {
            const { bytesRead } = await fh.read(buf, got, want - got, offset + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          if (got < want) buf.fill(0, got, want); // the file shrank while read: the rest reads as zeros
          const data = buf.subarray(0, want);
          if (data.equals(zero.subarray(0, want))) { chunks.push(null); continue; }
          const sha = createHash('sha256').update(data).digest('hex');
          chunks.push(sha);
          if (await this.storeChunk(sha, data)) stored++;
        }
      } finally {
        await fh.close();
      }
      const manifest: BackupManifest = { parent: parentId, chunkBytes: this.chunkBytes, sizeBytes, chunks };
      writeManifest(this.root, backupId, manifest);
      return { container: this.root, objectCount: stored, sizeBytes };
    });
  }

  async restore(backupId: string, rawPath: string): Promise<void> {
    const m = readManifest(this.root, backupId);
    await this.lock.withShared(async () => {
      const current = statSync(rawPath).size;
      const fh = await open(rawPath, 'r+');
      try {
        // Emptied then re-grown: every chunk the backup holds as zeros reads as zeros (holes), without writing them.
        await fh.truncate(0);
        await fh.truncate(Math.max(current, m.sizeBytes));
        for (let i = 0; i < m.chunks.length; i++) {
          const sha = m.chunks[i];
          if (!sha) continue;
          const data = await readFile(chunkPath(this.root, sha));
          if (createHash('sha256').update(data).digest('hex') !== sha) throw new Error(`backup ${backupId}: chunk ${sha} is damaged`);
          await fh.write(data, 0, data.length, i * m.chunkBytes);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
  }

  async delete(backupId: string): Promise<void> {
    checkBackupId(backupId);
    await this.lock.withExclusive(async () => {
      removeManifest(this.root, backupId);
      const live = new Set<string>();
      for (const id of listBackups(this.root)) {
        for (const sha of readManifest(this.root, id).chunks) if (sha) live.add(sha);
      }
      const dir = join(this.root, CHUNKS_DIR);
      for (const name of readdirSync(dir)) {
        // Unreferenced chunks and temp files of failed backups go; nothing else is writing now.
        if (!live.has(name)) rmSync(join(dir, name), { force: true });
      }
    });
  }

  /** Writes a chunk under a temp name and renames it; false when it was stored already. */
  private async storeChunk(sha: string, data: Buffer): Promise<boolean> {
    const path = chunkPath(this.root, sha);
    if (existsSync(path)) return false;
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(tmp, data, { flag: 'wx' });
      renameSync(tmp, path);
    } finally {
      rmSync(tmp, { force: true });
    }
    return true;
  }
}
