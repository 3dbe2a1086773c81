import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, statSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TruncatedUpload, type ByteRange, type ImageStore, type StoredData } from './image-store.js';

/**
 * Images as files in one directory (`<stateDir>/images/<id>`). Data goes to a temp file in the
 * same directory, is fsynced, then renamed into place, so a crash never leaves a partial file
 * under an image's name.
 */
export class FileStore implements ImageStore {
  readonly name = 'file';

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async put(imageId: string, data: Readable, expectedSize?: number): Promise<StoredData> {
    const final = join(this.dir, imageId);
    const temp = this.scratchPath(imageId);
    const md5 = createHash('md5');
    const sha512 = createHash('sha512');
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        md5.update(chunk);
        sha512.update(chunk);
        cb(null, chunk);
      },
    });
    const out = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(data, hasher, out);
      // A client that closes early shows up as a short body, not always as a stream error.
      if (expectedSize !== undefined && size !== expectedSize) throw new TruncatedUpload(size, expectedSize);
      const fh = await open(temp, 'r');
      try { await fh.sync(); } finally { await fh.close(); }
      await rename(temp, final);
    } catch (err) {
      // The stream opens its file lazily: a pipeline that failed early may create it only now,
      // after which an unlink would have found nothing. Wait until it is closed.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    return { location: pathToFileURL(final).href, size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
  }

  /** Where `put(imageId, …)` puts the data. */
  locationOf(imageId: string): string {
    return pathToFileURL(join(this.dir, imageId)).href;
  }

  /** A temp path in the store's directory that `removePartial` cleans up after a crash. */
  scratchPath(imageId: string): string {
    return join(this.dir, `.${imageId}.${randomBytes(6).toString('hex')}.part`);
  }

  /** Image ids with complete data in this store. */
  ids(): string[] {
    return readdirSync(this.dir).filter((f) => !f.startsWith('.'));
  }

  /** Bytes of an image's complete data here, 0 if there is none. */
  sizeOf(imageId: string): number {
    try { return statSync(join(this.dir, imageId)).size; } catch { return 0; }
  }

  localPath(location: string): string {
    return fileURLToPath(location);
  }

  get(location: string, range?: ByteRange): Readable {
    return createReadStream(this.localPath(location), range ? { start: range.start, end: range.end } : {});
  }

  async removePartial(): Promise<void> {
    for (const f of readdirSync(this.dir)) {
      if (f.startsWith('.') && f.endsWith('.part')) await unlink(join(this.dir, f)).catch(() => undefined);
    }
  }

  async delete(location: string): Promise<void> {
    await unlink(this.localPath(location)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
