// Who is asking the metadata service: the namespace the request came through (a network's DHCP
// namespace or a router's) plus the source address the kernel saw identify exactly one VM port,
// and so one instance. Nothing the guest sends is trusted.
import type { MetadataRequest } from '../../agent/network/host-state.js';
import type { NetworkContext } from '../context.js';
import { cidrContains, normalizeIp } from '../ipam/ip.js';
import { ROUTER_INTERFACE_OWNER } from './plan-mapping.js';

export interface MetadataInstance { instanceUuid: string; portId: string }

/** The instance behind a metadata request, or null when no VM port has that address there. */
export async function instanceForMetadata(ctx: NetworkContext, req: MetadataRequest): Promise<MetadataInstance | null> {
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
  const source = typeof req.sourceIp === 'string' ? req.sourceIp.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '') : '';
  const ip = normalizeIp(source);
  if (!ip || typeof req.id !== 'string' || !req.id) return null;
  const networkIds = req.kind === 'network' ? [req.id] : req.kind === 'router' ? await routerNetworksWith(ctx, req.id, ip) : [];
  if (!networkIds.length) return null;
  const rows = await ctx.deps.db.selectFrom('net_ip_allocation as a')
    .innerJoin('net_port as p', 'p.id', 'a.port_id')
    .select(['p.id as portId', 'p.device_id as deviceId'])
    .where('a.network_id', 'in', networkIds).where('a.ip_address', '=', ip)
    .where('p.device_owner', 'like', 'compute:%').where('p.device_id', '!=', '')
    .execute();
  // Two ports with one address on different networks behind one router would be ambiguous: answer none.
  if (rows.length !== 1) return null;
  return { instanceUuid: rows[0].deviceId, portId: rows[0].portId };
}

/** The networks of the router's interfaces whose subnet contains `ip`. */
async function routerNetworksWith(ctx: NetworkContext, routerId: string, ip: string): Promise<string[]> {
  const legs = await ctx.deps.db.selectFrom('net_port as p')
    .innerJoin('net_ip_allocation as a', 'a.port_id', 'p.id')
    .innerJoin('net_subnet as s', 's.id', 'a.subnet_id')
    .select(['s.network_id as networkId', 's.cidr as cidr'])
    .where('p.device_owner', '=', ROUTER_INTERFACE_OWNER).where('p.device_id', '=', routerId)
    .execute();
  return [...new Set(legs.filter((l) => cidrContains(l.cidr, ip)).map((l) => l.networkId))];
}
