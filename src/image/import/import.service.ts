import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, badRequest, conflict } from '../../platform/errors.js';
import { enforce, imageTarget, loadVisible, now, type ImageDeps } from '../common.js';
import type { ImageRow, ImageStatus } from '../image.tables.js';
import { parseProperties } from '../images/image-body.js';
import { claimStatus } from '../image-status.js';
import { QuotaExceeded, capped, claimBytes, remainingBytes } from '../quota/image-quota.js';
import { TruncatedUpload, type StoredData } from '../store/image-store.js';
import { ingestStaged } from './ingest.js';
import { openDownload, parseWebDownloadUri } from './web-download.js';

/** The import methods this Glance offers, as `GET /v2/info/import` lists them. */
export const IMPORT_METHODS = ['glance-direct', 'web-download'] as const;

type Method = { name: 'glance-direct' } | { name: 'web-download'; uri: URL };

/** Maps a failed read of client data to Glance's 4xx, or rethrows. */
function clientDataError(err: unknown): never {
  if (err instanceof TruncatedUpload) throw badRequest(`Image data is incomplete: ${err.message}`);
  if (err instanceof ApiError) throw err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
    throw badRequest('Image data is incomplete: the upload was interrupted.');
  }
  throw err;
}

function parseMethod(body: unknown): Method {
  const method = (body as { method?: unknown } | null)?.method;
  if (method === null || typeof method !== 'object' || Array.isArray(method)) {
    throw badRequest("Request body must be a JSON object with a 'method' object.");
  }
  const { name, uri } = method as { name?: unknown; uri?: unknown };
  if (name === 'glance-direct') return { name };
  if (name === 'web-download') return { name, uri: parseWebDownloadUri(uri) };
  throw badRequest(`Import method ${String(name)} is not valid; use one of ${IMPORT_METHODS.join(', ')}.`);
}

function parseStores(body: unknown): void {
  const stores = (body as { stores?: unknown }).stores;
  if (stores === undefined) return;
  if (!Array.isArray(stores) || stores.some((s) => s !== 'file')) {
    throw badRequest(`Only the 'file' store exists: stores must be a list of 'file'.`);
  }
}

/**
 * Interoperable import. glance-direct: queued → uploading (PUT /stage) → importing → active;
 * web-download: queued → importing → active. A failed import goes back to `queued` with
 * `os_glance_failed_import` naming the store, as in Glance, and leaves nothing on disk.
 */
export class ImportService {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ImageDeps) {}

  /** Resolves when no import runs in the background (for shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async stage(auth: AuthContext, id: string, data: Readable, declaredLength?: number): Promise<void> {
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'upload_image', imageTarget(row));
    await claimStatus(this.deps, row, 'queued', 'uploading');
    let staged: StoredData | undefined;
    try {
      const room = await remainingBytes(this.deps, row.owner);
      staged = await this.deps.staging.put(id, capped(data, room, this.deps.config.imageQuotaBytes), declaredLength);
      // Deleted while staging: nothing to keep the data for.
      const still = await this.deps.db.selectFrom('image').select('status').where('id', '=', id).executeTakeFirst();
      if (still?.status !== 'uploading') throw conflict(`Image ${id} was deleted or changed while staging.`);
    } catch (err) {
      if (staged) await this.deps.staging.delete(staged.location).catch(() => undefined);
      await this.setStatus(id, 'uploading', 'queued');
      clientDataError(err);
    }
  }

  /** Validates and claims the image, then imports in the background (Glance's 202). */
  async start(auth: AuthContext, id: string, body: unknown): Promise<void> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object.');
    const method = parseMethod(body);
    parseStores(body);
    const row = await loadVisible(this.deps, auth, id);
    enforce(this.deps, auth, 'upload_image', imageTarget(row));
    if (!row.disk_format || !row.container_format) {
      throw badRequest('Properties disk_format and container_format must be set prior to importing image data.');
    }
    const from: ImageStatus = method.name === 'glance-direct' ? 'uploading' : 'queued';
    if (row.status !== from) {
      throw conflict(method.name === 'glance-direct'
        ? `Image needs to be staged before 'glance-direct' method can be used`
        : `Image status transition from ${row.status} to importing is not allowed`);
    }
    const properties = { ...parseProperties(row), os_glance_import_task: randomUUID(), os_glance_importing_to_stores: 'file', os_glance_failed_import: '' };
    await claimStatus(this.deps, row, from, 'importing', { properties: JSON.stringify(properties) });
    const task = this.run({ ...row, status: 'importing' }, method).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  private async run(row: ImageRow, method: Method): Promise<void> {
    const stagedLocation = this.deps.staging.locationOf(row.id);
    let stored: StoredData | undefined;
    try {
      if (method.name === 'web-download') await this.download(row, method.uri);
      const done = await ingestStaged(this.deps, row, this.deps.staging.localPath(stagedLocation));
      stored = done;
      // The data is in the store: the staged copy goes before the image turns active, so nobody sees both.
      await this.deps.staging.delete(stagedLocation).catch(() => undefined);
      const current = await this.deps.db.selectFrom('image').select('properties').where('id', '=', row.id).executeTakeFirst();
      const properties = {
        ...parseProperties({ properties: current?.properties ?? '{}' } as ImageRow), ...done.properties,
        os_glance_importing_to_stores: '', os_glance_failed_import: '',
      };
      const res = await this.deps.db.transaction().execute(async (trx) => {
        await claimBytes(this.deps, trx, row.owner, row.id, done.size);
        return trx.updateTable('image').set({
          status: 'active', size: done.size, checksum: done.md5, os_hash_algo: 'sha512', os_hash_value: done.sha512,
          virtual_size: done.virtualSize, disk_format: done.diskFormat, location: done.location,
          properties: JSON.stringify(properties), updated_at: now(),
        }).where('id', '=', row.id).where('status', '=', 'importing').executeTakeFirst();
      });
      if (Number(res.numUpdatedRows) === 0) throw conflict(`Image ${row.id} was deleted during the import.`);
    } catch {
      // The reason has no task API to go to; the image shows the failure as Glance's does.
      if (stored) await this.deps.store.delete(stored.location).catch(() => undefined);
      const current = await this.deps.db.selectFrom('image').select('properties').where('id', '=', row.id).executeTakeFirst();
      if (current) {
        const properties = { ...parseProperties(current as ImageRow), os_glance_importing_to_stores: '', os_glance_failed_import: 'file' };
        await this.deps.db.updateTable('image').set({ status: 'queued', properties: JSON.stringify(properties), updated_at: now() })
          .where('id', '=', row.id).where('status', '=', 'importing').execute();
      }
    } finally {
      await this.deps.staging.delete(stagedLocation).catch(() => undefined);
    }
  }

  /** Streams the remote data into the staging area, within the project's byte quota. */
  private async download(row: ImageRow, uri: URL): Promise<void> {
    const abort = new AbortController();
    const { body, length } = await openDownload(uri, abort.signal);
    try {
      const room = await remainingBytes(this.deps, row.owner);
      if (length !== undefined && length > room) throw new QuotaExceeded(this.deps.config.imageQuotaBytes);
      await this.deps.staging.put(row.id, capped(body, room, this.deps.config.imageQuotaBytes), length);
    } finally {
      body.destroy();
      abort.abort();
    }
  }

  private async setStatus(id: string, from: ImageStatus, to: ImageStatus): Promise<void> {
    await this.deps.db.updateTable('image').set({ status: to, updated_at: now() }).where('id', '=', id).where('status', '=', from).execute();
  }
}
