// Pure functions from database rows to one host's HostNetworkState: the loader (host-state-planner.ts)
// reads the rows, these decide what the host must run. Kept free of I/O so they are table-tested.
import {
  dhcpNamespace, tapName,
  type DhcpServer, type DhcpSubnet, type HostNetworkState, type L2Network, type RouterState, type SecurityGroupState, type VmPort,
} from '../../agent/network/host-state.js';
import { parseCidr } from '../ipam/ip.js';
import type { IpAllocationRow, NetworkRow, PortRow, SegmentRow, SubnetRow } from '../network.tables.js';

export const DHCP_OWNER = 'network:dhcp';
export const ROUTER_INTERFACE_OWNER = 'network:router_interface';
export const ROUTER_GATEWAY_OWNER = 'network:router_gateway';
export const isComputePort = (p: Pick<PortRow, 'device_owner'>): boolean => p.device_owner.startsWith('compute:');
export const isRouterLeg = (p: Pick<PortRow, 'device_owner'>): boolean =>
  p.device_owner === ROUTER_INTERFACE_OWNER || p.device_owner === ROUTER_GATEWAY_OWNER;

/** Everything the planner read for one host. `ports` are all ports of `networks`, on any host. */
export interface PlanRows {
  host: string;
  gatewayHost: string;
  /** host → VTEP of every registered agent (null: the agent has no VXLAN underlay). */
  vteps: Map<string, string | null>;
  networks: NetworkRow[];
  segments: SegmentRow[];
  subnets: SubnetRow[];
  ports: PortRow[];
  allocations: IpAllocationRow[];
  /** port id → its security group ids. */
  portGroups: Map<string, string[]>;
  /** instance uuid → its hostname (compute_instance.hostname). */
  instanceHostnames: Map<string, string>;
  securityGroups: SecurityGroupState[];
  /** Routers this host runs (the gateway host: all of them; others: none). */
  routers: RouterState[];
  /** DNS servers for subnets that name none. */
  defaultDns: string[];
}

const groupBy = <T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> => {
  const m = new Map<K, T[]>();
  for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
  return m;
};

const parseJson = <T>(text: string | null | undefined, fallback: T): T => {
  if (!text) return fallback;
  try { return JSON.parse(text) as T; } catch { return fallback; }
};

/** Networks the gateway host carries: those with a DHCP-enabled subnet or a router leg. */
export function gatewayNetworkIds(subnets: readonly SubnetRow[], ports: readonly PortRow[], routers: readonly RouterState[] = []): Set<string> {
  const ids = new Set<string>();
  for (const s of subnets) if (s.enable_dhcp) ids.add(s.network_id);
  for (const p of ports) if (isRouterLeg(p)) ids.add(p.network_id);
  for (const r of routers) {
    if (r.gateway) ids.add(r.gateway.networkId);
    for (const leg of r.interfaces) ids.add(leg.networkId);
  }
  return ids;
}

/** The VM ports bound to `host` (device_owner compute:*). */
export const vmPortRows = (ports: readonly PortRow[], host: string): PortRow[] =>
  ports.filter((p) => p.binding_host_id === host && isComputePort(p));

/** The hosts a network is on: hosts of its VM ports, plus the gateway host when it carries it. */
export function hostsOfNetwork(networkId: string, ports: readonly PortRow[], gatewayHost: string, gatewayNets: ReadonlySet<string>): Set<string> {
  const hosts = new Set<string>();
  for (const p of ports) if (p.network_id === networkId && isComputePort(p) && p.binding_host_id) hosts.add(p.binding_host_id);
  if (gatewayNets.has(networkId)) hosts.add(gatewayHost);
  return hosts;
}

/** Which host runs a port: its binding, or the gateway host for DHCP ports and router legs. */
export function hostOfPort(p: PortRow, gatewayHost: string): string | null {
  if (isComputePort(p)) return p.binding_host_id || null;
  if (p.device_owner === DHCP_OWNER || isRouterLeg(p)) return p.binding_host_id || gatewayHost;
  return null;
}

export function toL2Network(net: NetworkRow, seg: SegmentRow | undefined, rows: Pick<PlanRows, 'host' | 'gatewayHost' | 'vteps' | 'ports'>,
  gatewayNets: ReadonlySet<string>): L2Network {
  const type = seg?.network_type ?? 'local';
  const l2: L2Network = {
    id: net.id, type, vni: type === 'vxlan' ? seg?.segmentation_id ?? null : null,
    physicalNetwork: type === 'flat' ? seg?.physical_network ?? null : null,
    mtu: net.mtu, remoteVteps: [], remoteMacs: [],
  };
  if (type !== 'vxlan') return l2;
  const vtepOf = (h: string): string | null => (h === rows.host ? null : rows.vteps.get(h) ?? null);
  const local = rows.vteps.get(rows.host) ?? null;
  const remote = new Set<string>();
  for (const h of hostsOfNetwork(net.id, rows.ports, rows.gatewayHost, gatewayNets)) {
    const v = vtepOf(h);
    if (v && v !== local) remote.add(v);
  }
  l2.remoteVteps = [...remote].sort();
  for (const p of rows.ports) {
    if (p.network_id !== net.id) continue;
    const h = hostOfPort(p, rows.gatewayHost);
    const v = h ? vtepOf(h) : null;
    if (v && v !== local) l2.remoteMacs.push({ mac: p.mac_address, vtep: v });
  }
  l2.remoteMacs.sort((a, b) => a.mac.localeCompare(b.mac));
  return l2;
}

export function toVmPort(p: PortRow, net: NetworkRow | undefined, ips: readonly string[], groups: readonly string[]): VmPort {
  const pairs = parseJson<Array<{ ip_address: string; mac_address?: string }>>(p.allowed_address_pairs, []);
  return {
    id: p.id, tap: tapName(p.id), networkId: p.network_id, mac: p.mac_address, fixedIps: [...ips],
    adminStateUp: Boolean(p.admin_state_up) && (net ? Boolean(net.admin_state_up) : true),
    portSecurity: Boolean(p.port_security_enabled),
    allowedAddressPairs: pairs.map((a) => ({ ipAddress: a.ip_address, mac: a.mac_address ?? p.mac_address })),
    securityGroupIds: [...groups].sort(), mtu: net?.mtu ?? 1500,
  };
}

/** `10.0.0.2` in `10.0.0.0/24` → `10.0.0.2/24`. */
export const withPrefix = (ip: string, cidr: string): string => `${ip}/${parseCidr(cidr)?.prefix ?? cidr.split('/')[1]}`;

/** The DHCP hostname of an address: the instance's hostname for compute ports, else `host-10-0-0-5`. */
export function dhcpHostname(p: PortRow, ip: string, instanceHostnames: ReadonlyMap<string, string>): string {
  const name = isComputePort(p) ? instanceHostnames.get(p.device_id) : undefined;
  return name || `host-${ip.replace(/[.:]/g, '-')}`;
}

export function toDhcpSubnet(s: SubnetRow, defaultDns: readonly string[]): DhcpSubnet {
  const dns = parseJson<string[]>(s.dns_nameservers, []);
  return {
    id: s.id, ipVersion: s.ip_version, cidr: s.cidr, gatewayIp: s.gateway_ip,
    dnsNameservers: dns.length ? dns : [...defaultDns],
    hostRoutes: parseJson<Array<{ destination: string; nexthop: string }>>(s.host_routes, []),
    ipv6AddressMode: s.ipv6_address_mode,
  };
}

/** The DHCP server of a network, or null when it has no DHCP-enabled subnet or no DHCP port yet. */
export function toDhcpServer(net: NetworkRow, rows: Pick<PlanRows, 'subnets' | 'ports' | 'allocations' | 'instanceHostnames' | 'defaultDns'>): DhcpServer | null {
  const dhcpSubnets = rows.subnets.filter((s) => s.network_id === net.id && s.enable_dhcp);
  if (!dhcpSubnets.length) return null;
  const netPorts = rows.ports.filter((p) => p.network_id === net.id);
  const port = netPorts.filter((p) => p.device_owner === DHCP_OWNER).sort((a, b) => a.id.localeCompare(b.id))[0];
  if (!port) return null;
  const subnetById = new Map(dhcpSubnets.map((s) => [s.id, s]));
  const allocsByPort = groupBy(rows.allocations.filter((a) => subnetById.has(a.subnet_id)), (a) => a.port_id);
  const addresses = (allocsByPort.get(port.id) ?? []).map((a) => withPrefix(a.ip_address, subnetById.get(a.subnet_id)!.cidr));
  const hosts: DhcpServer['hosts'] = [];
  for (const p of netPorts) {
    if (p.device_owner === DHCP_OWNER || p.device_owner === 'network:floatingip') continue;
    for (const a of allocsByPort.get(p.id) ?? []) {
      hosts.push({ mac: p.mac_address, ip: a.ip_address, hostname: dhcpHostname(p, a.ip_address, rows.instanceHostnames) });
    }
  }
  hosts.sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
  return {
    networkId: net.id, namespace: dhcpNamespace(net.id), portId: port.id, mac: port.mac_address, addresses,
    mtu: net.mtu, subnets: dhcpSubnets.map((s) => toDhcpSubnet(s, rows.defaultDns)),
    hosts, metadata: !netPorts.some((p) => p.device_owner === ROUTER_INTERFACE_OWNER),
  };
}

/** The whole state of `rows.host`. */
export function mapHostState(rows: PlanRows): HostNetworkState {
  const isGateway = rows.host === rows.gatewayHost;
  const gatewayNets = gatewayNetworkIds(rows.subnets, rows.ports, rows.routers);
  const netById = new Map(rows.networks.map((n) => [n.id, n]));
  const segByNet = new Map(rows.segments.map((s) => [s.network_id, s]));
  const ipsByPort = groupBy(rows.allocations, (a) => a.port_id);

  const vmRows = vmPortRows(rows.ports, rows.host).filter((p) => netById.has(p.network_id));
  const ports = vmRows.map((p) => toVmPort(p, netById.get(p.network_id),
    (ipsByPort.get(p.id) ?? []).map((a) => a.ip_address), rows.portGroups.get(p.id) ?? []));
  const here = new Set(vmRows.map((p) => p.network_id));
  if (isGateway) for (const id of gatewayNets) if (netById.has(id)) here.add(id);

  const networks = [...here].sort().map((id) => toL2Network(netById.get(id)!, segByNet.get(id), rows, gatewayNets));
  const dhcp = isGateway
    ? [...here].sort().map((id) => toDhcpServer(netById.get(id)!, rows)).filter((d): d is DhcpServer => d !== null)
    : [];
  const wantedGroups = new Set(ports.flatMap((p) => p.securityGroupIds));
  // Groups named as remote groups travel too: the dataplane builds their member sets from them.
  for (const g of rows.securityGroups) if (wantedGroups.has(g.id)) for (const r of g.rules) if (r.remoteGroupId) wantedGroups.add(r.remoteGroupId);
  return {
    host: rows.host, networks, ports: ports.sort((a, b) => a.id.localeCompare(b.id)),
    // Sorted throughout so an unchanged database gives a byte-identical state (unchanged states are not re-sent).
    securityGroups: rows.securityGroups.filter((g) => wantedGroups.has(g.id)).sort((a, b) => a.id.localeCompare(b.id))
      .map((g) => ({ ...g, members: [...g.members].sort(), rules: [...g.rules].sort((a, b) => a.id.localeCompare(b.id)) })),
    dhcp, routers: isGateway ? [...rows.routers].sort((a, b) => a.id.localeCompare(b.id)) : [],
  };
}

/** True when a state asks for nothing (a host that never had anything need not be pushed). */
export const isEmptyState = (s: HostNetworkState): boolean =>
  !s.networks.length && !s.ports.length && !s.dhcp.length && !s.routers.length;
