// os-set_image_metadata, os-unset_image_metadata, os-show_image_metadata: the image facts a volume
// carries (copied from its source image; copied onward when it is uploaded to an image).
import type { Kysely, Transaction } from 'kysely';
import { ApiError } from '../../platform/errors.js';
import { enforce, notFound, parseMetadata, target } from '../common.js';
import { invalidVolume } from '../volume-states.js';
import type { VolumeTables } from '../volume.tables.js';
import { actionArgs, requiredString } from './action-args.js';
import type { ActionHandler } from './attach-actions.js';

/** Cinder's GlanceMetadataNotFound. */
const noImageMetadata = (id: string) => new ApiError(404, `Glance metadata for volume/snapshot ${id} cannot be found.`);

async function imageMetadataOf(db: Kysely<VolumeTables> | Transaction<VolumeTables>, volumeId: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('volume_image_metadata').select(['key', 'value']).where('volume_id', '=', volumeId).orderBy('key').execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/**
 * Locks the volume row for this transaction and refuses while it is being uploaded or in
 * maintenance (its image facts are being read), as Cinder's metadata updates do.
 */
async function lockChangeable(trx: Transaction<VolumeTables>, volumeId: string, verb: 'Updating' | 'Deleting'): Promise<void> {
  const res = await trx.updateTable('volume').set({ updated_at: new Date().toISOString() })
    .where('id', '=', volumeId).where('status', 'not in', ['maintenance', 'uploading']).executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0) return;
  const row = await trx.selectFrom('volume').select('status').where('id', '=', volumeId).executeTakeFirst();
  if (!row) throw notFound.volume(volumeId);
  throw invalidVolume(`${verb} volume metadata is not allowed for volumes in ${row.status} status.`);
}

export const setImageMetadataAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('os-set_image_metadata', body, ['metadata'], ['metadata']);
  const metadata = parseMetadata(args.metadata);
  enforce(deps, auth, 'volume_extension:volume_image_metadata:set', target(auth, volume.project_id));
  const all = await deps.db.transaction().execute(async (trx) => {
    await lockChangeable(trx, volume.id, 'Updating');
    const keys = Object.keys(metadata);
    if (keys.length) {
      await trx.deleteFrom('volume_image_metadata').where('volume_id', '=', volume.id).where('key', 'in', keys).execute();
      await trx.insertInto('volume_image_metadata').values(keys.map((key) => ({ volume_id: volume.id, key, value: metadata[key]! }))).execute();
    }
    return imageMetadataOf(trx, volume.id);
  });
  void reply.code(200);
  return { metadata: all };
};

export const unsetImageMetadataAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('os-unset_image_metadata', body, ['key'], ['key']);
  const key = requiredString(args.key, 'key');
  enforce(deps, auth, 'volume_extension:volume_image_metadata:remove', target(auth, volume.project_id));
  await deps.db.transaction().execute(async (trx) => {
    await lockChangeable(trx, volume.id, 'Deleting');
    const gone = await trx.deleteFrom('volume_image_metadata').where('volume_id', '=', volume.id).where('key', '=', key).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw noImageMetadata(volume.id);
  });
  void reply.code(200);
  return undefined;
};

export const showImageMetadataAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  actionArgs('os-show_image_metadata', body, [], []);
  enforce(deps, auth, 'volume_extension:volume_image_metadata:show', target(auth, volume.project_id));
  void reply.code(200);
  return { metadata: await imageMetadataOf(deps.db, volume.id) };
};
