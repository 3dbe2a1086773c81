// add_router_interface / remove_router_interface: a router leg into a tenant subnet, either a new
// port taking the subnet's gateway_ip or an existing unused port of the caller.
import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { enforce, isAdmin, json, notFound, now, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import { cidrContains, overlaps, parseCidr } from '../ipam/ip.js';
import type { NetworkTables, PortRow, RouterRow, SubnetRow } from '../network.tables.js';
import { loadVisibleNetwork, mayUseNetwork } from '../networks/network-access.js';
import { createPortRecord, deletePortRecord } from '../ports/port-records.js';
import { routesThrough } from './extra-routes.js';
import { badResourceRequest, isObject, shown } from './request-body.js';
import type { Route } from './router-body.js';
import { l3Errors, ROUTER_INTERFACE } from './router-errors.js';
import { allocationsOf, loadPortRow, lockRouterRow, routerPorts, subnetsById, touchRouter } from './router-reads.js';
import { loadVisibleRouter } from './routers.service.js';

type Trx = Transaction<NetworkTables>;

/** What both calls answer (Neutron's router interface info). */
export interface InterfaceInfo {
  id: string; tenant_id: string; project_id: string; port_id: string; network_id: string; subnet_id: string; subnet_ids: string[];
}

function parseInterfaceBody(body: unknown, forRemoval: boolean): { subnetId?: string; portId?: string } {
  const b = isObject(body) ? body : {};
  const has = (k: string) => b[k] !== undefined;
  if (!has('port_id') && !has('subnet_id')) throw badResourceRequest('router', 'Either subnet_id or port_id must be specified');
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  for (const k of ['port_id', 'subnet_id']) {
    if (has(k) && (typeof b[k] !== 'string' || !UUID.test(b[k] as string))) throw badResourceRequest('router', `'${shown(b[k])}' is not a valid UUID`);
  }
  if (!forRemoval && has('port_id') && has('subnet_id')) throw badResourceRequest('router', 'Cannot specify both subnet-id and port-id');
  return { subnetId: (b.subnet_id as string | undefined)?.toLowerCase(), portId: (b.port_id as string | undefined)?.toLowerCase() };
}

const info = (router: RouterRow, port: PortRow, subnetIds: string[]): InterfaceInfo => ({
  id: router.id, tenant_id: port.project_id, project_id: port.project_id, port_id: port.id, network_id: port.network_id,
  subnet_id: subnetIds[subnetIds.length - 1] ?? '', subnet_ids: subnetIds,
});

/** A subnet the caller may see and the router's project may put a port on; else 404 SubnetNotFound. */
async function loadUsableSubnet(ctx: NetworkContext, auth: AuthContext, router: RouterRow, subnetId: string): Promise<SubnetRow> {
  const subnet = await ctx.deps.db.selectFrom('net_subnet').selectAll().where('id', '=', subnetId).executeTakeFirst();
  if (!subnet) throw notFound.subnet(subnetId);
  try {
    const network = await loadVisibleNetwork(ctx, auth, subnet.network_id);
    if (!(await mayUseNetwork(ctx, network, router.project_id, isAdmin(ctx.deps, auth)))) throw notFound.subnet(subnetId);
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw notFound.subnet(subnetId);
    throw err;
  }
  return subnet;
}

/** Neutron's _check_for_dup_router_subnets for an interface: no second leg on a subnet, no overlapping cidrs. */
async function checkNoDuplicateSubnets(trx: Trx, router: RouterRow, added: readonly SubnetRow[]): Promise<void> {
  const legs = await routerPorts(trx, [router.id]);
  const addedIds = new Set(added.map((s) => s.id));
  for (const leg of legs) {
    const dup = leg.ips.find((a) => addedIds.has(a.subnet_id));
    if (dup) throw badResourceRequest('router', `Router already has a port on subnet ${dup.subnet_id}`);
  }
  const attached = await subnetsById(trx, legs.filter((l) => l.port.device_owner === ROUTER_INTERFACE).flatMap((l) => l.ips.map((a) => a.subnet_id)));
  for (const sub of attached.values()) {
    for (const s of added) {
      const a = parseCidr(sub.cidr), b = parseCidr(s.cidr);
      if (a && b && overlaps(a, b)) {
        throw badResourceRequest('router', `Cidr ${s.cidr} of subnet ${s.id} overlaps with cidr ${sub.cidr} of subnet ${sub.id}`);
      }
    }
  }
}

export async function addRouterInterface(ctx: NetworkContext, auth: AuthContext, routerId: string, body: unknown): Promise<InterfaceInfo> {
  const { deps } = ctx;
  const router = await loadVisibleRouter(ctx, auth, routerId);
  const asked = parseInterfaceBody(body, false);
  enforce(deps, auth, 'add_router_interface', target(auth, router.project_id));
  const subnet = asked.subnetId ? await loadUsableSubnet(ctx, auth, router, asked.subnetId) : undefined;
  if (asked.portId) {
    const port = await loadPortRow(deps.db, asked.portId);
    if (!port || (port.project_id !== auth.projectId && !isAdmin(deps, auth))) throw notFound.port(asked.portId);
  }
  const result = await deps.db.transaction().execute(async (trx) => {
    const row = await lockRouterRow(trx, routerId);
    if (!row) throw notFound.router(routerId);
    const out = subnet ? await addBySubnet(ctx, trx, row, subnet) : await addByPort(trx, row, asked.portId!);
    await touchRouter(trx, row, now());
    return out;
  });
  ctx.sync.changed();
  return result;
}

async function addBySubnet(ctx: NetworkContext, trx: Trx, router: RouterRow, subnet: SubnetRow): Promise<InterfaceInfo> {
  if (!subnet.gateway_ip) throw badResourceRequest('router', 'Subnet for router interface must have a gateway IP');
  if (subnet.ip_version === 6 && subnet.ipv6_ra_mode === null && subnet.ipv6_address_mode !== null) {
    throw badResourceRequest('router', `IPv6 subnet ${subnet.id} configured to receive RAs from an external router cannot be added to Neutron Router.`);
  }
  await checkNoDuplicateSubnets(trx, router, [subnet]);
  const portId = await createPortRecord(ctx, {
    networkId: subnet.network_id, projectId: router.project_id, name: '', deviceOwner: ROUTER_INTERFACE, deviceId: router.id,
    fixedIps: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }], securityGroups: [], adminStateUp: true,
  }, trx);
  const port = (await loadPortRow(trx, portId))!;
  return info(router, port, [subnet.id]);
}

async function addByPort(trx: Trx, router: RouterRow, portId: string): Promise<InterfaceInfo> {
  const port = await loadPortRow(trx, portId);
  if (!port) throw notFound.port(portId);
  if (port.device_id !== '') throw l3Errors.portInUse(port.network_id, port.id, port.device_id);
  const ips = (await allocationsOf(trx, [port.id])).get(port.id) ?? [];
  if (ips.length === 0) throw badResourceRequest('router', 'Router port must have at least one fixed IP');
  const subnets = [...(await subnetsById(trx, ips.map((a) => a.subnet_id))).values()];
  await checkNoDuplicateSubnets(trx, router, subnets);
  if (subnets.filter((s) => s.ip_version === 4).length > 1) throw badResourceRequest('router', 'Cannot have multiple IPv4 subnets on router port');
  await trx.updateTable('net_port').set({ device_id: router.id, device_owner: ROUTER_INTERFACE, updated_at: now(), revision_number: port.revision_number + 1 })
    .where('id', '=', port.id).where('device_id', '=', '').execute();
  return info(router, port, subnets.map((s) => s.id));
}

/** Refuses to remove a leg that floating IPs (NATed by this router to that subnet) or static routes need. */
async function confirmNotInUse(trx: Trx, router: RouterRow, subnet: SubnetRow): Promise<void> {
  const fips = await trx.selectFrom('net_floating_ip').select('fixed_ip_address').where('router_id', '=', router.id).execute();
  if (fips.some((f) => f.fixed_ip_address && cidrContains(subnet.cidr, f.fixed_ip_address))) {
    throw l3Errors.interfaceInUseByFloatingIp(router.id, subnet.id);
  }
  if (routesThrough(json<Route[]>(router.routes, []), subnet.cidr).length) throw l3Errors.interfaceInUseByRoute(router.id, subnet.id);
}

export async function removeRouterInterface(ctx: NetworkContext, auth: AuthContext, routerId: string, body: unknown): Promise<InterfaceInfo> {
  const { deps } = ctx;
  const router = await loadVisibleRouter(ctx, auth, routerId);
  const asked = parseInterfaceBody(body, true);
  enforce(deps, auth, 'remove_router_interface', target(auth, router.project_id));
  const result = await deps.db.transaction().execute(async (trx) => {
    const row = await lockRouterRow(trx, routerId);
    if (!row) throw notFound.router(routerId);
    const out = asked.portId ? await removeByPort(ctx, trx, row, asked.portId, asked.subnetId)
      : await removeBySubnet(ctx, trx, row, asked.subnetId!);
    await touchRouter(trx, row, now());
    return out;
  });
  ctx.sync.changed();
  return result;
}

async function removeByPort(ctx: NetworkContext, trx: Trx, router: RouterRow, portId: string, subnetId?: string): Promise<InterfaceInfo> {
  const port = await loadPortRow(trx, portId);
  if (!port || port.device_id !== router.id || port.device_owner !== ROUTER_INTERFACE) throw l3Errors.interfaceNotFound(router.id, portId);
  const ips = (await allocationsOf(trx, [port.id])).get(port.id) ?? [];
  if (subnetId && !ips.some((a) => a.subnet_id === subnetId)) throw l3Errors.subnetMismatchForPort(port.id, subnetId);
  const subnets = await subnetsById(trx, ips.map((a) => a.subnet_id));
  for (const s of subnets.values()) await confirmNotInUse(trx, router, s);
  await deletePortRecord(ctx, port.id, trx);
  return info(router, port, [...subnets.keys()]);
}

async function removeBySubnet(ctx: NetworkContext, trx: Trx, router: RouterRow, subnetId: string): Promise<InterfaceInfo> {
  const subnet = await trx.selectFrom('net_subnet').selectAll().where('id', '=', subnetId).executeTakeFirst();
  if (!subnet) throw notFound.subnet(subnetId);
  await confirmNotInUse(trx, router, subnet);
  const legs = await routerPorts(trx, [router.id], [ROUTER_INTERFACE]);
  const leg = legs.find((l) => l.ips.some((a) => a.subnet_id === subnetId));
  if (!leg) throw l3Errors.interfaceNotFoundForSubnet(router.id, subnetId);
  if (leg.ips.length > 1) {
    // A multi-prefix (IPv6) leg keeps its port and loses this subnet's address only.
    await trx.deleteFrom('net_ip_allocation').where('port_id', '=', leg.port.id).where('subnet_id', '=', subnetId).execute();
  } else {
    await deletePortRecord(ctx, leg.port.id, trx);
  }
  return info(router, leg.port, [subnetId]);
}
