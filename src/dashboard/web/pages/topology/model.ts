// The project's network topology as plain data: what is connected to what, built from the
// Neutron lists and the compute servers, sorted by name so the drawing is the same on every poll.
import type { Clients } from '../../api/clients';

interface NetworkRow { id: string; name: string; status: string; project_id?: string; shared?: boolean; 'router:external'?: boolean; subnets?: string[] }
interface SubnetRow { id: string; network_id: string; cidr: string }
interface RouterRow { id: string; name: string; status: string; project_id?: string; external_gateway_info?: { network_id: string; external_fixed_ips?: { ip_address: string }[] } | null }
interface PortRow { id: string; network_id: string; device_owner: string; device_id: string; project_id?: string; fixed_ips: { subnet_id: string; ip_address: string }[] }
interface FloatingIpRow { id: string; floating_ip_address: string; port_id: string | null; fixed_ip_address: string | null }
interface ServerRow { id: string; name: string; status: string }

export interface TopoNetwork { id: string; name: string; cidrs: string[]; status: string; external: boolean }
export interface TopoRouter { id: string; name: string; status: string; gatewayNetworkId?: string; gatewayIps: string[]; interfaces: { networkId: string; ips: string[] }[] }
export interface TopoInstance { id: string; name: string; status: string; links: { networkId: string; ips: string[] }[]; floatingIps: string[] }
export interface Topology {
  externals: TopoNetwork[];
  routers: TopoRouter[];
  networks: TopoNetwork[];
  instances: TopoInstance[];
  /** Compute failing leaves the networks drawn; the error is shown beside the graph. */
  serverError?: Error;
}

const byName = <T extends { name: string; id: string }>(a: T, b: T) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

export async function loadTopology(api: Clients, projectId: string, signal: AbortSignal): Promise<Topology> {
  // Scope to the project: an admin's token would otherwise list every project's ports and routers.
  const mine = { project_id: projectId };
  const [nets, subnets, routers, ports, fips, servers] = await Promise.all([
    api.network.get<{ networks: NetworkRow[] }>('/networks', undefined, { signal }),
    api.network.get<{ subnets: SubnetRow[] }>('/subnets', undefined, { signal }),
    api.network.get<{ routers: RouterRow[] }>('/routers', mine, { signal }),
    api.network.get<{ ports: PortRow[] }>('/ports', mine, { signal }),
    api.network.get<{ floatingips: FloatingIpRow[] }>('/floatingips', mine, { signal }),
    api.compute.get<{ servers: ServerRow[] }>('/servers/detail', undefined, { signal }).then((r) => r.servers, (e: Error) => e),
  ]);
  return buildTopology(projectId, nets.networks, subnets.subnets, routers.routers, ports.ports, fips.floatingips, servers);
}

export function buildTopology(projectId: string, nets: NetworkRow[], subnets: SubnetRow[], routers: RouterRow[],
  ports: PortRow[], fips: FloatingIpRow[], servers: ServerRow[] | Error): Topology {
  const cidrs = new Map<string, string[]>();
  for (const s of subnets) cidrs.set(s.network_id, [...(cidrs.get(s.network_id) ?? []), s.cidr]);
  const serverList = servers instanceof Error ? [] : servers;
  const serverIds = new Set(serverList.map((s) => s.id));
  const routerIds = new Set(routers.map((r) => r.id));

  const ipsOf = (p: PortRow) => p.fixed_ips.map((f) => f.ip_address);
  const routerPorts = ports.filter((p) => p.device_owner.startsWith('network:router_interface') && routerIds.has(p.device_id));
  const computePorts = ports.filter((p) => p.device_owner.startsWith('compute:') && serverIds.has(p.device_id));
  // Networks in use by the project's own ports or gateways are shown even when owned by someone else (shared).
  const used = new Set([...routerPorts, ...computePorts].map((p) => p.network_id));
  for (const r of routers) if (r.external_gateway_info?.network_id) used.add(r.external_gateway_info.network_id);

  const toNet = (n: NetworkRow): TopoNetwork => ({ id: n.id, name: n.name || n.id, cidrs: cidrs.get(n.id) ?? [], status: n.status, external: !!n['router:external'] });
  const externals = nets.filter((n) => n['router:external']).map(toNet).sort(byName);
  const networks = nets.filter((n) => !n['router:external'] && (n.project_id === projectId || used.has(n.id))).map(toNet).sort(byName);

  const group = (list: PortRow[]) => {
    const m = new Map<string, string[]>();
    for (const p of list) m.set(p.network_id, [...(m.get(p.network_id) ?? []), ...ipsOf(p)]);
    return [...m].map(([networkId, ips]) => ({ networkId, ips }));
  };

  const topoRouters = routers.map((r): TopoRouter => ({
    id: r.id, name: r.name || r.id, status: r.status,
    gatewayNetworkId: r.external_gateway_info?.network_id ?? undefined,
    gatewayIps: r.external_gateway_info?.external_fixed_ips?.map((f) => f.ip_address) ?? [],
    interfaces: group(routerPorts.filter((p) => p.device_id === r.id)),
  })).sort(byName);

  const portToServer = new Map(computePorts.map((p) => [p.id, p.device_id]));
  const floating = new Map<string, string[]>();
  for (const f of fips) {
    const sid = f.port_id ? portToServer.get(f.port_id) : undefined;
    if (sid) floating.set(sid, [...(floating.get(sid) ?? []), f.floating_ip_address]);
  }
  const instances = serverList.map((s): TopoInstance => ({
    id: s.id, name: s.name || s.id, status: s.status,
    links: group(computePorts.filter((p) => p.device_id === s.id)),
    floatingIps: floating.get(s.id) ?? [],
  })).sort(byName);

  return { externals, routers: topoRouters, networks, instances, serverError: servers instanceof Error ? servers : undefined };
}
