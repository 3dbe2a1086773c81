// revert (3.40+): write a volume's latest snapshot back over it. Only the latest, and only when
// the volume has the snapshot's size, so nothing newer than the snapshot is silently lost twice.
import { ApiError } from '../../platform/errors.js';
import { badRequest, enforce, target } from '../common.js';
import { moveSnapshot, moveVolume } from '../volume-states.js';
import { actionArgs } from './action-args.js';
import type { ActionHandler } from './attach-actions.js';

/** Cinder answers a revert refused by status with 409, where its other state checks are 400. */
const asConflict = (err: unknown, message: string): unknown =>
  err instanceof ApiError && err.status === 400 ? new ApiError(409, message) : err;

export const revertAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('revert', body, ['snapshot_id'], []);
  const snapshotId = args.snapshot_id ?? null;
  if (snapshotId !== null && typeof snapshotId !== 'string') {
    throw badRequest(`Invalid input for field/attribute snapshot_id. Value: ${JSON.stringify(snapshotId)}. It must be a string.`);
  }
  enforce(deps, auth, 'volume:revert_to_snapshot', target(auth, volume.project_id));
  const latest = await deps.db.selectFrom('volume_snapshot').select(['id', 'size']).where('volume_id', '=', volume.id)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (!latest) throw badRequest(`Volume ${volume.id} doesn't have any snapshots.`);
  if (snapshotId !== latest.id) {
    throw badRequest(`Specified snapshot ${snapshotId ?? 'None'} is None or not the latest one of volume ${volume.id}.`);
  }
  const sizeDiffers = () =>
    badRequest(`Can't revert volume ${volume.id} to its latest snapshot ${latest.id}. The volume size must be equal to the snapshot size.`);
  if (volume.size !== latest.size) throw sizeDiffers();
  const cannot = `Can't revert volume ${volume.id} to its latest snapshot ${latest.id}.`;
  await deps.db.transaction().execute(async (trx) => {
    try {
      await moveVolume(trx, volume.id, ['available'], 'reverting', {}, 'revert');
    } catch (err) { throw asConflict(err, `Invalid volume: ${cannot} Volume's status must be 'available'.`); }
    // Claimed: now the size is the one no extend can change until the revert ends.
    const now = await trx.selectFrom('volume').select('size').where('id', '=', volume.id).executeTakeFirstOrThrow();
    if (now.size !== latest.size) throw sizeDiffers();
    const still = await trx.selectFrom('volume_snapshot').select('id').where('volume_id', '=', volume.id)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
    if (still?.id !== latest.id) throw badRequest(`Specified snapshot ${latest.id} is None or not the latest one of volume ${volume.id}.`);
    try {
      await moveSnapshot(trx, latest.id, ['available'], 'restoring', {}, 'revert');
    } catch (err) { throw asConflict(err, `Invalid snapshot: ${cannot} Snapshot's status must be 'available'.`); }
  });
  ctx.manager.revertToSnapshot(volume.id, latest.id);
  void reply.code(202);
  return undefined;
};
