// How compute reaches the network service: checking what a create asks for, the ports a server
// holds (made, bound to a host, released), what its guest needs (NICs, network_data.json), its
// addresses for views, its interfaces, and which server a metadata request comes from.
// Implemented over the network tables in src/network/compute-access.ts; errors it throws are
// already Nova's (400/404/409 with Nova's messages).
import type { AuthContext } from '../platform/auth-context.js';
import type { MetadataRequest } from '../agent/network/host-state.js';

/** One NIC of a server as the API checked it: a network (with an optional fixed IP) or a given port. */
export interface RequestedNic {
  networkId: string | null;
  portId: string | null;
  fixedIp: string | null;
}

export interface CheckedNetworks {
  nics: RequestedNic[];
  /** Security group ids the created ports get; empty = the project's `default`. */
  securityGroupIds: string[];
}

/** A port a server holds: `created` ones are Nubis's (deleted with the server), others the user's (unbound). */
export interface ServerPort { id: string; created: boolean }

export interface GuestNic { tap: string; mac: string }

export interface GuestNetwork {
  /** In the server's port order. */
  nics: GuestNic[];
  /** OpenStack's network_data.json: links, networks, services. */
  networkData: { links: unknown[]; networks: unknown[]; services: unknown[] };
}

export interface AddressEntry {
  version: 4 | 6;
  addr: string;
  'OS-EXT-IPS:type': 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr': string;
}

export interface ServerNetworkView {
  /** Network name → addresses, networks in port order. */
  addresses: Record<string, AddressEntry[]>;
  /** Names of the security groups of its ports (union, sorted). */
  securityGroups: string[];
}

/** Nova's interfaceAttachment (below 2.70: no tag). */
export interface InterfaceAttachment {
  port_state: string;
  fixed_ips: Array<{ subnet_id: string; ip_address: string }>;
  port_id: string;
  net_id: string;
  mac_addr: string;
}

export interface PortOwner { uuid: string; projectId: string; zone: string | null }

export interface NetworkAccess {
  /**
   * Checks a create's `networks` and `security_groups` for the caller's project, as Nova does before
   * writing anything: unknown network/port/group → 400, port in use → 409, 'auto' resolves to the
   * project's one usable network (or get-me-a-network); `legacy` is the absent key below 2.37, which
   * means every usable network (none is fine, more than one is ambiguous). `count` > 1 with a port → 400.
   */
  checkRequest(auth: AuthContext, networks: 'none' | 'auto' | 'legacy' | Array<Record<string, string>>,
    securityGroups: string[], count: number): Promise<CheckedNetworks>;
  /**
   * Makes sure the server holds a port for each requested NIC: creates the missing ones (device_id
   * = uuid, device_owner compute:<zone>), takes over given ports (409-free only if still unused).
   * `existing` are the ports an earlier attempt made; returns all of them in NIC order.
   */
  allocatePorts(owner: PortOwner, request: CheckedNetworks, existing: ServerPort[]): Promise<ServerPort[]>;
  /** Binds the ports to `host` and pushes the host's dataplane; rejects with the reason when a port ends in ERROR. */
  bindPorts(portIds: string[], host: string): Promise<void>;
  /** Clears the ports' binding host (build retry, shelve offload); the dataplane drops their taps. */
  unbindPorts(portIds: string[]): Promise<void>;
  /** Deletes the created ports, unbinds (device_id, device_owner, host cleared) the user's ones. */
  releasePorts(ports: ServerPort[]): Promise<void>;
  /** NICs and network_data.json from the ports as they are now. */
  guestNetwork(portIds: string[]): Promise<GuestNetwork>;
  /** Addresses and security groups of many servers in a few queries (server lists). */
  serverViews(servers: Array<{ uuid: string; portIds: string[] }>): Promise<Map<string, ServerNetworkView>>;
  /** Drops one fixed IP from the server's port holding it (legacy removeFixedIp); false if no port of it has it. */
  removeFixedIp(uuid: string, address: string): Promise<boolean>;
  /** The server's interfaces (ports whose device_id is the server). */
  interfaces(uuid: string): Promise<InterfaceAttachment[]>;
  /** The server (instance uuid) a metadata request comes from, or null. */
  instanceForMetadata(req: MetadataRequest): Promise<string | null>;
}
