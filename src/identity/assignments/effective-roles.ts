// Which roles a user holds on a scope: direct grants, grants to the user's groups, and every
// role those imply (admin ⇒ member ⇒ reader). The one place tokens and listings ask.
import type { IdentityDb, RoleRow } from '../identity.tables.js';

export type TargetType = 'project' | 'domain' | 'system';

export interface RoleRef { id: string; name: string; domain_id: string | null }

export const roleRef = (r: RoleRow): RoleRef => ({ id: r.id, name: r.name, domain_id: r.domain_id || null });

/** Map of prior role id → implied role ids, from the whole (small) implied_role table. */
export async function impliedRoleMap(db: IdentityDb): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const r of await db.selectFrom('implied_role').selectAll().execute()) {
    map.set(r.prior_role_id, [...(map.get(r.prior_role_id) ?? []), r.implied_role_id]);
  }
  return map;
}

/** The closure of `roleIds` under implication, cycles ignored. */
export function expandImplied(roleIds: Iterable<string>, implied: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roleIds];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(implied.get(id) ?? []));
  }
  return seen;
}

/** Role ids granted directly to the user or to a group the user is in, on one target. */
export async function grantedRoleIds(db: IdentityDb, userId: string, targetType: TargetType, targetId: string): Promise<string[]> {
  const rows = await db.selectFrom('role_assignment').select('role_id')
    .where('target_type', '=', targetType).where('target_id', '=', targetId)
    .where((eb) => eb.or([
      eb.and([eb('actor_type', '=', 'user'), eb('actor_id', '=', userId)]),
      eb.and([
        eb('actor_type', '=', 'group'),
        eb('actor_id', 'in', eb.selectFrom('group_membership').select('group_id').where('user_id', '=', userId)),
      ]),
    ]))
    .execute();
  return rows.map((r) => r.role_id);
}

/** Effective roles of the user on the target, sorted by name. */
export async function effectiveRoles(db: IdentityDb, userId: string, targetType: TargetType, targetId: string): Promise<RoleRef[]> {
  const granted = await grantedRoleIds(db, userId, targetType, targetId);
  if (granted.length === 0) return [];
  const ids = expandImplied(granted, await impliedRoleMap(db));
  const roles = await db.selectFrom('role').selectAll().where('id', 'in', [...ids]).orderBy('name').execute();
  return roles.map(roleRef);
}

/** Ids of targets of one type on which the user holds any role, directly or through a group. */
export async function targetsOfUser(db: IdentityDb, userId: string, targetType: TargetType): Promise<string[]> {
  const rows = await db.selectFrom('role_assignment').select('target_id').distinct()
    .where('target_type', '=', targetType)
    .where((eb) => eb.or([
      eb.and([eb('actor_type', '=', 'user'), eb('actor_id', '=', userId)]),
      eb.and([
        eb('actor_type', '=', 'group'),
        eb('actor_id', 'in', eb.selectFrom('group_membership').select('group_id').where('user_id', '=', userId)),
      ]),
    ]))
    .execute();
  return rows.map((r) => r.target_id);
}
