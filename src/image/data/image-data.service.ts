import type { Readable } from 'node:stream';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, badRequest, conflict, forbidden } from '../../platform/errors.js';
import { enforce, imageTarget, isAdmin, loadVisible, now, type ImageDeps } from '../common.js';
import type { ImageRow } from '../image.tables.js';
import { claimStatus } from '../image-status.js';
import { inspectImage } from '../inspect/qemu-img-inspect.js';
import { QuotaExceeded, capped, claimBytes, remainingBytes } from '../quota/image-quota.js';
import { TruncatedUpload, type ByteRange, type StoredData } from '../store/image-store.js';

/** What a download sends: the whole data or one range of it. */
export interface Download {
  readonly stream: Readable;
  readonly size: number;
  readonly range?: ByteRange & { total: number };
  readonly md5: string | null;
}

/** RFC 7233 single range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) against `total` bytes, or 416. */
export function parseRange(header: string, total: number): ByteRange {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const unsatisfiable = () => Object.assign(new ApiError(416, `Requested range ${header} not satisfiable for ${total} bytes.`), { total });
  if (!m || (m[1] === '' && m[2] === '')) throw unsatisfiable();
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) throw unsatisfiable();
    start = Math.max(0, total - n);
    end = total - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
  }
  if (start >= total || start > end) throw unsatisfiable();
  return { start, end };
}

export class ImageDataService {
  constructor(private readonly deps: ImageDeps) {}

  /**
   * queued → saving → active, or killed when the data is short, unreadable or not what
   * disk_format says; over the project's byte quota it goes back to queued (as Glance does) with
   * a 413. In every failure nothing stays in the store.
   */
  async upload(auth: AuthContext, id: string, data: Readable, declaredLength?: number): Promise<void> {
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'upload_image', imageTarget(row));
    if (!row.disk_format || !row.container_format) {
      throw badRequest('Properties disk_format and container_format must be set prior to uploading image data.');
    }
    await claimStatus(this.deps, row, 'queued', 'saving');

    let stored: StoredData | undefined;
    try {
      const room = await remainingBytes(this.deps, row.owner);
      stored = await this.deps.store.put(id, capped(data, room, this.deps.config.imageQuotaBytes), declaredLength);
      const path = this.deps.store.localPath(stored.location);
      const found = path ? await inspectImage(path, row.disk_format) : { format: row.disk_format, virtualSize: null };
      if ('problem' in found && found.problem) throw badRequest(found.problem);
      const size = stored.size;
      const done = await this.deps.db.transaction().execute(async (trx) => {
        await claimBytes(this.deps, trx, row.owner, id, size);
        return trx.updateTable('image').set({
          status: 'active', size, checksum: stored!.md5, os_hash_algo: 'sha512', os_hash_value: stored!.sha512,
          virtual_size: found.virtualSize, location: stored!.location, updated_at: now(),
        }).where('id', '=', id).where('status', '=', 'saving').executeTakeFirst();
      });
      // Deleted while uploading: the data has no image to belong to.
      if (Number(done.numUpdatedRows) === 0) throw conflict(`Image ${id} was deleted or changed during the upload.`);
    } catch (err) {
      if (stored) await this.deps.store.delete(stored.location).catch(() => undefined);
      await this.deps.db.updateTable('image').set({ status: err instanceof QuotaExceeded ? 'queued' : 'killed', updated_at: now() })
        .where('id', '=', id).where('status', '=', 'saving').execute();
      if (err instanceof TruncatedUpload) throw badRequest(`Image data is incomplete: ${err.message}`);
      if (err instanceof ApiError) throw err;
      // A client that went away mid-body shows up as a stream error.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
        throw badRequest('Image data is incomplete: the upload was interrupted.');
      }
      throw err;
    }
  }

  /** null when the image has no data yet (Glance's 204). */
  async download(auth: AuthContext, id: string, rangeHeader?: string): Promise<Download | null> {
    const row: ImageRow = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'download_image', imageTarget(row));
    if (row.status === 'deactivated' && !isAdmin(this.deps, auth)) {
      throw forbidden('The requested image has been deactivated. Image data download is forbidden.');
    }
    if (!row.location || row.size === null || (row.status !== 'active' && row.status !== 'deactivated')) return null;
    if (rangeHeader !== undefined && row.size > 0) {
      const range = parseRange(rangeHeader, row.size);
      return { stream: this.deps.store.get(row.location, range), size: range.end - range.start + 1, range: { ...range, total: row.size }, md5: null };
    }
    return { stream: this.deps.store.get(row.location), size: row.size, md5: row.checksum };
  }
}
