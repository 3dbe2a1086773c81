// A network as Neutron shows it. `shared` and `router:external` are per caller as in Neutron: the
// wildcard flag, or an RBAC grant to the caller's project. Provider attributes are for admins only.
import type { AuthContext } from '../../platform/auth-context.js';
import { standardView } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { NetworkRow, SegmentRow } from '../network.tables.js';
import { tagsFor } from '../tags/tags.js';
import { rbacNetworkIds } from './network-access.js';

/** Every attribute of a network view, for filters and sort keys (provider ones are added for admins). */
export const NETWORK_ATTRIBUTES = ['id', 'name', 'tenant_id', 'project_id', 'admin_state_up', 'mtu', 'status', 'subnets', 'shared',
  'availability_zone_hints', 'availability_zones', 'ipv4_address_scope', 'ipv6_address_scope', 'router:external', 'description',
  'port_security_enabled', 'is_default', 'l2_adjacency', 'created_at', 'updated_at', 'revision_number'] as const;
export const PROVIDER_ATTRIBUTES = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'] as const;

export interface NetworkExtras {
  segment: SegmentRow | undefined;
  subnets: string[];
  tags: string[];
  /** RBAC actions granted to the caller's project (or '*'). */
  grants: Set<string> | undefined;
}

export function networkView(row: NetworkRow, x: NetworkExtras, admin: boolean): Record<string, unknown> {
  return {
    id: row.id, name: row.name, ...standardView(row),
    admin_state_up: row.admin_state_up === 1, mtu: Number(row.mtu), status: row.status, subnets: x.subnets,
    shared: row.shared === 1 || (x.grants?.has('access_as_shared') ?? false),
    availability_zone_hints: JSON.parse(row.availability_zone_hints) as string[], availability_zones: ['nova'],
    ipv4_address_scope: null, ipv6_address_scope: null,
    'router:external': row.router_external === 1 || (x.grants?.has('access_as_external') ?? false),
    description: row.description, port_security_enabled: row.port_security_enabled === 1, is_default: row.is_default === 1,
    l2_adjacency: true, tags: x.tags,
    ...(admin ? {
      'provider:network_type': x.segment?.network_type ?? null,
      'provider:physical_network': x.segment?.physical_network ?? null,
      'provider:segmentation_id': x.segment?.segmentation_id === null || x.segment?.segmentation_id === undefined ? null : Number(x.segment.segmentation_id),
    } : {}),
  };
}

/** Views of many networks with their segments, subnets, tags and the caller's grants loaded in batches. */
export async function networkViews(ctx: NetworkContext, auth: AuthContext, rows: NetworkRow[], admin: boolean): Promise<Record<string, unknown>[]> {
  const db = ctx.deps.db;
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const segments = new Map<string, SegmentRow>();
  const subnets = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const s of await db.selectFrom('net_segment').selectAll().where('network_id', 'in', chunk).execute()) segments.set(s.network_id, s);
    const subs = await db.selectFrom('net_subnet').select(['id', 'network_id']).where('network_id', 'in', chunk)
      .orderBy('created_at').orderBy('id').execute();
    for (const s of subs) subnets.get(s.network_id)?.push(s.id);
  }
  const tags = await tagsFor(db, 'networks', ids);
  const grants = await rbacNetworkIds(db, auth.projectId);
  return rows.map((r) => networkView(r, { segment: segments.get(r.id), subnets: subnets.get(r.id) ?? [], tags: tags.get(r.id) ?? [], grants: grants.get(r.id) }, admin));
}
