import { Transform, finished, type Readable } from 'node:stream';
import { ApiError } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import type { ImageDeps } from '../common.js';
import type { ImageDb } from '../image.tables.js';

// Per-project limits, under the names of Glance's unified limits (`image_count_total`,
// `image_size_total`). Streaming is cut early against the room left when it starts; the final
// word is the check made, serialised per project, in the transaction that creates the image or
// makes its data count, so racing requests never take a project over its limits.

/** Thrown while streaming when the data would take the project over its byte quota. */
export class QuotaExceeded extends ApiError {
  constructor(limit: number) {
    super(413, `Image storage quota exceeded: this upload would take the project over its limit of ${limit} bytes (image_size_total).`);
  }
}

export interface ProjectUsage { readonly images: number; readonly bytes: number; readonly uploading: number }

export async function projectUsage(deps: ImageDeps, projectId: string): Promise<ProjectUsage> {
  const row = await deps.db.selectFrom('image')
    .select((eb) => [eb.fn.countAll().as('images'), eb.fn.sum('size').as('bytes')])
    .where('owner', '=', projectId).executeTakeFirstOrThrow();
  const busy = await deps.db.selectFrom('image').select((eb) => eb.fn.countAll().as('n'))
    .where('owner', '=', projectId).where('status', 'in', ['saving', 'uploading', 'importing']).executeTakeFirstOrThrow();
  // COUNT/SUM come back as strings from PostgreSQL (bigint) and numbers from SQLite.
  return { images: Number(row.images), bytes: Number(row.bytes ?? 0), uploading: Number(busy.n) };
}

/**
 * Glance's 413 when a project already has as many images as it may. Call inside the
 * transaction that inserts the image: it serialises the project's image creations.
 */
export async function checkImageCount(deps: ImageDeps, trx: ImageDb, projectId: string | null): Promise<void> {
  const limit = deps.config.imageQuotaImages;
  if (limit < 0 || !projectId) return;
  await serializeOn(trx, `image-quota:${projectId}`);
  const row = await trx.selectFrom('image').select((eb) => eb.fn.countAll().as('n'))
    .where('owner', '=', projectId).executeTakeFirstOrThrow();
  const images = Number(row.n);
  if (images + 1 > limit) {
    throw new ApiError(413, `Project ${projectId} is over a limit for [Resource image_count_total is over limit of ${limit} due to current usage ${images} and delta 1]`);
  }
}

/**
 * QuotaExceeded if `bytes` more for image `imageId` would take the project over its byte
 * quota. Call inside the transaction that records the image's size: it serialises the
 * project's uploads, so two that each fit alone cannot both land.
 */
export async function claimBytes(deps: ImageDeps, trx: ImageDb, projectId: string | null, imageId: string, bytes: number): Promise<void> {
  const limit = deps.config.imageQuotaBytes;
  if (limit < 0 || !projectId) return;
  await serializeOn(trx, `image-quota:${projectId}`);
  const row = await trx.selectFrom('image').select((eb) => eb.fn.sum('size').as('bytes'))
    .where('owner', '=', projectId).where('id', '!=', imageId).executeTakeFirstOrThrow();
  if (Number(row.bytes ?? 0) + bytes > limit) throw new QuotaExceeded(limit);
}

/** Bytes the project may still store (Infinity when unlimited). */
export async function remainingBytes(deps: ImageDeps, projectId: string | null): Promise<number> {
  const limit = deps.config.imageQuotaBytes;
  if (limit < 0 || !projectId) return Infinity;
  return Math.max(0, limit - (await projectUsage(deps, projectId)).bytes);
}

/**
 * `source` passed through, failing with QuotaExceeded once more than `maxBytes` have come.
 * The source is then left unread rather than destroyed: destroying a request would destroy its
 * socket before the 413 can be written (the route closes the connection after answering).
 */
export function capped(source: Readable, maxBytes: number, limit: number): Readable {
  if (!Number.isFinite(maxBytes)) return source;
  let seen = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxBytes) {
        source.unpipe(out);
        source.pause();
        cb(new QuotaExceeded(limit));
      } else cb(null, chunk);
    },
  });
  // A client that goes away mid-body must still end the pipeline, as an error.
  finished(source, (err) => { if (err) out.destroy(err); });
  source.pipe(out);
  return out;
}
