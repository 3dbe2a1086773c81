// os-extend: grow a volume. The API checks the size and the quota and claims the volume
// (`extending`) in one transaction; the manager grows it on the backend (and, attached, in the
// guest) and puts it back to its previous status.
import { badRequest, enforce, target } from '../common.js';
import { has } from '../microversions.js';
import { checkVolumeQuota } from '../quotas/quota-check.js';
import { moveVolume, VOLUME_FROM } from '../volume-states.js';
import { actionArgs } from './action-args.js';
import type { ActionHandler } from './attach-actions.js';

/** Cinder's volume_size: a whole number or a string of digits, at least 1. */
function newSize(v: unknown): number {
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 31 - 1) {
    throw badRequest(`Invalid input for field/attribute new_size. Value: ${JSON.stringify(v)}. It must be an integer (or a string of digits) of at least 1.`);
  }
  return n;
}

export const extendAction: ActionHandler = async (ctx, auth, volume, body, req, reply) => {
  const { deps } = ctx;
  const args = actionArgs('os-extend', body, ['new_size'], ['new_size']);
  const size = newSize(args.new_size);
  // An attached volume may grow only from 3.42 (Nova must tell the guest); before, only available ones.
  const attached = has(req, 'extendAttached') && volume.status === 'in-use';
  enforce(deps, auth, attached ? 'volume:extend_attached_volume' : 'volume:extend', target(auth, volume.project_id));
  const tooSmall = (current: number) =>
    badRequest(`Invalid input received: New size for extend must be greater than current size. (current: ${current}, extended: ${size}).`);
  if (size <= volume.size) throw tooSmall(volume.size);
  const previous = attached ? 'in-use' as const : 'available' as const;
  await deps.db.transaction().execute(async (trx) => {
    // The quota first: it takes the project's lock, as every other quota'd write does before it
    // touches rows, so two writes can never wait on each other's locks in opposite order.
    const type = await trx.selectFrom('volume_type').select('name').where('id', '=', volume.volume_type_id).executeTakeFirst();
    await checkVolumeQuota(trx, deps.config.volume, volume.project_id, { gigabytes: size - volume.size },
      { volumeTypeName: type?.name ?? null, sizeGb: size });
    // Then the claim, then the size as it is now: a racing extend either loses the claim or has
    // already changed the size this request compared with.
    await moveVolume(trx, volume.id, attached ? VOLUME_FROM.extendAttached : VOLUME_FROM.extend, 'extending', {}, 'extend');
    const now = await trx.selectFrom('volume').select('size').where('id', '=', volume.id).executeTakeFirstOrThrow();
    if (size <= now.size) throw tooSmall(now.size);
  });
  ctx.manager.extendVolume(volume.id, size, previous);
  void reply.code(202);
  return undefined;
};
