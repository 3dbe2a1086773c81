// os-set_bootable and os-update_readonly_flag: flags on the volume row and in its admin metadata.
import { enforce, notFound, target } from '../common.js';
import { invalidVolume } from '../volume-states.js';
import { actionArgs, strictBool } from './action-args.js';
import type { ActionHandler } from './attach-actions.js';

export const setBootableAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('os-set_bootable', body, ['bootable'], ['bootable']);
  const bootable = strictBool(args.bootable, 'bootable');
  enforce(deps, auth, 'volume:set_bootable', target(auth, volume.project_id));
  await deps.db.updateTable('volume').set({ bootable: bootable ? 1 : 0, updated_at: new Date().toISOString() })
    .where('id', '=', volume.id).execute();
  void reply.code(200);
  return undefined;
};

export const updateReadonlyFlagAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('os-update_readonly_flag', body, ['readonly'], ['readonly']);
  const readonly = strictBool(args.readonly, 'readonly');
  enforce(deps, auth, 'volume:update_readonly_flag', target(auth, volume.project_id));
  await deps.db.transaction().execute(async (trx) => {
    // The flag decides the mode of the next attachment; Cinder refuses it on a volume that is not
    // `available`. The conditional UPDATE also locks the row, so racing flag writes queue up.
    const res = await trx.updateTable('volume').set({ updated_at: new Date().toISOString() })
      .where('id', '=', volume.id).where('status', '=', 'available').executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      const row = await trx.selectFrom('volume').select('status').where('id', '=', volume.id).executeTakeFirst();
      if (!row) throw notFound.volume(volume.id);
      throw invalidVolume(`Volume ${volume.id} status must be available to update readonly flag, but current status is: ${row.status}.`);
    }
    await trx.deleteFrom('volume_admin_metadata').where('volume_id', '=', volume.id).where('key', '=', 'readonly').execute();
    await trx.insertInto('volume_admin_metadata').values({ volume_id: volume.id, key: 'readonly', value: readonly ? 'True' : 'False' }).execute();
  });
  void reply.code(202);
  return undefined;
};
