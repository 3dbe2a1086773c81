// POST …/{id}/accept: the receiving project takes the volume (and its snapshots unless the offer said
// no_snapshots) with the right auth key, within its own quota. The transfer row goes in the same
// transaction, so of two racing accepts only one can win.
import type { AuthContext } from '../../platform/auth-context.js';
import { verifySecret } from '../../identity/passwords.js';
import { ApiError } from '../../platform/errors.js';
import { badRequest, enforce, notFound, now, unwrap } from '../common.js';
import type { VolumeContext } from '../context.js';
import { checkVolumeQuota } from '../quotas/quota-check.js';
import { moveVolume } from '../volume-states.js';
import type { TransferRow } from '../volume.tables.js';

export async function acceptTransfer(ctx: VolumeContext, auth: AuthContext, id: string, body: unknown): Promise<TransferRow> {
  const { deps } = ctx;
  const a = unwrap(body, 'accept');
  if (typeof a.auth_key !== 'string' || a.auth_key === '' || a.auth_key.length > 255) {
    throw badRequest('Invalid input received: auth_key must be a non-empty string.');
  }
  enforce(deps, auth, 'volume:accept_transfer');
  const offer = await deps.db.selectFrom('volume_transfer').selectAll().where('id', '=', id).executeTakeFirst();
  if (!offer) throw notFound.transfer(id);
  if (!(await verifySecret(a.auth_key, offer.crypt_hash))) {
    throw new ApiError(400, `Invalid auth key: Attempt to transfer ${id} with invalid auth key.`);
  }
  const receiver = auth.projectId;
  if (!receiver) throw badRequest('Accepting a transfer needs a project-scoped token.');

  await deps.db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('volume_transfer').where('id', '=', id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw notFound.transfer(id);
    const volume = await trx.selectFrom('volume').selectAll().where('id', '=', offer.volume_id).executeTakeFirst();
    if (!volume) throw notFound.volume(offer.volume_id);
    const type = await trx.selectFrom('volume_type').select('name').where('id', '=', volume.volume_type_id).executeTakeFirst();
    const snapshots = offer.no_snapshots ? [] : await trx.selectFrom('volume_snapshot').select(['id', 'size'])
      .where('volume_id', '=', volume.id).execute();
    const snapshotGb = snapshots.reduce((sum, s) => sum + s.size, 0);
    await checkVolumeQuota(trx, deps.config.volume, receiver,
      { volumes: 1, gigabytes: volume.size + snapshotGb, snapshots: snapshots.length },
      { volumeTypeName: type?.name ?? null, sizeGb: volume.size });
    await moveVolume(trx, volume.id, ['awaiting-transfer'], 'available', { project_id: receiver, user_id: auth.userId }, 'be transferred');
    if (snapshots.length) {
      await trx.updateTable('volume_snapshot').set({ project_id: receiver, user_id: auth.userId, updated_at: now() })
        .where('volume_id', '=', volume.id).execute();
    }
  });
  return offer;
}
