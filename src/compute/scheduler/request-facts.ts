// The per-request lookups the filters share: the server group's members and where they run, and
// the hosts of the instances named by same_host / different_host hints.
import type { ComputeConfig } from '../../platform/config.compute.js';
import type { ComputeDb } from '../compute.tables.js';
import { json } from '../common.js';
import { flavorResources, type GroupFacts, type RequestFacts } from './host-state.js';
import type { RequestSpec } from './request-spec.js';

/** A hint given once (`"uuid"`) or repeated (`["uuid", …]`), as the API passes it on. */
export function hintList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

async function hostsOf(db: ComputeDb, uuids: string[]): Promise<Set<string>> {
  if (uuids.length === 0) return new Set();
  const rows = await db.selectFrom('compute_instance').select('host')
    .where('uuid', 'in', uuids).where('deleted', '=', 0).where('host', 'is not', null).execute();
  return new Set(rows.map((r) => r.host!));
}

async function groupFacts(db: ComputeDb, groupId: string, instanceUuid: string): Promise<GroupFacts | null> {
  const group = await db.selectFrom('compute_server_group').select(['id', 'policy', 'rules']).where('id', '=', groupId).executeTakeFirst();
  if (!group) return null;
  // A member's host is its instance row's, or its claim's: the claim is written when the host is
  // chosen and the row learns the host a moment later, so a member placed just before counts too.
  const placed = await db.selectFrom('compute_server_group_member as m')
    .innerJoin('compute_instance as i', 'i.uuid', 'm.instance_uuid')
    .select(['i.uuid', 'i.host'])
    .where('m.group_id', '=', groupId).where('i.deleted', '=', 0).where('i.host', 'is not', null)
    .where('i.uuid', '<>', instanceUuid).execute();
  const claimed = await db.selectFrom('compute_server_group_member as m')
    .innerJoin('compute_allocation as a', (j) => j.onRef('a.instance_uuid', '=', 'm.instance_uuid').on('a.kind', '=', 'instance'))
    .innerJoin('compute_node as n', 'n.id', 'a.node_id')
    .select(['m.instance_uuid as uuid', 'n.host'])
    .where('m.group_id', '=', groupId).where('m.instance_uuid', '<>', instanceUuid).execute();
  const hostOf = new Map<string, string>();
  for (const r of [...placed, ...claimed]) hostOf.set(r.uuid, r.host!);
  const members = [...hostOf.values()].map((host) => ({ host }));
  const memberHosts = new Map<string, number>();
  for (const m of members) memberHosts.set(m.host!, (memberHosts.get(m.host!) ?? 0) + 1);
  const max = Number(json<Record<string, unknown>>(group.rules, {}).max_server_per_host);
  return { id: group.id, policy: group.policy, maxServerPerHost: Number.isInteger(max) && max >= 1 ? max : 1, memberHosts };
}

export async function loadRequestFacts(db: ComputeDb, config: ComputeConfig, spec: RequestSpec): Promise<RequestFacts> {
  const groupId = hintList(spec.hints.group)[0];
  const same = hintList(spec.hints.same_host);
  const [group, sameHosts, differentHosts] = await Promise.all([
    groupId ? groupFacts(db, groupId, spec.instanceUuid) : Promise.resolve(null),
    same.length > 0 ? hostsOf(db, same) : Promise.resolve(null),
    hostsOf(db, hintList(spec.hints.different_host)),
  ]);
  return { config, want: flavorResources(spec.flavor), group, sameHosts, differentHosts };
}
