// Role assignments as Keystone writes them: {role, user|group, scope, links}, with names and
// domains of every entity when include_names is asked for.
import { v3Url, type IdentityDeps } from '../common.js';
import type { RoleRow } from '../identity.tables.js';
import type { TargetType } from './effective-roles.js';

/** One listed assignment; for effective entries, where it came from. */
export interface Assignment {
  actorType: 'user' | 'group';
  actorId: string;
  targetType: TargetType;
  targetId: string;
  /** The role this entry shows. */
  roleId: string;
  /** The role actually granted (differs from roleId for implied roles). */
  grantedRoleId: string;
  /** The role that directly implies roleId. */
  priorRoleId?: string;
  /** The group whose grant gave the user this role. */
  viaGroup?: string;
}

type Named = { id: string; name: string; domain?: { id: string; name: string } };

interface Names {
  users: Map<string, Named>;
  groups: Map<string, Named>;
  projects: Map<string, Named>;
  domains: Map<string, string>;
  roles: Map<string, RoleRow>;
}

async function loadNames(deps: IdentityDeps, list: Assignment[], roles: Map<string, RoleRow>): Promise<Names> {
  const ids = (pick: (a: Assignment) => string | undefined) => [...new Set(list.map(pick).filter((x): x is string => !!x))];
  const userIds = ids((a) => (a.actorType === 'user' ? a.actorId : undefined));
  const groupIds = ids((a) => (a.actorType === 'group' ? a.actorId : undefined));
  const projectIds = ids((a) => (a.targetType === 'project' ? a.targetId : undefined));
  const domains = new Map((await deps.db.selectFrom('domain').select(['id', 'name']).execute()).map((d) => [d.id, d.name]));
  const withDomain = (r: { id: string; name: string; domain_id: string }): [string, Named] =>
    [r.id, { id: r.id, name: r.name, domain: { id: r.domain_id, name: domains.get(r.domain_id) ?? '' } }];
  const users = userIds.length
    ? await deps.db.selectFrom('identity_user').select(['id', 'name', 'domain_id']).where('id', 'in', userIds).execute() : [];
  const groups = groupIds.length
    ? await deps.db.selectFrom('identity_group').select(['id', 'name', 'domain_id']).where('id', 'in', groupIds).execute() : [];
  const projects = projectIds.length
    ? await deps.db.selectFrom('project').select(['id', 'name', 'domain_id']).where('id', 'in', projectIds).execute() : [];
  return {
    users: new Map(users.map(withDomain)),
    groups: new Map(groups.map(withDomain)),
    projects: new Map(projects.map(withDomain)),
    domains,
    roles,
  };
}

/** Keystone shows a vanished entity with empty names rather than failing the whole listing. */
const named = (map: Map<string, Named>, id: string): Named => map.get(id) ?? { id, name: '', domain: { id: '', name: '' } };

function roleOf(a: Assignment, names: Names | undefined) {
  if (!names) return { id: a.roleId };
  const role = names.roles.get(a.roleId);
  return {
    id: a.roleId,
    name: role?.name ?? '',
    // Global roles carry no domain, as in Keystone.
    ...(role?.domain_id ? { domain: { id: role.domain_id, name: names.domains.get(role.domain_id) ?? '' } } : {}),
  };
}

function scopeOf(a: Assignment, names: Names | undefined) {
  if (a.targetType === 'system') return { system: { all: true } };
  if (a.targetType === 'project') return { project: names ? named(names.projects, a.targetId) : { id: a.targetId } };
  return { domain: names ? { id: a.targetId, name: names.domains.get(a.targetId) ?? '' } : { id: a.targetId } };
}

function linksOf(deps: IdentityDeps, a: Assignment) {
  const base = v3Url(deps.config);
  const target = a.targetType === 'system' ? 'system' : `${a.targetType}s/${a.targetId}`;
  const actor = a.viaGroup ? `groups/${a.viaGroup}` : `${a.actorType}s/${a.actorId}`;
  return {
    assignment: `${base}/${target}/${actor}/roles/${a.grantedRoleId}`,
    ...(a.viaGroup ? { membership: `${base}/groups/${a.viaGroup}/users/${a.actorId}` } : {}),
    ...(a.priorRoleId ? { prior_role: `${base}/roles/${a.priorRoleId}/implies/${a.roleId}` } : {}),
  };
}

/** The `role_assignments` array; `roles` (all roles by id) is given only when names are asked for. */
export async function formatAssignments(deps: IdentityDeps, list: Assignment[], roles?: Map<string, RoleRow>) {
  const names = roles ? await loadNames(deps, list, roles) : undefined;
  return list.map((a) => {
    const actorMap = a.actorType === 'user' ? names?.users : names?.groups;
    return {
      role: roleOf(a, names),
      [a.actorType]: actorMap ? named(actorMap, a.actorId) : { id: a.actorId },
      scope: scopeOf(a, names),
      links: linksOf(deps, a),
    };
  });
}
