// RBAC rows and what depends on them. Shared by the RBAC routes and the network routes, which keep a
// network's `shared` / `router_external` flags in step with its wildcard ('*') rows.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { now } from '../common.js';
import type { NetworkTables, RbacPolicyRow } from '../network.tables.js';

type Trx = Transaction<NetworkTables>;
export type RbacAction = RbacPolicyRow['action'];

/** The flag column mirroring a wildcard row of each action. */
export const FLAG_OF: Record<RbacAction, 'shared' | 'router_external'> = { access_as_shared: 'shared', access_as_external: 'router_external' };

export async function insertRbac(trx: Trx, row: Omit<RbacPolicyRow, 'id' | 'created_at' | 'updated_at' | 'revision_number'>): Promise<RbacPolicyRow> {
  const at = now();
  const full: RbacPolicyRow = { id: randomUUID(), ...row, created_at: at, updated_at: at, revision_number: 0 };
  await trx.insertInto('net_rbac_policy').values(full).execute();
  if (row.target_tenant === '*' && row.object_type === 'network') await setFlag(trx, row.object_id, row.action, true);
  return full;
}

/** Sets the network's flag for a wildcard row of `action`; a flag change is an update (revision +1). */
export async function setFlag(trx: Trx, networkId: string, action: RbacAction, on: boolean): Promise<void> {
  const col = FLAG_OF[action];
  await trx.updateTable('net_network').set((eb) => ({ [col]: on ? 1 : 0, updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
    .where('id', '=', networkId).where(col, '=', on ? 0 : 1).execute();
}

/**
 * Why removing `policy` (or moving it off its target) would strand another project's resources on the
 * network, or null if nothing depends on it. Ports (shared) and router gateways / floating IPs
 * (external) of the projects losing access count; the owner's and project-less ones (DHCP) do not.
 */
export async function rbacDependents(trx: Trx, policy: RbacPolicyRow): Promise<string | null> {
  if (policy.object_type !== 'network') return null;
  const net = await trx.selectFrom('net_network').select(['id', 'project_id']).where('id', '=', policy.object_id).executeTakeFirst();
  if (!net) return null;
  const others = await trx.selectFrom('net_rbac_policy').select('target_tenant').where('object_type', '=', 'network')
    .where('object_id', '=', net.id).where('action', '=', policy.action).where('id', '!=', policy.id).execute();
  const keep = new Set(others.map((o) => o.target_tenant));
  if (keep.has('*')) return null;
  keep.add(net.project_id);
  keep.add('');
  const losing = (project: string) => (policy.target_tenant === '*' ? !keep.has(project) : project === policy.target_tenant && !keep.has(project));
  if (policy.action === 'access_as_shared') {
    const ports = await trx.selectFrom('net_port').select('project_id').where('network_id', '=', net.id).execute();
    const subnets = await trx.selectFrom('net_subnet').select('project_id').where('network_id', '=', net.id).execute();
    if ([...ports, ...subnets].some((p) => losing(p.project_id))) return `Unable to reconfigure sharing settings for network ${net.id}. Multiple tenants are using it.`;
  } else {
    const routers = await trx.selectFrom('net_router').select('project_id').where('gw_network_id', '=', net.id).execute();
    const fips = await trx.selectFrom('net_floating_ip').select('project_id').where('floating_network_id', '=', net.id).execute();
    if ([...routers, ...fips].some((p) => losing(p.project_id))) return `External network ${net.id} cannot be updated to be made non-external, since it has existing gateway ports.`;
  }
  return null;
}

/** Deletes a row (the caller checked its dependents) and clears the network's flag with its wildcard. */
export async function deleteRbac(trx: Trx, policy: RbacPolicyRow): Promise<void> {
  await trx.deleteFrom('net_rbac_policy').where('id', '=', policy.id).execute();
  if (policy.target_tenant === '*' && policy.object_type === 'network') await setFlag(trx, policy.object_id, policy.action, false);
}

/** The wildcard row of `action` on a network, if any. */
export async function wildcardRow(trx: Trx, networkId: string, action: RbacAction): Promise<RbacPolicyRow | undefined> {
  return trx.selectFrom('net_rbac_policy').selectAll().where('object_type', '=', 'network').where('object_id', '=', networkId)
    .where('action', '=', action).where('target_tenant', '=', '*').executeTakeFirst();
}
