// The port API's operations: create (one or bulk, all-or-nothing), show, list and delete. Updates
// live in port-update.ts. Each write is one transaction, then a nudge to the dataplane sync.
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, conflict, enforce, isAdmin, notFound, owningProject, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { NetworkDb, PortRow } from '../network.tables.js';
import { loadVisibleNetwork, mayUseNetwork } from '../networks/network-access.js';
import { ensureDefaultSecurityGroup } from '../security-groups/default-group.js';
import { tagsFor } from '../tags/tags.js';
import { denied, enforceOnPort, loadVisiblePort, visiblePortRows } from './port-access.js';
import type { PortFields } from './port-body.js';
import { createPortRecord, deletePortRecord, fixedIpsOf, isNetworkOwned, type PortSpec } from './port-records.js';
import { portView } from './port-view.js';

export type PortView = ReturnType<typeof portView>;

/** Views of `rows` with their addresses, groups and tags loaded in a few queries. */
export async function portViews(db: NetworkDb, rows: PortRow[], admin: boolean): Promise<PortView[]> {
  const ids = rows.map((r) => r.id);
  const ips = await fixedIpsOf(db, ids);
  const tags = await tagsFor(db, 'ports', ids);
  const groups = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += 500) {
    const bound = await db.selectFrom('net_port_security_group').select(['port_id', 'security_group_id'])
      .where('port_id', 'in', ids.slice(i, i + 500)).orderBy('security_group_id').execute();
    for (const b of bound) groups.get(b.port_id)?.push(b.security_group_id);
  }
  return rows.map((r) => portView(r, ips.get(r.id) ?? [], groups.get(r.id) ?? [], tags.get(r.id) ?? [], admin));
}

export async function showPort(ctx: NetworkContext, auth: AuthContext, id: string): Promise<PortView> {
  const row = await loadVisiblePort(ctx, auth, id);
  return (await portViews(ctx.deps.db, [row], isAdmin(ctx.deps, auth)))[0]!;
}

export async function listPorts(ctx: NetworkContext, auth: AuthContext): Promise<PortView[]> {
  return portViews(ctx.deps.db, await visiblePortRows(ctx, auth), isAdmin(ctx.deps, auth));
}

/** 404 SecurityGroupNotFound unless every group exists and the caller may use it (its project's, or any for admins). */
export async function checkUsableGroups(ctx: NetworkContext, auth: AuthContext, projectId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await ctx.deps.db.selectFrom('net_security_group').select(['id', 'project_id']).where('id', 'in', [...ids]).execute();
  const admin = isAdmin(ctx.deps, auth);
  for (const id of ids) {
    const g = rows.find((r) => r.id === id);
    if (!g || (!admin && g.project_id !== projectId && g.project_id !== auth.projectId)) throw notFound.securityGroup(id);
  }
}

/** Checks one create request against policy and visibility, and turns it into a PortSpec. */
async function prepareCreate(ctx: NetworkContext, auth: AuthContext, f: PortFields): Promise<PortSpec> {
  const { deps } = ctx;
  if (f.network_id === undefined) throw badRequest("Failed to parse request. Required attribute 'network_id' not specified");
  const projectId = owningProject(deps, auth, f);
  enforce(deps, auth, 'create_port', target(auth, projectId));
  const admin = isAdmin(deps, auth);
  const network = await loadVisibleNetwork(ctx, auth, f.network_id);
  if (!(await mayUseNetwork(ctx, network, projectId, admin))) throw denied('create_port');
  const networkOwner = admin || network.project_id === auth.projectId;
  // Neutron's create_port:mac_address and create_port:fixed_ips:ip_address: admin or network owner.
  if (f.mac_address !== undefined && !networkOwner) throw denied('create_port:mac_address');
  if (f.fixed_ips?.some((x) => x.ip_address !== undefined) && !networkOwner) throw denied('create_port:fixed_ips:ip_address');
  if (f.device_owner && isNetworkOwned(f.device_owner)) enforce(deps, auth, 'create_port:device_owner:network', target(auth, projectId));
  if (f['binding:host_id'] !== undefined) enforce(deps, auth, 'create_port:binding:host_id', target(auth, projectId));
  if (f['binding:profile'] !== undefined) enforce(deps, auth, 'create_port:binding:profile', target(auth, projectId));
  if (f.security_groups) await checkUsableGroups(ctx, auth, projectId, f.security_groups);
  return {
    networkId: network.id, projectId, name: f.name, description: f.description, deviceOwner: f.device_owner, deviceId: f.device_id,
    fixedIps: f.fixed_ips, macAddress: f.mac_address, securityGroups: f.security_groups, portSecurityEnabled: f.port_security_enabled,
    adminStateUp: f.admin_state_up, bindingHostId: f['binding:host_id'] || undefined, allowedAddressPairs: f.allowed_address_pairs,
    bindingVnicType: f['binding:vnic_type'], bindingProfile: f['binding:profile'], extraDhcpOpts: f.extra_dhcp_opts,
    dnsName: f.dns_name, tags: f.tags,
  };
}

const needsDefaultGroup = (s: PortSpec) => s.securityGroups === undefined && s.portSecurityEnabled !== false
  && !isNetworkOwned(s.deviceOwner ?? '') && !(s.fixedIps && s.fixedIps.length === 0);

/** Creates ports (one request or a bulk one) in one transaction: all or none. */
export async function createPorts(ctx: NetworkContext, auth: AuthContext, fields: PortFields[]): Promise<PortView[]> {
  const specs: PortSpec[] = [];
  for (const f of fields) specs.push(await prepareCreate(ctx, auth, f));
  // The default groups are made outside the port transaction (SQLite has one connection).
  for (const project of new Set(specs.filter(needsDefaultGroup).map((s) => s.projectId))) await ensureDefaultSecurityGroup(ctx.deps, project);
  const ids = await ctx.deps.db.transaction().execute(async (trx) => {
    const out: string[] = [];
    for (const spec of specs) out.push(await createPortRecord(ctx, spec, trx));
    return out;
  });
  ctx.sync.changed();
  const rows = await ctx.deps.db.selectFrom('net_port').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return portViews(ctx.deps.db, ids.map((id) => byId.get(id)!), isAdmin(ctx.deps, auth));
}

const L3_OWNERS = new Set(['network:router_interface', 'network:router_interface_distributed', 'network:ha_router_replicated_interface',
  'network:router_gateway', 'network:floatingip']);

/** Neutron's prevent_l3_port_deletion: a port a router or floating IP still uses goes only through their API. */
async function refuseL3Port(db: NetworkDb, row: PortRow): Promise<void> {
  if (!L3_OWNERS.has(row.device_owner)) return;
  const inUse = row.device_owner === 'network:floatingip'
    ? await db.selectFrom('net_floating_ip').select('id').where('floating_port_id', '=', row.id).executeTakeFirst()
    : row.device_id !== '' && await db.selectFrom('net_router').select('id').where('id', '=', row.device_id).executeTakeFirst();
  if (inUse) throw conflict('ServicePortInUse', `Port ${row.id} cannot be deleted directly via the port API: has device owner ${row.device_owner}.`);
}

export async function deletePort(ctx: NetworkContext, auth: AuthContext, id: string): Promise<void> {
  const row = await loadVisiblePort(ctx, auth, id);
  await enforceOnPort(ctx, auth, 'delete_port', row, true);
  await refuseL3Port(ctx.deps.db, row);
  await deletePortRecord(ctx, id);
  ctx.sync.changed();
}
