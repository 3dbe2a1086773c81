// A router as Neutron shows it: external_gateway_info with the gateway port's addresses, extraroute's
// routes, the availability zone and flavor attributes, tags. `distributed` and `ha` are admin-only
// attributes in Neutron's policy (get_router:distributed, get_router:ha), so members do not see them.
import { json, standardView } from '../common.js';
import type { View } from '../collection.js';
import type { RouterRow } from '../network.tables.js';
import { tagsFor } from '../tags/tags.js';
import { allocationsOf, type Db } from './router-reads.js';

export const ROUTER_ATTRIBUTES = ['id', 'name', 'description', 'admin_state_up', 'status', 'external_gateway_info', 'routes',
  'distributed', 'ha', 'availability_zone_hints', 'availability_zones', 'flavor_id', 'tags', 'tenant_id', 'project_id',
  'created_at', 'updated_at', 'revision_number'] as const;

export async function routerViews(db: Db, rows: readonly RouterRow[], asAdmin: boolean): Promise<View[]> {
  if (rows.length === 0) return [];
  const gwIps = await allocationsOf(db, rows.flatMap((r) => (r.gw_port_id ? [r.gw_port_id] : [])));
  const tags = await tagsFor(db, 'routers', rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id, name: r.name, description: r.description, admin_state_up: r.admin_state_up === 1, status: r.status,
    external_gateway_info: r.gw_network_id ? {
      network_id: r.gw_network_id, enable_snat: r.enable_snat === 1,
      external_fixed_ips: (r.gw_port_id ? gwIps.get(r.gw_port_id) ?? [] : []).map((a) => ({ subnet_id: a.subnet_id, ip_address: a.ip_address })),
    } : null,
    routes: json<Array<{ destination: string; nexthop: string }>>(r.routes, []),
    ...(asAdmin ? { distributed: false, ha: false } : {}),
    availability_zone_hints: json<string[]>(r.availability_zone_hints, []),
    availability_zones: ['nova'], flavor_id: null,
    tags: tags.get(r.id) ?? [],
    ...standardView(r),
  }));
}

export async function routerView(db: Db, row: RouterRow, asAdmin: boolean): Promise<View> {
  return (await routerViews(db, [row], asAdmin))[0]!;
}
