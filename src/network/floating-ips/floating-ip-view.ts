// A floating IP as Neutron shows it, with fip-port-details' port_details of the associated port.
import type { View } from '../collection.js';
import { standardView } from '../common.js';
import type { FloatingIpRow } from '../network.tables.js';
import { inChunks, type Db } from '../routers/router-reads.js';
import { tagsFor } from '../tags/tags.js';

export const FIP_ATTRIBUTES = ['id', 'floating_ip_address', 'floating_network_id', 'router_id', 'port_id', 'fixed_ip_address',
  'status', 'description', 'port_details', 'port_forwardings', 'qos_policy_id', 'tags', 'tenant_id', 'project_id',
  'created_at', 'updated_at', 'revision_number'] as const;

export async function floatingIpViews(db: Db, rows: readonly FloatingIpRow[]): Promise<View[]> {
  if (rows.length === 0) return [];
  const portIds = [...new Set(rows.flatMap((r) => (r.port_id ? [r.port_id] : [])))];
  const ports = await inChunks(portIds, (c) => db.selectFrom('net_port').selectAll().where('id', 'in', c).execute());
  const byId = new Map(ports.map((p) => [p.id, p]));
  const tags = await tagsFor(db, 'floatingips', rows.map((r) => r.id));
  return rows.map((r) => {
    const p = r.port_id ? byId.get(r.port_id) : undefined;
    return {
      id: r.id, floating_ip_address: r.floating_ip_address, floating_network_id: r.floating_network_id,
      router_id: r.router_id, port_id: r.port_id, fixed_ip_address: r.fixed_ip_address, status: r.status,
      description: r.description,
      port_details: p ? {
        name: p.name, network_id: p.network_id, mac_address: p.mac_address, admin_state_up: p.admin_state_up === 1,
        status: p.status, device_id: p.device_id, device_owner: p.device_owner,
      } : null,
      port_forwardings: [], qos_policy_id: null, tags: tags.get(r.id) ?? [],
      ...standardView(r),
    };
  });
}

export async function floatingIpView(db: Db, row: FloatingIpRow): Promise<View> {
  return (await floatingIpViews(db, [row]))[0]!;
}
