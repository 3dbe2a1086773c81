// Test fixtures: networks and subnets written straight into the tables, so the port tests control
// pools and gateways exactly and do not depend on the network and subnet APIs.
import { randomUUID } from 'node:crypto';
import type { NetworkDb } from '../network.tables.js';

export interface FixtureNetwork { projectId: string; shared?: boolean; external?: boolean; portSecurity?: boolean }

export async function insertNetwork(db: NetworkDb, n: FixtureNetwork): Promise<string> {
  const at = new Date().toISOString();
  const id = randomUUID();
  await db.insertInto('net_network').values({
    id, project_id: n.projectId, name: 'nb-port-net', description: '', created_at: at, updated_at: at, revision_number: 0,
    admin_state_up: 1, status: 'ACTIVE', shared: n.shared ? 1 : 0, router_external: n.external ? 1 : 0, is_default: 0, mtu: 1450,
    port_security_enabled: n.portSecurity === false ? 0 : 1, availability_zone_hints: '[]',
  }).execute();
  return id;
}

export interface FixtureSubnet {
  networkId: string; projectId: string; cidr: string; gateway?: string | null;
  pools?: Array<{ start: string; end: string }>; ipVersion?: 4 | 6; addressMode?: string | null;
}

let order = 0;
export async function insertSubnet(db: NetworkDb, s: FixtureSubnet): Promise<string> {
  // Distinct, increasing creation times: "the network's first subnet" is the oldest.
  const at = new Date(Date.UTC(2020, 0, 1) + order++ * 1000).toISOString();
  const id = randomUUID();
  await db.insertInto('net_subnet').values({
    id, project_id: s.projectId, name: '', description: '', created_at: at, updated_at: at, revision_number: 0,
    network_id: s.networkId, ip_version: s.ipVersion ?? 4, cidr: s.cidr, gateway_ip: s.gateway ?? null, enable_dhcp: 1,
    allocation_pools: JSON.stringify(s.pools ?? []), dns_nameservers: '[]', host_routes: '[]',
    ipv6_ra_mode: s.addressMode ?? null, ipv6_address_mode: s.addressMode ?? null, subnetpool_id: null,
  }).execute();
  return id;
}
