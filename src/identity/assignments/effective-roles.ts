// Which roles a user holds on a scope: direct grants, grants to the user's groups, and every
// role those imply (admin ⇒ member ⇒ reader). The one place tokens and listings ask.
import { sql } from 'kysely';
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

/**
 * Effective roles of the user on the target, sorted by name. Domain-specific roles only serve to
 * imply global ones (as in Keystone), so they never reach a token themselves.
 */
export async function effectiveRoles(db: IdentityDb, userId: string, targetType: TargetType, targetId: string): Promise<RoleRef[]> {
  // One statement, as every token validation runs it: direct and group grants, closed under
  // implication by a recursive CTE (UNION drops repeats, so a cycle ends the recursion).
  const { rows } = await sql<RoleRow>`
    WITH RECURSIVE granted(id) AS (
      SELECT "role_id" FROM "role_assignment"
      WHERE "target_type" = ${targetType} AND "target_id" = ${targetId}
        AND (("actor_type" = 'user' AND "actor_id" = ${userId})
          OR ("actor_type" = 'group' AND "actor_id" IN (SELECT "group_id" FROM "group_membership" WHERE "user_id" = ${userId})))
      UNION
      SELECT "implied_role"."implied_role_id" FROM "implied_role" JOIN granted ON "implied_role"."prior_role_id" = granted.id
    )
    SELECT * FROM "role" WHERE "id" IN (SELECT id FROM granted) AND "domain_id" = '' ORDER BY "name"`.execute(db);
  return rows.map(roleRef);
}

/** Ids of the groups the user is a member of. */
export async function groupIdsOfUser(db: IdentityDb, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('group_membership').select('group_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.group_id);
}

/** Ids of targets of one type on which the user holds any role, directly or through a group. */
export async function targetsOfUser(db: IdentityDb, userId: string, targetType: TargetType): Promise<string[]> {
  const rows = await db.selectFrom('role_assignment').select('target_id').distinct()
    .where('target_type', '=', targetType)
    .where((eb) => eb.or([
      eb.and([eb('actor_type', '=', 'user'), eb('actor_id', '=', userId)]),
      eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', eb.selectFrom('group_membership').select('group_id').where('user_id', '=', userId))]),
    ]))
    .execute();
  return rows.map((r) => r.target_id);
}
