// Neutron v2.0 and Nova key pair shapes used by the network pages, and small helpers to load them.
import type { ServiceClient } from '../../api/clients';

export interface Network {
  id: string; name: string; status: string; admin_state_up: boolean; shared: boolean;
  'router:external'?: boolean; subnets: string[]; project_id?: string;
}
export interface AllocationPool { start: string; end: string }
export interface Subnet {
  id: string; name: string; network_id: string; cidr: string; ip_version: number; gateway_ip: string | null;
  enable_dhcp: boolean; allocation_pools: AllocationPool[]; dns_nameservers: string[]; project_id?: string;
}
export interface FixedIp { subnet_id: string; ip_address: string }
export interface Port {
  id: string; name: string; network_id: string; mac_address: string; fixed_ips: FixedIp[];
  device_owner: string; device_id: string; status: string;
}
export interface Router {
  id: string; name: string; status: string; admin_state_up: boolean;
  external_gateway_info: { network_id: string; external_fixed_ips?: FixedIp[] } | null;
}
export interface SecurityGroupRule {
  id: string; security_group_id: string; direction: 'ingress' | 'egress'; ethertype: string;
  protocol: string | null; port_range_min: number | null; port_range_max: number | null;
  remote_ip_prefix: string | null; remote_group_id: string | null; description?: string;
}
export interface SecurityGroup { id: string; name: string; description: string; security_group_rules?: SecurityGroupRule[] }
export interface FloatingIp {
  id: string; floating_ip_address: string; fixed_ip_address: string | null; port_id: string | null;
  floating_network_id: string; status: string; router_id?: string | null;
}
export interface Keypair { name: string; type?: string; fingerprint: string; public_key?: string; private_key?: string }
export interface ServerRef { id: string; name: string }

export const listNetworks = async (api: ServiceClient, signal?: AbortSignal) =>
  (await api.get<{ networks: Network[] }>('/networks', undefined, { signal })).networks;
export const listSubnets = async (api: ServiceClient, signal?: AbortSignal, query?: Record<string, string>) =>
  (await api.get<{ subnets: Subnet[] }>('/subnets', query, { signal })).subnets;
export const listPorts = async (api: ServiceClient, signal?: AbortSignal, query?: Record<string, string>) =>
  (await api.get<{ ports: Port[] }>('/ports', query, { signal })).ports;
export const listServers = async (compute: ServiceClient, signal?: AbortSignal) =>
  (await compute.get<{ servers: ServerRef[] }>('/servers', undefined, { signal })).servers;

/** Map of id → object, for naming things by id in tables. */
export function byId<T extends { id: string }>(items: readonly T[] | undefined): Map<string, T> {
  return new Map((items ?? []).map((i) => [i.id, i]));
}

/** Lines of a textarea, trimmed, blanks dropped. */
export const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** "start,end" per line → allocation pools; throws a readable message on a bad line. */
export function parsePools(text: string): AllocationPool[] {
  return lines(text).map((l) => {
    const [start, end, extra] = l.split(/\s*[,–-]\s*|\s+/).filter(Boolean);
    if (!start || !end || extra) throw new Error(l);
    return { start, end };
  });
}

/** Loose CIDR check (IPv4 or IPv6) before asking the API, which gives the exact verdict. */
export function looksLikeCidr(s: string): boolean {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return false;
  const bits = Number(m[2]);
  if (m[1].includes(':')) return bits <= 128;
  return bits <= 32 && m[1].split('.').length === 4 && m[1].split('.').every((o) => /^\d+$/.test(o) && Number(o) <= 255);
}
