// A server group as the API shows it at the request's microversion.
import type { ApiVersion } from '../microversions.js';
import { has } from '../microversions.js';
import type { ComputeDb, ServerGroupRow } from '../compute.tables.js';
import { json } from '../common.js';

/** Members of each group that are not deleted (instances being built count: they hold a place). */
export async function membersOf(db: ComputeDb, groupIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await db.selectFrom('compute_server_group_member as m')
    .leftJoin('compute_instance as i', 'i.uuid', 'm.instance_uuid')
    .select(['m.group_id', 'm.instance_uuid'])
    .where('m.group_id', 'in', groupIds)
    .where((eb) => eb.or([eb('i.deleted', '=', 0), eb('i.uuid', 'is', null)]))
    .orderBy('m.instance_uuid').execute();
  for (const r of rows) out.get(r.group_id)?.push(r.instance_uuid);
  return out;
}

export function serverGroupView(g: ServerGroupRow, members: string[], v: ApiVersion): Record<string, unknown> {
  const view: Record<string, unknown> = { id: g.id, name: g.name };
  if (has(v, 'serverGroupRules')) {
    view.policy = g.policy;
    view.rules = json<Record<string, unknown>>(g.rules, {});
  } else {
    view.policies = [g.policy];
  }
  view.members = members;
  if (!has(v, 'serverGroupRules')) view.metadata = {};
  if (has(v, 'serverGroupUserProject')) {
    view.project_id = g.project_id;
    view.user_id = g.user_id;
  }
  return view;
}
