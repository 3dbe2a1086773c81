// Joining a server group when a server is created: the group must exist and be the project's, and
// the group must have room under the server_group_members quota. Runs inside the server's creating
// transaction, serialised per group, so racing creates cannot overfill it.
import { serializeOn } from '../../platform/db/serialize.js';
import { badRequest } from '../../platform/errors.js';
import type { ComputeDeps } from '../common.js';
import type { ComputeDb } from '../compute.tables.js';
import { quotaExceeded, quotaLimits } from '../quotas/quota-limits.js';

/**
 * Adds the instance to the group. A group that does not exist or belongs to another project is a
 * 400 (the hint is bad input, not a missing resource of the URL); a full group is Nova's 403.
 */
export async function addGroupMember(trx: ComputeDb, deps: ComputeDeps, groupId: string, instanceUuid: string, projectId: string): Promise<void> {
  await serializeOn(trx, `server-group:${groupId}`);
  const group = await trx.selectFrom('compute_server_group').select(['id', 'project_id'])
    .where('id', '=', groupId).executeTakeFirst();
  if (!group || group.project_id !== projectId) throw badRequest(`Invalid hint: server group ${groupId} could not be found.`);
  const limit = (await quotaLimits(trx, deps.config.compute, group.project_id)).server_group_members;
  if (limit >= 0) {
    const row = await trx.selectFrom('compute_server_group_member as m')
      .leftJoin('compute_instance as i', 'i.uuid', 'm.instance_uuid')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('m.group_id', '=', groupId).where('m.instance_uuid', '<>', instanceUuid)
      .where((eb) => eb.or([eb('i.deleted', '=', 0), eb('i.uuid', 'is', null)]))
      .executeTakeFirst();
    const used = Number(row?.n ?? 0);
    if (used + 1 > limit) throw quotaExceeded('server_group_members', 1, used, limit);
  }
  const exists = await trx.selectFrom('compute_server_group_member').select('group_id')
    .where('group_id', '=', groupId).where('instance_uuid', '=', instanceUuid).executeTakeFirst();
  if (!exists) await trx.insertInto('compute_server_group_member').values({ group_id: groupId, instance_uuid: instanceUuid }).execute();
}
