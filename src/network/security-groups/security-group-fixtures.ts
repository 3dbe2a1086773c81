// Test fixtures: a network, a subnet and ports bound to groups, written straight into the tables so
// the security group tests do not depend on the ports API.
import { randomUUID } from 'node:crypto';
import type { NetworkDb } from '../network.tables.js';

export async function insertNetwork(db: NetworkDb, projectId: string, cidr = '10.9.0.0/24'): Promise<{ networkId: string; subnetId: string }> {
  const at = new Date().toISOString();
  const networkId = randomUUID(), subnetId = randomUUID();
  await db.insertInto('net_network').values({
    id: networkId, project_id: projectId, name: 'nb-sg-net', description: '', created_at: at, updated_at: at, revision_number: 0,
    admin_state_up: 1, status: 'ACTIVE', shared: 0, router_external: 0, is_default: 0, mtu: 1450, port_security_enabled: 1,
    availability_zone_hints: '[]',
  }).execute();
  await db.insertInto('net_subnet').values({
    id: subnetId, project_id: projectId, name: '', description: '', created_at: at, updated_at: at, revision_number: 0,
    network_id: networkId, ip_version: 4, cidr, gateway_ip: null, enable_dhcp: 0, allocation_pools: '[]', dns_nameservers: '[]',
    host_routes: '[]', ipv6_ra_mode: null, ipv6_address_mode: null, subnetpool_id: null,
  }).execute();
  return { networkId, subnetId };
}

export interface FixturePort { ips: string[]; groups: string[]; pairs?: string[] }

export async function insertPort(db: NetworkDb, projectId: string, net: { networkId: string; subnetId: string }, p: FixturePort): Promise<string> {
  const at = new Date().toISOString();
  const id = randomUUID();
  const mac = `fa:16:3e:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`;
  await db.insertInto('net_port').values({
    id, project_id: projectId, name: '', description: '', created_at: at, updated_at: at, revision_number: 0,
    network_id: net.networkId, mac_address: mac, admin_state_up: 1, status: 'DOWN', status_reason: null, device_id: '',
    device_owner: 'compute:nova', binding_host_id: '', binding_vif_type: 'unbound', binding_vnic_type: 'normal', binding_profile: '{}',
    port_security_enabled: 1, allowed_address_pairs: JSON.stringify((p.pairs ?? []).map((ip_address) => ({ ip_address, mac_address: mac }))),
    extra_dhcp_opts: '[]', dns_name: '',
  }).execute();
  for (const ip of p.ips) {
    await db.insertInto('net_ip_allocation').values({ subnet_id: net.subnetId, ip_address: ip, port_id: id, network_id: net.networkId }).execute();
  }
  for (const g of p.groups) await db.insertInto('net_port_security_group').values({ port_id: id, security_group_id: g }).execute();
  return id;
}
