// A subnet as Neutron shows it.
import { json, standardView } from '../common.js';
import type { SubnetRow } from '../network.tables.js';

export const SUBNET_ATTRIBUTES = ['id', 'name', 'tenant_id', 'project_id', 'network_id', 'ip_version', 'subnetpool_id', 'enable_dhcp',
  'ipv6_ra_mode', 'ipv6_address_mode', 'gateway_ip', 'cidr', 'allocation_pools', 'host_routes', 'dns_nameservers', 'description',
  'service_types', 'segment_id', 'created_at', 'updated_at', 'revision_number'] as const;

export function subnetView(row: SubnetRow, tags: string[]): Record<string, unknown> {
  return {
    id: row.id, name: row.name, ...standardView(row), network_id: row.network_id, ip_version: Number(row.ip_version),
    subnetpool_id: row.subnetpool_id, enable_dhcp: row.enable_dhcp === 1, ipv6_ra_mode: row.ipv6_ra_mode,
    ipv6_address_mode: row.ipv6_address_mode, gateway_ip: row.gateway_ip, cidr: row.cidr,
    allocation_pools: json(row.allocation_pools, []), host_routes: json(row.host_routes, []), dns_nameservers: json(row.dns_nameservers, []),
    description: row.description, service_types: [], segment_id: null, tags,
  };
}
