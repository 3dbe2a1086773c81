// What a server create (or interface attach) asks of the network, checked as Nova checks it before
// writing anything: networks the project may use, ports free to take, fixed IPs inside and unused,
// security groups by name or id; `auto` resolved to the one usable network or get-me-a-network.
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, badRequest, conflict } from '../../platform/errors.js';
import type { CheckedNetworks, RequestedNic } from '../../compute/network-access.js';
import { isAdmin, isUuid } from '../common.js';
import type { NetworkContext } from '../context.js';
import { contains, normalizeIp, parseCidr, parseIp } from '../ipam/ip.js';
import type { NetworkRow, PortRow } from '../network.tables.js';
import { loadVisibleNetwork, mayUseNetwork } from '../networks/network-access.js';
import { ensureDefaultSecurityGroup } from '../security-groups/default-group.js';
import { ensureAutoAllocatedNetwork } from '../auto-allocated/auto-allocated-topology.js';

const networkNotFound = (id: string) => badRequest(`Network ${id} could not be found.`);
const portNotFound = (id: string) => badRequest(`Port id ${id} could not be found.`);

/** The networks a project may boot on without naming one: its own, then shared ones (never external-only). */
async function usableNetworks(ctx: NetworkContext, projectId: string): Promise<NetworkRow[]> {
  const db = ctx.deps.db;
  const own = await db.selectFrom('net_network').selectAll().where('project_id', '=', projectId).orderBy('created_at').execute();
  const shared = await db.selectFrom('net_network').selectAll().where('project_id', '!=', projectId)
    .where((eb) => eb.or([eb('shared', '=', 1), eb('id', 'in', eb.selectFrom('net_rbac_policy').select('object_id')
      .where('object_type', '=', 'network').where('action', '=', 'access_as_shared').where('target_tenant', 'in', [projectId, '*']))]))
    .orderBy('created_at').execute();
  return [...own.filter((n) => !n.router_external), ...shared];
}

async function checkNetwork(ctx: NetworkContext, auth: AuthContext, id: string): Promise<NetworkRow> {
  if (!isUuid(id)) throw networkNotFound(id);
  let net: NetworkRow;
  try { net = await loadVisibleNetwork(ctx, auth, id); } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw networkNotFound(id);
    throw err;
  }
  if (!(await mayUseNetwork(ctx, net, auth.projectId ?? '', isAdmin(ctx.deps, auth)))) {
    if (net.router_external) throw new ApiError(403, `It is not allowed to create an interface on external network ${id}`);
    throw networkNotFound(id);
  }
  const subnets = await ctx.deps.db.selectFrom('net_subnet').select('id').where('network_id', '=', id).execute();
  if (subnets.length === 0) throw badRequest(`Network ${id} requires a subnet in order to boot instances on.`);
  return net;
}

async function checkFixedIp(ctx: NetworkContext, networkId: string, ip: string): Promise<string> {
  const addr = normalizeIp(ip);
  if (addr === null) throw badRequest(`Invalid input for field/attribute fixed_ip. Value: ${ip}. '${ip}' is not a 'ipv4'`);
  const subnets = await ctx.deps.db.selectFrom('net_subnet').select('cidr').where('network_id', '=', networkId).execute();
  const v = parseIp(addr)!;
  if (!subnets.some((s) => { const c = parseCidr(s.cidr); return c !== null && c.version === v.version && contains(c, v.value); })) {
    throw badRequest(`Fixed IP address ${addr} is not valid for network ${networkId}.`);
  }
  const used = await ctx.deps.db.selectFrom('net_ip_allocation').innerJoin('net_port', 'net_port.id', 'net_ip_allocation.port_id')
    .select(['net_port.id', 'net_port.device_id']).where('net_ip_allocation.network_id', '=', networkId).where('net_ip_allocation.ip_address', '=', addr).executeTakeFirst();
  if (used) throw badRequest(`Fixed IP address ${addr} is already in use on instance ${used.device_id || used.id}.`);
  return addr;
}

async function checkPort(ctx: NetworkContext, auth: AuthContext, id: string): Promise<PortRow> {
  if (!isUuid(id)) throw portNotFound(id);
  const port = await ctx.deps.db.selectFrom('net_port').selectAll().where('id', '=', id).executeTakeFirst();
  if (!port || (port.project_id !== auth.projectId && !isAdmin(ctx.deps, auth))) throw portNotFound(id);
  if (port.device_id !== '') throw conflict(`Port ${id} is still in use.`);
  const ips = await ctx.deps.db.selectFrom('net_ip_allocation').select('ip_address').where('port_id', '=', id).execute();
  if (ips.length === 0) throw badRequest(`Port ${id} requires a FixedIP in order to be used.`);
  return port;
}

/** Names or ids of groups in the project (admins: any project's ids) → ids. */
async function checkSecurityGroups(ctx: NetworkContext, auth: AuthContext, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  const projectId = auth.projectId ?? '';
  for (const name of names) {
    // `default` alone is what the ports get anyway; beside other groups it must be resolved (made on first use).
    if (name === 'default' && names.length === 1) continue;
    if (name === 'default') { const id = await ensureDefaultSecurityGroup(ctx.deps, projectId); if (!ids.includes(id)) ids.push(id); continue; }
    let rows = await ctx.deps.db.selectFrom('net_security_group').select(['id', 'project_id']).where('project_id', '=', projectId).where('name', '=', name).execute();
    if (rows.length === 0 && isUuid(name)) {
      rows = await ctx.deps.db.selectFrom('net_security_group').select(['id', 'project_id']).where('id', '=', name.toLowerCase()).execute();
      if (!isAdmin(ctx.deps, auth)) rows = rows.filter((r) => r.project_id === projectId);
    }
    if (rows.length === 0) throw badRequest(`Security group ${name} not found for project ${projectId}.`);
    if (rows.length > 1) throw conflict(`Multiple security groups found matching '${name}'. Use an ID to be more specific.`);
    if (!ids.includes(rows[0]!.id)) ids.push(rows[0]!.id);
  }
  return ids;
}

export async function checkRequest(ctx: NetworkContext, auth: AuthContext, networks: 'none' | 'auto' | 'legacy' | Array<Record<string, string>>,
  securityGroups: string[], count: number): Promise<CheckedNetworks> {
  const projectId = auth.projectId ?? '';
  const securityGroupIds = await checkSecurityGroups(ctx, auth, securityGroups);
  let nics: RequestedNic[] = [];
  if (networks === 'auto' || networks === 'legacy') {
    const usable = await usableNetworks(ctx, projectId);
    if (usable.length > 1) throw conflict('Multiple possible networks found, use a Network ID to be more specific.');
    if (usable.length === 1) nics = [{ networkId: usable[0]!.id, portId: null, fixedIp: null }];
    else if (networks === 'auto') {
      try {
        nics = [{ networkId: await ensureAutoAllocatedNetwork(ctx, projectId), portId: null, fixedIp: null }];
      } catch (err) {
        if (err instanceof ApiError && err.status < 500) throw badRequest(`Unable to automatically allocate a network for project ${projectId}`);
        throw err;
      }
    }
  } else if (Array.isArray(networks)) {
    const seenPorts = new Set<string>();
    for (const n of networks) {
      if (n.port) {
        if (count > 1) throw badRequest('Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.');
        const port = await checkPort(ctx, auth, n.port);
        if (seenPorts.has(port.id)) throw conflict(`Port ${port.id} is still in use.`);
        seenPorts.add(port.id);
        nics.push({ networkId: port.network_id, portId: port.id, fixedIp: null });
        continue;
      }
      if (!n.uuid) throw badRequest('Bad networks format: network uuid is not in proper format (). Either a network uuid or a port is required.');
      const net = await checkNetwork(ctx, auth, n.uuid);
      let fixedIp: string | null = null;
      if (n.fixed_ip !== undefined) {
        if (count > 1) throw badRequest('max_count cannot be greater than 1 if an fixed_ip is specified.');
        fixedIp = await checkFixedIp(ctx, net.id, n.fixed_ip);
      }
      nics.push({ networkId: net.id, portId: null, fixedIp });
    }
  }
  return { nics, securityGroupIds };
}

/** A neutron error during a build reads as Nova's build failure reason. */
