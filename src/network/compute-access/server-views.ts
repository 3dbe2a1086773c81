// Addresses and security groups of many servers for compute's views, in a handful of queries
// whatever the page size (servers/detail with 1,000 servers must not query per server).
import type { AddressEntry, ServerNetworkView } from '../../compute/network-access.js';
import type { NetworkContext } from '../context.js';
import { parseIp } from '../ipam/ip.js';

const CHUNK = 500;
const chunks = <T>(xs: T[]): T[][] => { const out: T[][] = []; for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK)); return out; };

/**
 * `servers` give each server's uuid and its port order (ports it holds but that are not listed
 * follow, oldest first): Nova keys addresses by network name in the order of the server's ports.
 */
export async function serverViews(ctx: NetworkContext, servers: Array<{ uuid: string; portIds: string[] }>): Promise<Map<string, ServerNetworkView>> {
  const db = ctx.deps.db;
  const out = new Map<string, ServerNetworkView>();
  if (servers.length === 0) return out;
  const ports: Array<{ id: string; device_id: string; network_id: string; mac_address: string; created_at: string; name: string }> = [];
  for (const c of chunks(servers.map((s) => s.uuid))) {
    ports.push(...await db.selectFrom('net_port').innerJoin('net_network', 'net_network.id', 'net_port.network_id')
      .select(['net_port.id', 'net_port.device_id', 'net_port.network_id', 'net_port.mac_address', 'net_port.created_at', 'net_network.name'])
      .where('net_port.device_id', 'in', c).where('net_port.device_owner', 'like', 'compute:%').execute());
  }
  const portIds = ports.map((p) => p.id);
  const ips = new Map<string, string[]>();
  const floating = new Map<string, Array<{ fixed: string | null; addr: string }>>();
  const groups = new Map<string, string[]>();
  for (const c of chunks(portIds)) {
    for (const r of await db.selectFrom('net_ip_allocation').select(['port_id', 'ip_address']).where('port_id', 'in', c).execute()) {
      ips.set(r.port_id, [...(ips.get(r.port_id) ?? []), r.ip_address]);
    }
    for (const r of await db.selectFrom('net_floating_ip').select(['port_id', 'fixed_ip_address', 'floating_ip_address']).where('port_id', 'in', c).execute()) {
      floating.set(r.port_id!, [...(floating.get(r.port_id!) ?? []), { fixed: r.fixed_ip_address, addr: r.floating_ip_address }]);
    }
    for (const r of await db.selectFrom('net_port_security_group').innerJoin('net_security_group', 'net_security_group.id', 'net_port_security_group.security_group_id')
      .select(['net_port_security_group.port_id', 'net_security_group.name']).where('net_port_security_group.port_id', 'in', c).execute()) {
      groups.set(r.port_id, [...(groups.get(r.port_id) ?? []), r.name]);
    }
  }
  const byServer = new Map<string, typeof ports>();
  for (const p of ports) byServer.set(p.device_id, [...(byServer.get(p.device_id) ?? []), p]);
  for (const s of servers) {
    const order = (id: string) => { const i = s.portIds.indexOf(id); return i < 0 ? Number.MAX_SAFE_INTEGER : i; };
    const mine = (byServer.get(s.uuid) ?? []).sort((a, b) => order(a.id) - order(b.id) || a.created_at.localeCompare(b.created_at));
    const addresses: Record<string, AddressEntry[]> = {};
    const names = new Set<string>();
    for (const p of mine) {
      const list = (addresses[p.name] ??= []);
      const fixed = (ips.get(p.id) ?? []).sort((a, b) => (parseIp(a)?.version ?? 4) - (parseIp(b)?.version ?? 4));
      for (const addr of fixed) {
        list.push({ version: parseIp(addr)?.version ?? 4, addr, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': p.mac_address });
        for (const f of (floating.get(p.id) ?? []).filter((x) => x.fixed === addr || x.fixed === null)) {
          list.push({ version: parseIp(f.addr)?.version ?? 4, addr: f.addr, 'OS-EXT-IPS:type': 'floating', 'OS-EXT-IPS-MAC:mac_addr': p.mac_address });
        }
      }
      for (const g of groups.get(p.id) ?? []) names.add(g);
    }
    out.set(s.uuid, { addresses, securityGroups: [...names].sort() });
  }
  return out;
}
