import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest } from '../../platform/errors.js';
import { queryBool, type IdentityDeps } from '../common.js';
import type { AssignmentRow, RoleRow } from '../identity.tables.js';
import type { ProjectService } from '../projects/projects.service.js';
import { groupIdsOfUser, impliedRoleMap } from './effective-roles.js';
import { formatAssignments, type Assignment } from './role-assignment-format.js';
import type { RoleAssignmentQuery } from './role-assignments.schemas.js';

/** Keystone's checks on filter combinations that could only ever give an empty or ambiguous list. */
function checkCombinations(q: RoleAssignmentQuery, effective: boolean): void {
  if (q['scope.domain.id'] && q['scope.project.id']) throw badRequest('Specify a domain or project, not both');
  if (q['scope.domain.id'] && q['scope.system']) throw badRequest('Specify system or domain, not both');
  if (q['scope.project.id'] && q['scope.system']) throw badRequest('Specify system or project, not both');
  if (q['user.id'] && q['group.id']) throw badRequest('Specify a user or group, not both');
  if (effective && q['group.id']) throw badRequest('Combining effective and group filter will always result in an empty list.');
  if (q['scope.system'] !== undefined && q['scope.system'] !== 'all') {
    throw badRequest(`Invalid value for query parameter 'scope.system': the only system scope is "all".`);
  }
}

/**
 * GET /v3/role_assignments. Direct mode lists the grants as stored. Effective mode lists what
 * tokens get: group grants become one entry per member (links.membership), every implied role
 * gets its own entry (links.prior_role), and domain-specific roles, which only imply others, are
 * left out.
 */
export class RoleAssignmentService {
  constructor(private readonly deps: IdentityDeps, private readonly projects: ProjectService) {}

  async list(auth: AuthContext, q: RoleAssignmentQuery) {
    const effective = queryBool(q.effective, 'effective') ?? false;
    const includeNames = queryBool(q.include_names, 'include_names') ?? false;
    const subtree = queryBool(q.include_subtree, 'include_subtree') ?? false;
    checkCombinations(q, effective);
    this.deps.policy.enforce(auth, subtree ? 'identity:list_role_assignments_for_tree' : 'identity:list_role_assignments', {
      ...(q['scope.project.id'] ? { project: { id: q['scope.project.id'] } } : {}),
      ...(q['scope.domain.id'] ? { domain_id: q['scope.domain.id'] } : {}),
    });
    if (subtree && !q['scope.project.id']) throw badRequest('scope.project.id must be specified if include_subtree is also specified');
    // Nubis has no inherited (OS-INHERIT) grants: asking for them only can find none.
    if (q['scope.OS-INHERIT:inherited_to'] === 'projects') return [];

    const projectIds = q['scope.project.id']
      ? (subtree ? await this.subtree(q['scope.project.id']) : [q['scope.project.id']])
      : undefined;
    const rows = await this.grants(q, projectIds, effective);
    const roles = new Map((await this.deps.db.selectFrom('role').selectAll().execute()).map((r) => [r.id, r]));
    const entries = effective ? await this.expand(rows, q['user.id'], roles) : rows.map(direct);
    const roleId = q['role.id'];
    const shown = roleId ? entries.filter((e) => e.roleId === roleId) : entries;
    return formatAssignments(this.deps, shown, includeNames ? roles : undefined);
  }

  /** The project and every project below it. */
  private async subtree(rootId: string): Promise<string[]> {
    await this.projects.get(rootId);
    const all = await this.deps.db.selectFrom('project').select(['id', 'parent_id']).execute();
    const ids = [rootId];
    for (let i = 0; i < ids.length; i++) ids.push(...all.filter((p) => p.parent_id === ids[i]).map((p) => p.id));
    return ids;
  }

  /** Stored grants matching the filters; in effective mode also the grants of the user's groups. */
  private async grants(q: RoleAssignmentQuery, projectIds: string[] | undefined, effective: boolean): Promise<AssignmentRow[]> {
    let query = this.deps.db.selectFrom('role_assignment').selectAll()
      .orderBy('target_type').orderBy('target_id').orderBy('actor_type').orderBy('actor_id').orderBy('role_id');
    if (projectIds) query = query.where('target_type', '=', 'project').where('target_id', 'in', projectIds);
    else if (q['scope.domain.id']) query = query.where('target_type', '=', 'domain').where('target_id', '=', q['scope.domain.id']);
    else if (q['scope.system']) query = query.where('target_type', '=', 'system');
    const userId = q['user.id'];
    if (effective && userId) {
      const groups = await groupIdsOfUser(this.deps.db, userId);
      query = query.where((eb) => eb.or([
        eb.and([eb('actor_type', '=', 'user'), eb('actor_id', '=', userId)]),
        ...(groups.length ? [eb.and([eb('actor_type', '=', 'group'), eb('actor_id', 'in', groups)])] : []),
      ]));
    } else if (userId) {
      query = query.where('actor_type', '=', 'user').where('actor_id', '=', userId);
    } else if (q['group.id']) {
      query = query.where('actor_type', '=', 'group').where('actor_id', '=', q['group.id']);
    }
    // In effective mode the role filter applies after expansion: a user holds reader through admin.
    if (!effective && q['role.id']) query = query.where('role_id', '=', q['role.id']);
    return query.execute();
  }

  private async expand(rows: AssignmentRow[], userId: string | undefined, roles: Map<string, RoleRow>): Promise<Assignment[]> {
    const groupIds = [...new Set(rows.filter((r) => r.actor_type === 'group').map((r) => r.actor_id))];
    const members = new Map<string, string[]>();
    if (groupIds.length) {
      for (const m of await this.deps.db.selectFrom('group_membership').selectAll().where('group_id', 'in', groupIds)
        .orderBy('user_id').execute()) {
        members.set(m.group_id, [...(members.get(m.group_id) ?? []), m.user_id]);
      }
    }
    const perUser: Assignment[] = rows.flatMap((r) => {
      if (r.actor_type === 'user') return [direct(r)];
      const users = (members.get(r.actor_id) ?? []).filter((u) => userId === undefined || u === userId);
      return users.map((u) => ({ ...direct(r), actorType: 'user' as const, actorId: u, viaGroup: r.actor_id }));
    });

    const implied = await impliedRoleMap(this.deps.db);
    const out: Assignment[] = [];
    for (const granted of perUser) {
      // Walk the inference graph from the granted role; `seen` cuts cycles and repeated paths.
      const seen = new Set<string>();
      const stack: Assignment[] = [granted];
      while (stack.length) {
        const e = stack.shift()!;
        if (seen.has(e.roleId)) continue;
        seen.add(e.roleId);
        out.push(e);
        for (const next of implied.get(e.roleId) ?? []) stack.push({ ...e, roleId: next, priorRoleId: e.roleId });
      }
    }
    return out.filter((e) => roles.get(e.roleId)?.domain_id === '');
  }
}

const direct = (r: AssignmentRow): Assignment => ({
  actorType: r.actor_type, actorId: r.actor_id, targetType: r.target_type, targetId: r.target_id,
  roleId: r.role_id, grantedRoleId: r.role_id,
});
