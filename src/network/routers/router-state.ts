// What a host must run for each router (the RouterState of host-state.ts), read from the database for
// the dataplane planner: the gateway leg with its upstream gateway and SNAT flag, the interface legs,
// static routes and the floating IPs this router NATs.
import { routerNamespace, type RouterLeg, type RouterState } from '../../agent/network/host-state.js';
import { json } from '../common.js';
import type { NetworkContext } from '../context.js';
import { parseCidr } from '../ipam/ip.js';
import type { IpAllocationRow, NetworkRow, PortRow, SubnetRow } from '../network.tables.js';
import { ROUTER_INTERFACE } from './router-errors.js';
import { inChunks, networksById, routerPorts, subnetsById, type Db } from './router-reads.js';

/** Routers `routerIds` (all routers when undefined) as their hosts must run them. */
export async function routerStates(ctx: NetworkContext, routerIds?: string[]): Promise<RouterState[]> {
  return routerStatesFrom(ctx.deps.db, routerIds);
}

export async function routerStatesFrom(db: Db, routerIds?: string[]): Promise<RouterState[]> {
  if (routerIds && routerIds.length === 0) return [];
  const all = () => db.selectFrom('net_router').selectAll();
  const routers = routerIds ? await inChunks(routerIds, (c) => all().where('id', 'in', c).execute()) : await all().execute();
  routers.sort((a, b) => a.id.localeCompare(b.id));
  if (routers.length === 0) return [];
  const ids = routers.map((r) => r.id);
  const legs = await routerPorts(db, ids);
  const subnets = await subnetsById(db, legs.flatMap((l) => l.ips.map((a) => a.subnet_id)));
  const networks = await networksById(db, legs.map((l) => l.port.network_id));
  const fips = await inChunks(ids, (c) => db.selectFrom('net_floating_ip').select(['router_id', 'floating_ip_address', 'fixed_ip_address'])
    .where('router_id', 'in', c).where('port_id', 'is not', null).orderBy('floating_ip_address').execute());

  return routers.map((r) => {
    const mine = legs.filter((l) => l.port.device_id === r.id);
    const gwLeg = mine.find((l) => l.port.id === r.gw_port_id);
    const interfaces = mine.filter((l) => l.port.device_owner === ROUTER_INTERFACE)
      .sort((a, b) => a.port.id.localeCompare(b.port.id))
      .map((l) => toLeg(l.port, l.ips, subnets, networks));
    const gateway = gwLeg ? {
      ...toLeg(gwLeg.port, gwLeg.ips, subnets, networks),
      gatewayIp: upstreamGateway(gwLeg.ips, subnets),
      snat: r.enable_snat === 1,
    } : null;
    return {
      id: r.id, namespace: routerNamespace(r.id), adminStateUp: r.admin_state_up === 1, gateway, interfaces,
      routes: json<Array<{ destination: string; nexthop: string }>>(r.routes, []),
      floatingIps: fips.filter((f) => f.router_id === r.id && f.fixed_ip_address)
        .map((f) => ({ floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address! })),
      metadata: interfaces.length > 0,
    };
  });
}

function toLeg(port: PortRow, ips: IpAllocationRow[], subnets: Map<string, SubnetRow>, networks: Map<string, NetworkRow>): RouterLeg {
  return {
    portId: port.id, networkId: port.network_id, mac: port.mac_address,
    addresses: ips.flatMap((a) => {
      const cidr = subnets.get(a.subnet_id) && parseCidr(subnets.get(a.subnet_id)!.cidr);
      return cidr ? [`${a.ip_address}/${cidr.prefix}`] : [];
    }),
    mtu: networks.get(port.network_id)?.mtu ?? 1500,
  };
}

/** The external subnet's gateway_ip: of the gateway port's first IPv4 address, else its first address. */
function upstreamGateway(ips: IpAllocationRow[], subnets: Map<string, SubnetRow>): string | null {
  const ordered = [...ips].sort((a, b) => (subnets.get(a.subnet_id)?.ip_version ?? 6) - (subnets.get(b.subnet_id)?.ip_version ?? 6));
  for (const a of ordered) {
    const gw = subnets.get(a.subnet_id)?.gateway_ip;
    if (gw) return gw;
  }
  return null;
}
