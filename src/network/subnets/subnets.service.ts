// Subnets: create (checked against the network's other subnets), update (gateway, pools, DNS, routes,
// DHCP), delete (refused while a port other than DHCP holds an address on it), list, show.
// Visibility: a subnet is seen by its project, by admins, and by whoever sees its network (subnets of
// shared and external networks are visible to all who may use them, as in Neutron).
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { isForeignKeyViolation } from '../../platform/errors.js';
import { badRequest, conflict, enforce, invalidInput, isAdmin, notFound, now, owningProject, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import { formatIp, parseCidr, type Cidr } from '../ipam/ip.js';
import type { NetworkRow, SubnetRow } from '../network.tables.js';
import type { Body } from '../networks/attributes.js';
import { loadVisibleNetwork, rbacNetworkIds, visibleWith } from '../networks/network-access.js';
import { checkQuota } from '../quotas/quota-check.js';
import { deleteTags, tagsFor } from '../tags/tags.js';
import { checkGatewayOutsidePools, type Pool } from './allocation-pools.js';
import { checkGateway, checkGatewayFree, checkIpv6Modes, checkNoOverlap, resolvePools } from './subnet-checks.js';
import { readSubnet, type SubnetInput } from './subnet-input.js';
import { subnetView } from './subnet-view.js';

type View = Record<string, unknown>;

const required = (attr: string) => badRequest(`Failed to parse request. Required attribute '${attr}' not specified`);

async function views(ctx: NetworkContext, rows: SubnetRow[]): Promise<View[]> {
  const tags = await tagsFor(ctx.deps.db, 'subnets', rows.map((r) => r.id));
  return rows.map((r) => subnetView(r, tags.get(r.id) ?? []));
}

/** Policy on a subnet: its own project's rule, or the network owner's (Neutron's admin_or_network_owner). */
function enforceOn(ctx: NetworkContext, auth: AuthContext, rule: string, subnet: SubnetRow, network: NetworkRow): void {
  if (ctx.deps.policy.allows(auth, rule, target(auth, network.project_id))) return;
  enforce(ctx.deps, auth, rule, target(auth, subnet.project_id));
}

/** The subnet and its network if the caller may see them; else 404 SubnetNotFound. */
async function loadVisible(ctx: NetworkContext, auth: AuthContext, id: string): Promise<{ subnet: SubnetRow; network: NetworkRow }> {
  const subnet = await ctx.deps.db.selectFrom('net_subnet').selectAll().where('id', '=', id).executeTakeFirst();
  if (!subnet) throw notFound.subnet(id);
  try {
    const network = await loadVisibleNetwork(ctx, auth, subnet.network_id);
    return { subnet, network };
  } catch {
    throw notFound.subnet(id);
  }
}

async function createOne(ctx: NetworkContext, auth: AuthContext, body: Body, input: SubnetInput) {
  if (input.networkId === undefined) throw required('network_id');
  if (input.ipVersion === undefined) throw required('ip_version');
  if (input.cidr === undefined) throw badRequest('Bad subnets request: a subnetpool must be specified in the absence of a cidr.');
  const network = await loadVisibleNetwork(ctx, auth, input.networkId);
  const projectId = owningProject(ctx.deps, auth, body);
  // Neutron's create_subnet is admin_or_network_owner: a shared network's users may not add subnets.
  enforce(ctx.deps, auth, 'create_subnet', target(auth, network.project_id));
  const c = parseCidr(input.cidr)!;
  if (c.version !== input.ipVersion) throw invalidInput(`cidr '${input.cidr}' does not match the ip_version '${input.ipVersion}'`);
  const gateway = input.gatewayIp === undefined ? defaultGateway(c) : input.gatewayIp;
  if (gateway) checkGateway(c, gateway);
  checkIpv6Modes(c, input.raMode ?? null, input.addressMode ?? null);
  const pools = resolvePools(c, gateway, input.pools);
  return { network, projectId, cidr: c, gateway, pools, input };
}

/** The default gateway: the first address after the network address (none on /31, /32 and /128). */
function defaultGateway(c: Cidr): string | null {
  if ((c.version === 4 && c.prefix >= 31) || (c.version === 6 && c.prefix === 128)) return null;
  return formatIp(c.version, c.network + 1n);
}

export async function createSubnets(ctx: NetworkContext, auth: AuthContext, bodies: Body[]): Promise<View[]> {
  const { deps } = ctx;
  enforce(deps, auth, 'create_subnet', target(auth));
  const planned: Array<Awaited<ReturnType<typeof createOne>>> = [];
  for (const body of bodies) planned.push(await createOne(ctx, auth, body, readSubnet(body, 'POST')));
  const ids = await deps.db.transaction().execute(async (trx) => {
    const out: string[] = [];
    for (const p of planned) {
      await checkQuota(trx, deps.config.network, p.projectId, 'subnet');
      await checkNoOverlap(trx, p.network.id, p.cidr);
      const id = randomUUID();
      const at = now();
      await trx.insertInto('net_subnet').values({
        id, project_id: p.projectId, name: p.input.name ?? '', description: p.input.description ?? '', created_at: at, updated_at: at,
        revision_number: 0, network_id: p.network.id, ip_version: p.cidr.version, cidr: p.input.cidr!, gateway_ip: p.gateway,
        enable_dhcp: p.input.enableDhcp === false ? 0 : 1, allocation_pools: JSON.stringify(p.pools),
        dns_nameservers: JSON.stringify(p.input.dns ?? []), host_routes: JSON.stringify(p.input.routes ?? []),
        ipv6_ra_mode: p.input.raMode ?? null, ipv6_address_mode: p.input.addressMode ?? null, subnetpool_id: null,
      }).execute();
      if (p.input.tags?.length) await trx.insertInto('net_tag').values(p.input.tags.map((tag) => ({ resource_type: 'subnets', resource_id: id, tag }))).execute();
      out.push(id);
    }
    return out;
  });
  ctx.sync.changed();
  const rows = await deps.db.selectFrom('net_subnet').selectAll().where('id', 'in', ids).execute();
  const vs = await views(ctx, rows);
  return ids.map((id) => vs.find((v) => v.id === id)!);
}

export async function showSubnet(ctx: NetworkContext, auth: AuthContext, id: string): Promise<View> {
  const { subnet } = await loadVisible(ctx, auth, id);
  return (await views(ctx, [subnet]))[0]!;
}

export async function listSubnets(ctx: NetworkContext, auth: AuthContext): Promise<View[]> {
  const { db } = ctx.deps;
  let rows = await db.selectFrom('net_subnet').selectAll().orderBy('created_at').orderBy('id').execute();
  if (!isAdmin(ctx.deps, auth)) {
    const grants = await rbacNetworkIds(db, auth.projectId);
    const networks = new Map((await db.selectFrom('net_network').selectAll().execute()).map((n) => [n.id, n]));
    rows = rows.filter((s) => {
      const n = networks.get(s.network_id);
      return s.project_id === auth.projectId || (n !== undefined && visibleWith(n, auth.projectId, grants.get(n.id)));
    });
  }
  return views(ctx, rows);
}

export async function updateSubnet(ctx: NetworkContext, auth: AuthContext, id: string, body: Body): Promise<View> {
  const { deps } = ctx;
  const input = readSubnet(body, 'PUT');
  const { subnet, network } = await loadVisible(ctx, auth, id);
  enforceOn(ctx, auth, 'update_subnet', subnet, network);
  await deps.db.transaction().execute(async (trx) => {
    const cur = await trx.selectFrom('net_subnet').selectAll().where('id', '=', id).executeTakeFirst();
    if (!cur) throw notFound.subnet(id);
    const c = parseCidr(cur.cidr)!;
    const gateway = input.gatewayIp === undefined ? cur.gateway_ip : input.gatewayIp;
    let pools = JSON.parse(cur.allocation_pools) as Pool[];
    if (input.gatewayIp) {
      checkGateway(c, input.gatewayIp);
      if (input.gatewayIp !== cur.gateway_ip) await checkGatewayFree(trx, id, input.gatewayIp);
    }
    if (input.pools !== undefined) pools = resolvePools(c, gateway, input.pools);
    else checkGatewayOutsidePools(gateway, pools);
    await trx.updateTable('net_subnet').set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.gatewayIp !== undefined ? { gateway_ip: input.gatewayIp } : {}),
      ...(input.pools !== undefined ? { allocation_pools: JSON.stringify(pools) } : {}),
      ...(input.dns !== undefined ? { dns_nameservers: JSON.stringify(input.dns) } : {}),
      ...(input.routes !== undefined ? { host_routes: JSON.stringify(input.routes) } : {}),
      ...(input.enableDhcp !== undefined ? { enable_dhcp: input.enableDhcp ? 1 : 0 } : {}),
      updated_at: now(), revision_number: cur.revision_number + 1,
    }).where('id', '=', id).execute();
  });
  ctx.sync.changed();
  return showSubnet(ctx, auth, id);
}

const subnetInUse = (id: string) => conflict('SubnetInUse',
  `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`);

export async function deleteSubnet(ctx: NetworkContext, auth: AuthContext, id: string): Promise<void> {
  const { deps } = ctx;
  const { subnet, network } = await loadVisible(ctx, auth, id);
  enforceOn(ctx, auth, 'delete_subnet', subnet, network);
  try {
    await deps.db.transaction().execute(async (trx) => {
      const holders = await trx.selectFrom('net_ip_allocation').innerJoin('net_port', 'net_port.id', 'net_ip_allocation.port_id')
        .select(['net_port.id', 'net_port.device_owner']).where('net_ip_allocation.subnet_id', '=', id).execute();
      if (holders.some((h) => h.device_owner !== 'network:dhcp')) throw subnetInUse(id);
      // The DHCP port loses its address here; the dataplane drops the subnet from dnsmasq on sync.
      await trx.deleteFrom('net_ip_allocation').where('subnet_id', '=', id).execute();
      await deleteTags(trx, 'subnets', id);
      await trx.deleteFrom('net_subnet').where('id', '=', id).execute();
    });
  } catch (err) {
    if (isForeignKeyViolation(err)) throw subnetInUse(id);
    throw err;
  }
  ctx.sync.changed();
}
