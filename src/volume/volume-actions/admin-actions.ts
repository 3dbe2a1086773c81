// The admin actions on a volume: os-reset_status (set status, attach_status, migration_status
// by hand, to recover from a stuck workflow) and os-force_delete (delete from any status).
import { badRequest, enforce, target } from '../common.js';
import { invalidVolume, moveVolume, VOLUME_FROM, VOLUME_STATUSES, type AttachStatus, type VolumeStatus } from '../volume-states.js';
import type { VolumeRow } from '../volume.tables.js';
import { actionArgs } from './action-args.js';
import type { ActionHandler } from './attach-actions.js';

const ATTACH_STATUSES = ['attached', 'detached'];
const MIGRATION_STATUSES = ['migrating', 'error', 'success', 'completing', 'none', 'starting'];

/** One of `allowed` (any case), or 400 listing them; null/absent → undefined. */
function oneOf(v: unknown, allowed: readonly string[], what: string): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !allowed.includes(v.toLowerCase())) {
    throw badRequest(`Invalid input received: ${what}: ${String(v)} is invalid, valid statuses are: ${allowed.join(', ')}.`);
  }
  return v.toLowerCase();
}

export const resetStatusAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('os-reset_status', body, ['status', 'attach_status', 'migration_status'], []);
  const status = oneOf(args.status, VOLUME_STATUSES, 'Volume status') as VolumeStatus | undefined;
  const attachStatus = oneOf(args.attach_status, ATTACH_STATUSES, 'Volume attach status') as AttachStatus | undefined;
  const migration = oneOf(args.migration_status, MIGRATION_STATUSES, 'Volume migration status');
  if (!status && !attachStatus && !migration) {
    throw badRequest(`Invalid input received: Must specify 'status', 'attach_status' or 'migration_status' for update.`);
  }
  enforce(deps, auth, 'volume_extension:volume_admin_actions:reset_status', target(auth, volume.project_id));
  // `deleting` belongs to the delete workflow: an admin deletes with os-force_delete instead.
  if (status === 'deleting') throw badRequest(`Cannot reset-state to ${status}`);
  const update: Partial<VolumeRow> = { updated_at: new Date().toISOString() };
  if (status) update.status = status;
  if (attachStatus) update.attach_status = attachStatus;
  if (migration) update.migration_status = migration === 'none' ? null : migration;
  await deps.db.transaction().execute(async (trx) => {
    if (status === 'in-use') {
      const any = await trx.selectFrom('volume_attachment').select('id').where('volume_id', '=', volume.id).executeTakeFirst();
      if (!any) throw badRequest('Cannot reset-state to in-use because volume does not have any attachments.');
    }
    await trx.updateTable('volume').set(update).where('id', '=', volume.id).execute();
    // Declared detached: the attachment records (and the mode they set) go, as Cinder's reset does.
    if (attachStatus === 'detached') {
      await trx.deleteFrom('volume_attachment').where('volume_id', '=', volume.id).execute();
      await trx.deleteFrom('volume_admin_metadata').where('volume_id', '=', volume.id).where('key', '=', 'attached_mode').execute();
    }
  });
  void reply.code(202);
  return undefined;
};

export const forceDeleteAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  actionArgs('os-force_delete', body, [], []);
  enforce(deps, auth, 'volume_extension:volume_admin_actions:force_delete', target(auth, volume.project_id));
  await deps.db.transaction().execute(async (trx) => {
    // Force skips the status check only: an attached volume, or one with snapshots, stays (Cinder).
    const row = await trx.selectFrom('volume').select(['attach_status']).where('id', '=', volume.id).executeTakeFirst();
    const snap = await trx.selectFrom('volume_snapshot').select('id').where('volume_id', '=', volume.id).executeTakeFirst();
    if (row && (row.attach_status === 'attached' || snap)) {
      throw invalidVolume('Volume must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, '
        + 'or be disassociated from snapshots after volume transfer.');
    }
    await moveVolume(trx, volume.id, VOLUME_FROM.forceDelete, 'deleting', {}, 'be force deleted');
  });
  ctx.manager.deleteVolume(volume.id, false);
  void reply.code(202);
  return undefined;
};
