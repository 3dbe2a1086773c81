// The contract between the network control plane and a host's dataplane agent: everything one host
// must have for Nubis networking, computed from the database by the control plane. The agent
// converges the host to it (creates what is missing, fixes what differs, removes `nb` objects that
// are not in it), so applying the same state twice, or after a restart, changes nothing.

/** Kernel interface names are at most 15 characters: a 4-character prefix plus 11 of the id. */
export const shortId = (uuid: string): string => uuid.slice(0, 11);
/** Linux bridge of a network (a flat network whose physical network maps to a bridge uses that bridge instead). */
export const bridgeName = (networkId: string): string => `nbr-${shortId(networkId)}`;
/** Tap of a VM port (created by the agent as a persistent tap; QEMU opens it with script=no). */
export const tapName = (portId: string): string => `nbt-${shortId(portId)}`;
/** VXLAN device of a VNI. */
export const vxlanName = (vni: number): string => `nbx-${vni}`;
/** Root-namespace end of a veth whose other end is in a DHCP or router namespace. */
export const vethHostName = (portId: string): string => `nbv-${shortId(portId)}`;
/** Namespace end of a DHCP port's veth / a router interface's / a router gateway's. */
export const dhcpDeviceName = (portId: string): string => `nbd-${shortId(portId)}`;
export const routerInterfaceName = (portId: string): string => `nbi-${shortId(portId)}`;
export const routerGatewayName = (portId: string): string => `nbg-${shortId(portId)}`;
/** Namespaces: DHCP (and metadata when no router) per network; one per router. */
export const dhcpNamespace = (networkId: string): string => `nbns-d${shortId(networkId)}`;
export const routerNamespace = (routerId: string): string => `nbns-r${shortId(routerId)}`;
/** The nftables table the agent owns in the root namespace (bridge family, plus inet for conntrack zones and
 *  marks when the kernel lacks nf_conntrack_bridge) and in its namespaces (ip/ip6/inet). */
export const NFT_TABLE = 'nubis';
export const METADATA_IP = '169.254.169.254';

// Bridges are not named in the state: the agent maps a network to its bridge (bridgeName, or the
// bridge its physical network is mapped to on this host).

export interface HostNetworkState {
  /** The host this state is for (the agent refuses a state for another host). */
  host: string;
  /** Every network with something on this host: a VM port, a DHCP server or a router leg. */
  networks: L2Network[];
  /** VM ports bound to this host (a tap each). */
  ports: VmPort[];
  /** Security groups used by `ports`, with the member addresses of groups named as remote groups. */
  securityGroups: SecurityGroupState[];
  /** DHCP servers this host runs (one per network with a DHCP-enabled subnet). */
  dhcp: DhcpServer[];
  /** Routers this host runs. */
  routers: RouterState[];
}

export interface L2Network {
  id: string;
  type: 'vxlan' | 'flat' | 'local';
  /** VNI for vxlan, null otherwise. */
  vni: number | null;
  /** For flat networks: the physical network name, mapped to a host interface by the agent's config. */
  physicalNetwork: string | null;
  /** The network's MTU: the bridge and every device in it get it. */
  mtu: number;
  /** VXLAN: the other hosts' VTEP addresses that have this network (head-end replication, all-zero FDB entries). */
  remoteVteps: string[];
  /** VXLAN: MACs of ports on other hosts and the VTEP behind each (static FDB entries). */
  remoteMacs: Array<{ mac: string; vtep: string }>;
}

export interface AddressPair {
  /** An address or a CIDR. */
  ipAddress: string;
  mac: string;
}

export interface VmPort {
  id: string;
  /** tapName(id). */
  tap: string;
  networkId: string;
  mac: string;
  /** The port's fixed addresses, without prefix length (IPv4 and IPv6). */
  fixedIps: string[];
  /** false: the tap is kept down. */
  adminStateUp: boolean;
  /** false: no filtering and no anti-spoofing on this port. */
  portSecurity: boolean;
  allowedAddressPairs: AddressPair[];
  securityGroupIds: string[];
  mtu: number;
}

export interface SecurityGroupRuleState {
  id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** Lower-case protocol name (tcp, udp, icmp, ipv6-icmp…) or an IP protocol number as a string; null = any. */
  protocol: string | null;
  /** tcp/udp: port range; icmp: min = type, max = code; null = any. */
  portRangeMin: number | null;
  portRangeMax: number | null;
  /** The far end's addresses (source for ingress, destination for egress); null = any. */
  remoteIpPrefix: string | null;
  /** The far end must be a member of this group (its addresses are in securityGroups[].members). */
  remoteGroupId: string | null;
}

export interface SecurityGroupState {
  id: string;
  stateful: boolean;
  rules: SecurityGroupRuleState[];
  /** Addresses (IPv4 and IPv6, no prefix) of every port in the group, on any host: for remote_group_id. */
  members: string[];
}

export interface DhcpSubnet {
  id: string;
  ipVersion: 4 | 6;
  cidr: string;
  gatewayIp: string | null;
  dnsNameservers: string[];
  hostRoutes: Array<{ destination: string; nexthop: string }>;
  /** IPv6: 'slaac' | 'dhcpv6-stateless' | 'dhcpv6-stateful' | null. */
  ipv6AddressMode: string | null;
}

export interface DhcpServer {
  networkId: string;
  /** dhcpNamespace(networkId). */
  namespace: string;
  /** The network:dhcp port: its id (names the veth), MAC and addresses with prefix (e.g. 10.0.0.2/24). */
  portId: string;
  mac: string;
  addresses: string[];
  mtu: number;
  subnets: DhcpSubnet[];
  /** One reservation per VM/router port with an address on a DHCP-enabled subnet. */
  hosts: Array<{ mac: string; ip: string; hostname: string }>;
  /** True when no router on the network serves metadata: this namespace answers 169.254.169.254. */
  metadata: boolean;
}

export interface RouterLeg {
  portId: string;
  networkId: string;
  mac: string;
  /** Addresses with prefix, e.g. 10.0.0.1/24. */
  addresses: string[];
  mtu: number;
}

export interface RouterState {
  id: string;
  /** routerNamespace(id). */
  namespace: string;
  adminStateUp: boolean;
  /** The external leg, with the upstream gateway for the default route and SNAT on/off. */
  gateway: (RouterLeg & { gatewayIp: string | null; snat: boolean }) | null;
  /** Legs into tenant networks. */
  interfaces: RouterLeg[];
  /** Static routes (extraroute). */
  routes: Array<{ destination: string; nexthop: string }>;
  /** 1:1 NAT: the floating address is added to the gateway leg, DNAT in, SNAT out. */
  floatingIps: Array<{ floatingIp: string; fixedIp: string }>;
  /** Serve 169.254.169.254 to the router's networks (true when it has interfaces). */
  metadata: boolean;
}

/** What the agent reports back for one port after applying a state. */
export interface PortOutcome {
  id: string;
  status: 'ACTIVE' | 'DOWN' | 'ERROR';
  /** Why, when ERROR. */
  reason?: string;
}

export interface ApplyResult {
  /** VM ports, DHCP ports and router ports of the state, each with its outcome. */
  ports: PortOutcome[];
}

/** A host's dataplane driver (`linuxbridge`; `ovs` later). */
export interface NetworkDataplane {
  /** Converges the host to `state`; idempotent. Never throws for one port's failure: that port's outcome says ERROR. */
  apply(state: HostNetworkState): Promise<ApplyResult>;
  /** Removes every object the agent owns (used by tests and `nubis down`-like cleanup). */
  teardown(): Promise<void>;
}

/** The agent's own settings, from config.network. */
export interface DataplaneOptions {
  /** This host's VTEP address (VXLAN local address); null in an all-in-one without peers. */
  localVtep: string | null;
  /** physical network name → host interface to enslave, or a bridge to create with an address on the host. */
  physicalNetworks: Record<string, PhysicalNetworkMapping>;
  /** Where per-namespace files live (dnsmasq configs, pid files, leases): <stateDir>/network. */
  stateDir: string;
  /** Unix socket the metadata proxies forward to (served by the agent). */
  metadataSocket: string;
}

export type PhysicalNetworkMapping =
  | { interface: string }
  | { bridge: string; address?: string };

/**
 * Metadata: a proxy in each DHCP or router namespace listens on 169.254.169.254:80 and forwards
 * every request to the agent's unix socket with who asked (namespace kind and id, the source
 * address as the kernel saw it, never a header the guest sent). The agent asks the control plane
 * over the bus: method `metadata` on topic METADATA_TOPIC.
 */
export const METADATA_TOPIC = 'network-metadata';

export interface MetadataRequest {
  /** 'network': a DHCP namespace (id = network id); 'router': a router namespace (id = router id). */
  kind: 'network' | 'router';
  id: string;
  sourceIp: string;
  method: string;
  /** Path with query, e.g. /openstack/latest/meta_data.json. */
  path: string;
}

export interface MetadataResponse {
  status: number;
  contentType: string;
  body: string;
}
