// Keystone shapes and the lookups the admin identity pages share (names for ids in selects and tables).
import type { Clients } from '../../../api/clients';

export interface Domain { id: string; name: string; enabled?: boolean }
export interface Project { id: string; name: string; description?: string; domain_id: string; enabled: boolean; is_domain?: boolean }
export interface User { id: string; name: string; domain_id: string; email?: string; default_project_id?: string; enabled: boolean }
export interface Group { id: string; name: string; description?: string; domain_id: string }
export interface Role { id: string; name: string; domain_id?: string | null }
export interface Named { id: string; name?: string; domain?: { id: string; name?: string } }
export interface Assignment {
  role: Named;
  user?: Named;
  group?: Named;
  scope: { project?: Named; domain?: Named; system?: { all?: boolean }; 'OS-INHERIT:inherited_to'?: string };
}

export interface Directory { domains: Domain[]; projects: Project[]; users: User[]; groups: Group[]; roles: Role[] }

/** Everything the selects need, in parallel (one round trip's worth of latency). */
export async function loadDirectory(identity: Clients['identity']): Promise<Directory> {
  const [d, p, u, g, r] = await Promise.all([
    identity.get<{ domains: Domain[] }>('/domains'),
    identity.get<{ projects: Project[] }>('/projects'),
    identity.get<{ users: User[] }>('/users'),
    identity.get<{ groups: Group[] }>('/groups'),
    identity.get<{ roles: Role[] }>('/roles'),
  ]);
  const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
  return { domains: byName(d.domains), projects: byName(p.projects.filter((x) => !x.is_domain)), users: byName(u.users), groups: byName(g.groups), roles: byName(r.roles) };
}

export function nameOf(list: readonly { id: string; name: string }[] | undefined, id: string | null | undefined): string {
  if (!id) return '';
  return list?.find((x) => x.id === id)?.name ?? id;
}

export const options = (list: readonly { id: string; name: string }[]) => list.map((x) => ({ value: x.id, label: x.name }));

/** The grant path Keystone uses for a role on a project for a user or a group. */
export function grantPath(projectId: string, actor: 'user' | 'group', actorId: string, roleId: string): string {
  return `/projects/${encodeURIComponent(projectId)}/${actor}s/${encodeURIComponent(actorId)}/roles/${encodeURIComponent(roleId)}`;
}

/** The grant path of an existing assignment (project or domain scope), for revoking it. */
export function assignmentPath(a: Assignment): string | undefined {
  const actor = a.user ? `users/${a.user.id}` : a.group ? `groups/${a.group.id}` : undefined;
  const scope = a.scope.project ? `projects/${a.scope.project.id}` : a.scope.domain ? `domains/${a.scope.domain.id}` : a.scope.system ? 'system' : undefined;
  if (!actor || !scope) return undefined;
  const inherited = a.scope['OS-INHERIT:inherited_to'];
  const base = `/${scope}/${actor}/roles/${a.role.id}`;
  return inherited ? `/OS-INHERIT${base}/inherited_to_projects` : base;
}

export function actorLabel(a: Assignment): string {
  const x = a.user ?? a.group;
  if (!x) return '';
  const dom = x.domain?.name ? `@${x.domain.name}` : '';
  return `${x.name ?? x.id}${dom}`;
}
