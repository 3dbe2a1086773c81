// Loading security groups and rules the caller may see, and their API views (Neutron's keys).
import type { AuthContext } from '../../platform/auth-context.js';
import type { View } from '../collection.js';
import { isAdmin, isoSeconds, notFound, standardView, type NetworkDeps } from '../common.js';
import type { SecurityGroupRow, SecurityGroupRuleRow } from '../network.tables.js';
import { tagsFor } from '../tags/tags.js';
import { normalizedCidr } from './security-group-rule-input.js';

export const GROUP_TAGS = 'security_groups';
export const RULE_TAGS = 'security_group_rules';

/** Groups shared with `projectId` (or every project) through RBAC `access_as_shared`. */
async function sharedWith(deps: NetworkDeps, projectId: string | undefined, ids?: readonly string[]): Promise<Set<string>> {
  let q = deps.db.selectFrom('net_rbac_policy').select('object_id')
    .where('object_type', '=', 'security_group').where('action', '=', 'access_as_shared')
    .where('target_tenant', 'in', projectId ? ['*', projectId] : ['*']);
  if (ids) {
    if (ids.length === 0) return new Set();
    q = q.where('object_id', 'in', [...ids]);
  }
  return new Set((await q.execute()).map((r) => r.object_id));
}

export interface VisibleGroups { rows: SecurityGroupRow[]; shared: Set<string> }

/** Every group the caller may see: admins all, others their project's and those shared with it. */
export async function visibleGroups(deps: NetworkDeps, auth: AuthContext): Promise<VisibleGroups> {
  const shared = await sharedWith(deps, auth.projectId);
  if (isAdmin(deps, auth)) return { rows: await deps.db.selectFrom('net_security_group').selectAll().execute(), shared };
  const own = auth.projectId ?? '';
  const rows = await deps.db.selectFrom('net_security_group').selectAll()
    .where((eb) => shared.size ? eb.or([eb('project_id', '=', own), eb('id', 'in', [...shared])]) : eb('project_id', '=', own))
    .execute();
  return { rows, shared };
}

/** One group the caller may see, else 404. `write`: the caller must also own it (or be admin): shared groups are read-only. */
export async function loadGroup(deps: NetworkDeps, auth: AuthContext, id: string, write = false): Promise<SecurityGroupRow> {
  const row = await deps.db.selectFrom('net_security_group').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound.securityGroup(id);
  if (isAdmin(deps, auth) || row.project_id === auth.projectId) return row;
  if (!write && (await sharedWith(deps, auth.projectId, [id])).has(id)) return row;
  throw notFound.securityGroup(id);
}

/** Is the group visible to a project (own or shared with it)? For remote_group_id checks. */
export async function groupVisibleTo(deps: NetworkDeps, group: SecurityGroupRow, projectId: string): Promise<boolean> {
  return group.project_id === projectId || (await sharedWith(deps, projectId, [group.id])).has(group.id);
}

export function ruleView(row: SecurityGroupRuleRow, tags: string[], defaultGroups: ReadonlySet<string>): View {
  return {
    id: row.id, tenant_id: row.project_id, project_id: row.project_id, security_group_id: row.security_group_id,
    direction: row.direction, ethertype: row.ethertype, protocol: row.protocol,
    port_range_min: row.port_range_min, port_range_max: row.port_range_max,
    remote_ip_prefix: row.remote_ip_prefix, normalized_cidr: normalizedCidr(row.remote_ip_prefix),
    remote_group_id: row.remote_group_id, remote_address_group_id: null,
    belongs_to_default_sg: defaultGroups.has(row.security_group_id),
    description: row.description, tags,
    created_at: isoSeconds(row.created_at), updated_at: isoSeconds(row.updated_at), revision_number: row.revision_number,
  };
}

/** Which of the groups are their project's default group. */
async function defaultGroupsAmong(deps: NetworkDeps, groupIds: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await deps.db.selectFrom('net_default_security_group').select('security_group_id')
    .where('security_group_id', 'in', [...groupIds]).execute();
  return new Set(rows.map((r) => r.security_group_id));
}

/** Views of rules (all from groups the caller may see). */
export async function ruleViews(deps: NetworkDeps, rows: SecurityGroupRuleRow[]): Promise<View[]> {
  const ids = rows.map((r) => r.id);
  const [tags, defaults] = await Promise.all([
    ids.length ? tagsFor(deps.db, RULE_TAGS, ids) : new Map<string, string[]>(),
    defaultGroupsAmong(deps, [...new Set(rows.map((r) => r.security_group_id))]),
  ]);
  return rows.map((r) => ruleView(r, tags.get(r.id) ?? [], defaults));
}

/** Rules of every group the caller may see, oldest first. */
export async function visibleRules(deps: NetworkDeps, auth: AuthContext): Promise<SecurityGroupRuleRow[]> {
  const groups = (await visibleGroups(deps, auth)).rows.map((g) => g.id);
  if (groups.length === 0) return [];
  return deps.db.selectFrom('net_security_group_rule').selectAll().where('security_group_id', 'in', groups)
    .orderBy('created_at').orderBy('id').execute();
}

/** Views of groups, each with its rules embedded as Neutron does. */
export async function groupViews(deps: NetworkDeps, groups: VisibleGroups): Promise<View[]> {
  const ids = groups.rows.map((g) => g.id);
  if (ids.length === 0) return [];
  const rules = await deps.db.selectFrom('net_security_group_rule').selectAll().where('security_group_id', 'in', ids)
    .orderBy('created_at').orderBy('id').execute();
  const [tags, rulesViews] = await Promise.all([tagsFor(deps.db, GROUP_TAGS, ids), ruleViews(deps, rules)]);
  const byGroup = new Map<string, View[]>();
  for (const r of rulesViews) byGroup.set(r.security_group_id, [...(byGroup.get(r.security_group_id) ?? []), r]);
  return groups.rows.map((g) => ({
    id: g.id, name: g.name, description: g.description, stateful: Boolean(g.stateful),
    // Neutron: shared when an RBAC entry shares it with the caller's project or every project.
    shared: groups.shared.has(g.id),
    security_group_rules: byGroup.get(g.id) ?? [], tags: tags.get(g.id) ?? [],
    ...standardView(g),
  }));
}

export async function groupView(deps: NetworkDeps, auth: AuthContext, row: SecurityGroupRow): Promise<View> {
  const shared = await sharedWith(deps, auth.projectId, [row.id]);
  return (await groupViews(deps, { rows: [row], shared }))[0]!;
}
