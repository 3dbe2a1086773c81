// Address allocation on one subnet, inside the caller's transaction. The net_ip_allocation primary
// key (subnet_id, ip_address) is the only arbiter: an insert that meets an existing row inserts
// nothing (ON CONFLICT DO NOTHING, which also keeps a PostgreSQL transaction usable), and the next
// candidate is tried. Racing transactions therefore never hand out one address twice.
import type { Transaction } from 'kysely';
import { conflict, json } from '../common.js';
import type { NetworkTables, SubnetRow } from '../network.tables.js';
import { insertSorted, lowestFree, sortedUnique, type AddressRange } from './free-address.js';
import { formatIp, normalizeIp, parseCidr, parseIp } from './ip.js';

type Trx = Transaction<NetworkTables>;

export const alreadyAllocated = (ip: string, subnetId: string) =>
  conflict('IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnetId}`);

/** Inserts one allocation row; false when the address is already someone's. */
async function claim(trx: Trx, subnet: SubnetRow, portId: string, ip: string): Promise<boolean> {
  const res = await trx.insertInto('net_ip_allocation')
    .values({ subnet_id: subnet.id, ip_address: ip, port_id: portId, network_id: subnet.network_id })
    .onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Gives the port exactly `ip` on the subnet (already validated for it), or 409 IpAddressAlreadyAllocated. */
export async function allocateSpecific(trx: Trx, subnet: SubnetRow, portId: string, ip: string): Promise<string> {
  const canonical = normalizeIp(ip) ?? ip;
  if (!(await claim(trx, subnet, portId, canonical))) throw alreadyAllocated(canonical, subnet.id);
  return canonical;
}

/** The subnet's pools as numeric ranges. */
export function poolRanges(subnet: SubnetRow): AddressRange[] {
  const pools = json<Array<{ start: string; end: string }>>(subnet.allocation_pools, []);
  const out: AddressRange[] = [];
  for (const p of pools) {
    const s = parseIp(p.start), e = parseIp(p.end);
    if (s && e && s.version === subnet.ip_version && e.version === subnet.ip_version && s.value <= e.value) out.push({ start: s.value, end: e.value });
  }
  return out;
}

/**
 * Gives the port the lowest free address of the subnet's pools (never the gateway, the network or
 * the broadcast address); null when the pools are exhausted.
 */
export async function allocateAny(trx: Trx, subnet: SubnetRow, portId: string): Promise<string | null> {
  const cidr = parseCidr(subnet.cidr);
  if (!cidr) return null;
  const rows = await trx.selectFrom('net_ip_allocation').select('ip_address').where('subnet_id', '=', subnet.id).execute();
  const reserved = [cidr.network];
  if (subnet.gateway_ip) { const g = parseIp(subnet.gateway_ip); if (g) reserved.push(g.value); }
  if (cidr.version === 4) reserved.push(cidr.network | (((1n << 32n) - 1n) >> BigInt(cidr.prefix)));
  const taken = sortedUnique([...reserved, ...rows.map((r) => parseIp(r.ip_address)?.value ?? -1n)]);
  const pools = poolRanges(subnet);
  for (;;) {
    const candidate = lowestFree(pools, taken);
    if (candidate === null) return null;
    const ip = formatIp(cidr.version, candidate);
    if (await claim(trx, subnet, portId, ip)) return ip;
    insertSorted(taken, candidate);   // taken meanwhile by a racing transaction
  }
}

export const noMoreAddresses = (networkId: string) =>
  conflict('IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`);
