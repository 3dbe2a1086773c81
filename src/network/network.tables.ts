// The network service's tables. Booleans are 0/1 integers, timestamps ISO text (UTC), structured
// values JSON text, so SQLite and PostgreSQL return the same JS values. Every resource has a
// revision_number bumped on each update (Neutron's standard attribute).
import type { Kysely } from 'kysely';

interface Standard {
  id: string; project_id: string; name: string; description: string;
  created_at: string; updated_at: string; revision_number: number;
}

export interface NetworkRow extends Standard {
  admin_state_up: number; status: string;
  /** Shared with every project (an RBAC `access_as_shared` to `*` is kept in sync with this flag). */
  shared: number;
  router_external: number;
  /** 1 for the default external network (get-me-a-network uses it). */
  is_default: number;
  mtu: number;
  port_security_enabled: number;
  /** JSON string[]. */
  availability_zone_hints: string;
}

/** A network's one segment. `segment_key` is unique: `vxlan:<vni>`, `flat:<physnet>`, `local:<network id>`. */
export interface SegmentRow {
  network_id: string; network_type: 'vxlan' | 'flat' | 'local';
  physical_network: string | null; segmentation_id: number | null; segment_key: string;
}

export interface SubnetRow extends Standard {
  network_id: string; ip_version: 4 | 6; cidr: string; gateway_ip: string | null; enable_dhcp: number;
  /** JSON [{start, end}]. */
  allocation_pools: string;
  /** JSON string[]. */
  dns_nameservers: string;
  /** JSON [{destination, nexthop}]. */
  host_routes: string;
  ipv6_ra_mode: string | null; ipv6_address_mode: string | null;
  subnetpool_id: string | null;
}

export interface PortRow extends Standard {
  network_id: string; mac_address: string; admin_state_up: number;
  /** DOWN until the host agent wired it, then ACTIVE; ERROR when wiring failed (status_reason says why). */
  status: 'DOWN' | 'ACTIVE' | 'BUILD' | 'ERROR'; status_reason: string | null;
  device_id: string; device_owner: string;
  binding_host_id: string; binding_vif_type: string; binding_vnic_type: string;
  /** JSON object. */
  binding_profile: string;
  port_security_enabled: number;
  /** JSON [{ip_address, mac_address}]. */
  allowed_address_pairs: string;
  /** JSON [{opt_name, opt_value, ip_version}]. */
  extra_dhcp_opts: string;
  dns_name: string;
}

/** One fixed IP of a port. Primary key (subnet_id, ip_address): an address is never given twice. */
export interface IpAllocationRow { subnet_id: string; ip_address: string; port_id: string; network_id: string }

export interface PortSecurityGroupRow { port_id: string; security_group_id: string }

export interface SecurityGroupRow extends Standard { stateful: number }

export interface SecurityGroupRuleRow {
  id: string; project_id: string; security_group_id: string; direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6'; protocol: string | null;
  port_range_min: number | null; port_range_max: number | null;
  remote_ip_prefix: string | null; remote_group_id: string | null; description: string;
  created_at: string; updated_at: string; revision_number: number;
}

/** Which security group is a project's `default` (one per project, made on first use). */
export interface DefaultSecurityGroupRow { project_id: string; security_group_id: string }

export interface RouterRow extends Standard {
  admin_state_up: number; status: string;
  /** The external network and the router's port on it (device_owner network:router_gateway). */
  gw_network_id: string | null; gw_port_id: string | null; enable_snat: number;
  /** JSON [{destination, nexthop}]. */
  routes: string;
  /** JSON string[]. */
  availability_zone_hints: string;
}

export interface FloatingIpRow {
  id: string; project_id: string; description: string;
  floating_network_id: string; floating_ip_address: string;
  /** The port holding the floating address on the external network (device_owner network:floatingip). */
  floating_port_id: string;
  /** Associated internal port, its address, and the router doing the NAT; all null when not associated. */
  port_id: string | null; fixed_ip_address: string | null; router_id: string | null;
  status: 'ACTIVE' | 'DOWN' | 'ERROR';
  created_at: string; updated_at: string; revision_number: number;
}

export interface RbacPolicyRow {
  id: string; project_id: string; object_type: 'network' | 'security_group';
  object_id: string; action: 'access_as_shared' | 'access_as_external'; target_tenant: string;
  created_at: string; updated_at: string; revision_number: number;
}

/** Tags of any resource (resource_type: networks, subnets, ports, routers, floatingips, security_groups…). */
export interface TagRow { resource_type: string; resource_id: string; tag: string }

export interface QuotaRow { project_id: string; resource: string; hard_limit: number }

/** A host's network agent as it last reported: its VTEP (VXLAN underlay address) and when. */
export interface NetworkAgentRow { host: string; vtep: string | null; started_at: string; heartbeat_at: string }

export interface NetworkTables {
  net_agent: NetworkAgentRow;
  net_network: NetworkRow;
  net_segment: SegmentRow;
  net_subnet: SubnetRow;
  net_port: PortRow;
  net_ip_allocation: IpAllocationRow;
  net_port_security_group: PortSecurityGroupRow;
  net_security_group: SecurityGroupRow;
  net_security_group_rule: SecurityGroupRuleRow;
  net_default_security_group: DefaultSecurityGroupRow;
  net_router: RouterRow;
  net_floating_ip: FloatingIpRow;
  net_rbac_policy: RbacPolicyRow;
  net_tag: TagRow;
  net_quota: QuotaRow;
}

export type NetworkDb = Kysely<NetworkTables>;
