import { conflict } from '../platform/errors.js';
import { now, type ImageDeps } from './common.js';
import type { ImageRow, ImageStatus } from './image.tables.js';

/**
 * Moves an image from `from` to `to` with one conditional UPDATE: of two racing requests only
 * one wins, the other gets Glance's 409. `also` sets more columns in the same statement.
 */
export async function claimStatus(deps: ImageDeps, row: Pick<ImageRow, 'id' | 'status'>, from: ImageStatus, to: ImageStatus,
  also: Partial<Pick<ImageRow, 'properties'>> = {}): Promise<void> {
  const res = await deps.db.updateTable('image').set({ ...also, status: to, updated_at: now() })
    .where('id', '=', row.id).where('status', '=', from).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw conflict(`Image status transition from ${row.status} to ${to} is not allowed`);
}
