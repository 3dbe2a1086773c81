// A port as Neutron shows it (core, binding, port security, security groups, allowed address pairs,
// extra DHCP options, dns_name, tags and standard attributes). Binding details other than the vnic
// type are admin-only: Neutron drops them from non-admins' views.
import { json, standardView } from '../common.js';
import type { FixedIp } from '../ipam/fixed-ips.js';
import type { PortRow } from '../network.tables.js';

/** The attributes a port view has (for filters and sort keys). */
export const PORT_ATTRIBUTES = ['id', 'name', 'network_id', 'tenant_id', 'project_id', 'mac_address', 'admin_state_up', 'status',
  'device_id', 'device_owner', 'description', 'port_security_enabled', 'dns_name', 'binding:vnic_type',
  'created_at', 'updated_at', 'revision_number', 'security_groups'] as const;
export const PORT_ADMIN_ATTRIBUTES = ['binding:host_id', 'binding:vif_type'] as const;

/** binding:vif_details of a port bound by the Linux bridge dataplane (as Neutron's linuxbridge driver). */
const BRIDGE_VIF_DETAILS = { port_filter: true, connectivity: 'l2' };

export function portView(row: PortRow, ips: readonly FixedIp[], groups: readonly string[], tags: readonly string[], admin: boolean) {
  const bound = row.binding_host_id !== '';
  return {
    id: row.id,
    name: row.name,
    network_id: row.network_id,
    mac_address: row.mac_address,
    admin_state_up: row.admin_state_up === 1,
    status: row.status,
    device_id: row.device_id,
    device_owner: row.device_owner,
    fixed_ips: ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
    allowed_address_pairs: json<Array<{ ip_address: string; mac_address: string }>>(row.allowed_address_pairs, []),
    extra_dhcp_opts: json<unknown[]>(row.extra_dhcp_opts, []),
    security_groups: [...groups],
    port_security_enabled: row.port_security_enabled === 1,
    description: row.description,
    dns_name: row.dns_name,
    'binding:vnic_type': row.binding_vnic_type,
    ...(admin ? {
      'binding:host_id': row.binding_host_id,
      'binding:profile': json<Record<string, unknown>>(row.binding_profile, {}),
      'binding:vif_type': bound ? row.binding_vif_type : 'unbound',
      'binding:vif_details': bound ? BRIDGE_VIF_DETAILS : {},
    } : {}),
    tags: [...tags],
    ...standardView(row),
  };
}
