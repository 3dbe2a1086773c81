// os-retype: change a volume's type. Nubis does not migrate volumes between backends, so a retype
// is allowed only when the new type accepts the backend the volume is on already (it names no
// `volume_backend_name`, or that backend's): then it is a change of the row alone.
import type { Transaction } from 'kysely';
import { badRequest, enforce, target } from '../common.js';
import { backendOf } from '../context.js';
import { extraSpecsOf, resolveVolumeType } from '../volume-types/default-type.js';
import { invalidVolume, VOLUME_FROM } from '../volume-states.js';
import { actionArgs, requiredString } from './action-args.js';
import type { VolumeRow, VolumeTables } from '../volume.tables.js';
import type { ActionHandler } from './attach-actions.js';

const isMultiattach = (specs: Record<string, string>): boolean => /^<is>\s*true$/i.test((specs.multiattach ?? '').trim());

/** The name of the backend the volume is on (its host's `<host>@<backend>`), or its type's choice while unplaced. */
async function backendNameOf(trx: Transaction<VolumeTables>, volume: VolumeRow, typeSpecs: Record<string, string>): Promise<string | null> {
  if (!volume.host) return typeSpecs.volume_backend_name ?? null;
  const id = backendOf(volume.host);
  const row = await trx.selectFrom('volume_backend').select('backend_name').where('id', '=', id).executeTakeFirst();
  return row?.backend_name ?? id.split('@')[1] ?? null;
}

export const retypeAction: ActionHandler = async (ctx, auth, volume, body, _req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('os-retype', body, ['new_type', 'migration_policy'], ['new_type']);
  const ref = requiredString(args.new_type, 'new_type');
  const policy = args.migration_policy ?? null;
  if (policy !== null && policy !== 'on-demand' && policy !== 'never') {
    throw badRequest(`Invalid input for field/attribute migration_policy. Value: ${JSON.stringify(policy)}. It must be one of: on-demand, never.`);
  }
  enforce(deps, auth, 'volume:retype', target(auth, volume.project_id));
  await deps.db.transaction().execute(async (trx) => {
    const newType = await resolveVolumeType(trx, deps, auth, ref);
    const [oldSpecs, newSpecs] = [await extraSpecsOf(trx, volume.volume_type_id), await extraSpecsOf(trx, newType.id)];
    const toMulti = isMultiattach(newSpecs);
    const multiChanges = (volume.multiattach === 1) !== toMulti;
    if (multiChanges && volume.status !== 'available') {
      throw badRequest('Invalid input received: Invalid volume_type passed, retypes affecting multiattach are only allowed on '
        + `available volumes, the specified volume however currently has a status of: ${volume.status}.`);
    }
    if (toMulti) enforce(deps, auth, 'volume:multiattach', target(auth, volume.project_id));
    const wanted = newSpecs.volume_backend_name;
    const current = await backendNameOf(trx, volume, oldSpecs);
    if (wanted !== undefined && wanted !== current) {
      throw invalidVolume(`Retype to volume type ${newType.name} needs a migration from backend ${current ?? '(none)'} to ${wanted}, `
        + 'which this cloud does not do.');
    }
    // One conditional UPDATE: the status, the type and the multiattach flag the checks above saw.
    const res = await trx.updateTable('volume')
      .set({ volume_type_id: newType.id, multiattach: toMulti ? 1 : 0, updated_at: new Date().toISOString() })
      .where('id', '=', volume.id).where('status', 'in', multiChanges ? ['available' as const] : [...VOLUME_FROM.retype])
      .where('volume_type_id', '=', volume.volume_type_id).where('volume_type_id', '!=', newType.id)
      .where('multiattach', '=', volume.multiattach)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      throw invalidVolume('Retype needs volume to be in available or in-use state, not be part of an active migration or a '
        + 'consistency group, requested type has to be different that the one from the volume, and for in-use volumes '
        + 'front-end qos specs cannot change.');
    }
  });
  void reply.code(202);
  return undefined;
};
