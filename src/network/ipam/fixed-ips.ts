// Turning a port's requested fixed_ips into addresses (Neutron's rules), inside the port's transaction:
// - none asked: one address from the first IPv4 subnet with room, one from the first DHCPv6-stateful
//   subnet with room, and the SLAAC (EUI-64) address on every SLAAC/DHCPv6-stateless subnet;
// - {subnet_id}: any address of that subnet ({subnet_id} on a SLAAC subnet: its EUI-64 address);
// - {ip_address}: that address on the network's subnet containing it;
// - both: that address, which must lie in that subnet.
// A specific address may be anywhere in the subnet's cidr (pools only bound automatic picks), except the
// network and IPv4 broadcast addresses; the gateway address may be taken explicitly, as Neutron allows
// (a port made with the gateway address is how a router interface is added "by port").
import type { Transaction } from 'kysely';
import { badRequest, invalidInput, neutronError, notFound } from '../common.js';
import type { NetworkTables, SubnetRow } from '../network.tables.js';
import { allocateAny, allocateSpecific, noMoreAddresses } from './allocate.js';
import { eui64Address } from './eui64.js';
import { contains, lastAddress, normalizeIp, parseCidr, parseIp } from './ip.js';

type Trx = Transaction<NetworkTables>;
export interface FixedIpRequest { subnet_id?: string; ip_address?: string }
export interface FixedIp { subnet_id: string; ip_address: string }

/** Neutron's max_fixed_ips_per_port default. */
export const MAX_FIXED_IPS = 5;
const ROUTER_OWNERS = new Set(['network:router_interface', 'network:router_interface_distributed', 'network:ha_router_replicated_interface', 'network:router_gateway']);

const isAutoAddress = (s: SubnetRow) => s.ip_version === 6 && (s.ipv6_address_mode === 'slaac' || s.ipv6_address_mode === 'dhcpv6-stateless');

export const invalidIpForSubnet = (ip: string) =>
  neutronError(400, 'InvalidIpForSubnet', `IP address ${ip} is not a valid IP for the specified subnet.`);
const invalidIpForNetwork = (ip: string) =>
  neutronError(400, 'InvalidIpForNetwork', `IP address ${ip} is not a valid IP for any of the subnets on the specified network.`);

/** The network's subnets, oldest first (Neutron's "first subnet"). */
export async function networkSubnets(trx: Trx, networkId: string): Promise<SubnetRow[]> {
  return trx.selectFrom('net_subnet').selectAll().where('network_id', '=', networkId).orderBy('created_at').orderBy('id').execute();
}

/** Checks the shape of a fixed_ips value (a list of {subnet_id?, ip_address?}). */
export function parseFixedIpRequests(value: unknown): FixedIpRequest[] {
  if (!Array.isArray(value)) throw badRequest(`Invalid input for fixed_ips. Reason: '${JSON.stringify(value)}' is not a list.`);
  if (value.length > MAX_FIXED_IPS) throw badRequest('Exceeded maximum amount of fixed ips per port.');
  return value.map((entry) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw badRequest(`Invalid input for fixed_ips. Reason: '${JSON.stringify(entry)}' is not a dictionary.`);
    }
    const extra = Object.keys(entry).filter((k) => k !== 'subnet_id' && k !== 'ip_address');
    if (extra.length) throw badRequest(`Invalid input for fixed_ips. Reason: unrecognized key(s) ${extra.map((k) => `'${k}'`).join(', ')}.`);
    const e = entry as Record<string, unknown>;
    if (e.subnet_id === undefined && e.ip_address === undefined) throw badRequest('Invalid input for fixed_ips. Reason: each entry needs subnet_id or ip_address.');
    if (e.subnet_id !== undefined && typeof e.subnet_id !== 'string') throw badRequest(`Invalid input for fixed_ips. Reason: '${String(e.subnet_id)}' is not a valid UUID.`);
    if (e.ip_address !== undefined && (typeof e.ip_address !== 'string' || normalizeIp(e.ip_address) === null)) {
      throw badRequest(`Invalid input for fixed_ips. Reason: '${String(e.ip_address)}' is not a valid IP address.`);
    }
    return { ...(e.subnet_id !== undefined ? { subnet_id: e.subnet_id as string } : {}), ...(e.ip_address !== undefined ? { ip_address: normalizeIp(e.ip_address as string)! } : {}) };
  });
}

/** 400 unless `ip` may be given to a port on the subnet (inside the cidr, not the network/broadcast address). */
function checkAddressInSubnet(subnet: SubnetRow, ip: string, deviceOwner: string): void {
  const c = parseCidr(subnet.cidr);
  const a = parseIp(ip);
  if (!c || !a || a.version !== c.version || !contains(c, a.value)) throw invalidIpForSubnet(ip);
  const isNetwork = a.value === c.network && !(c.version === 6 && ROUTER_OWNERS.has(deviceOwner));
  const isBroadcast = c.version === 4 && c.prefix < 31 && a.value === lastAddress(c);
  if (isNetwork || isBroadcast) throw invalidIpForSubnet(ip);
}

async function subnetOf(trx: Trx, subnets: SubnetRow[], id: string, networkId: string): Promise<SubnetRow> {
  const found = subnets.find((s) => s.id === id);
  if (found) return found;
  const elsewhere = await trx.selectFrom('net_subnet').select('id').where('id', '=', id).executeTakeFirst();
  if (!elsewhere) throw notFound.subnet(id);
  throw invalidInput(`Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${id}`);
}

/** Allocates one requested entry for the port. */
async function allocateOne(trx: Trx, subnets: SubnetRow[], networkId: string, portId: string, req: FixedIpRequest,
  mac: string, deviceOwner: string): Promise<FixedIp> {
  let subnet: SubnetRow;
  if (req.subnet_id !== undefined) subnet = await subnetOf(trx, subnets, req.subnet_id, networkId);
  else {
    const holder = subnets.find((s) => { const c = parseCidr(s.cidr); const a = parseIp(req.ip_address!); return !!c && !!a && c.version === a.version && contains(c, a.value); });
    if (!holder) throw invalidIpForNetwork(req.ip_address!);
    subnet = holder;
  }
  if (req.ip_address !== undefined) {
    if (isAutoAddress(subnet) && !ROUTER_OWNERS.has(deviceOwner)) {
      throw invalidInput(`IPv6 address ${req.ip_address} cannot be directly assigned to a port on subnet ${subnet.id} with ${subnet.ipv6_address_mode} address mode`);
    }
    checkAddressInSubnet(subnet, req.ip_address, deviceOwner);
    return { subnet_id: subnet.id, ip_address: await allocateSpecific(trx, subnet, portId, req.ip_address) };
  }
  if (isAutoAddress(subnet) && !ROUTER_OWNERS.has(deviceOwner)) return allocateSlaac(trx, subnet, portId, mac);
  const ip = await allocateAny(trx, subnet, portId);
  if (ip === null) throw noMoreAddresses(networkId);
  return { subnet_id: subnet.id, ip_address: ip };
}

async function allocateSlaac(trx: Trx, subnet: SubnetRow, portId: string, mac: string): Promise<FixedIp> {
  const ip = eui64Address(subnet.cidr, mac);
  if (!ip) throw invalidInput(`Subnet ${subnet.id} cannot give an EUI-64 address: its prefix is longer than /64`);
  return { subnet_id: subnet.id, ip_address: await allocateSpecific(trx, subnet, portId, ip) };
}

/** Neutron's default addresses for a port that asked for none. */
async function allocateDefault(trx: Trx, subnets: SubnetRow[], networkId: string, portId: string, mac: string): Promise<FixedIp[]> {
  const out: FixedIp[] = [];
  const v4 = subnets.filter((s) => s.ip_version === 4);
  const v6Stateful = subnets.filter((s) => s.ip_version === 6 && !isAutoAddress(s));
  for (const group of [v4, v6Stateful]) {
    if (group.length === 0) continue;
    let got: FixedIp | null = null;
    for (const s of group) {
      const ip = await allocateAny(trx, s, portId);
      if (ip !== null) { got = { subnet_id: s.id, ip_address: ip }; break; }
    }
    if (!got) throw noMoreAddresses(networkId);
    out.push(got);
  }
  for (const s of subnets.filter(isAutoAddress)) out.push(await allocateSlaac(trx, s, portId, mac));
  return out;
}

/**
 * Allocates a new port's addresses (`requested` undefined: Neutron's default set). Throws the
 * Neutron error for the first request that cannot be met; the caller's transaction then rolls back.
 */
export async function allocatePortIps(trx: Trx, p: { networkId: string; portId: string; mac: string; deviceOwner: string;
  requested: FixedIpRequest[] | undefined }): Promise<FixedIp[]> {
  const subnets = await networkSubnets(trx, p.networkId);
  if (p.requested === undefined) return allocateDefault(trx, subnets, p.networkId, p.portId, p.mac);
  const out: FixedIp[] = [];
  for (const req of p.requested) out.push(await allocateOne(trx, subnets, p.networkId, p.portId, req, p.mac, p.deviceOwner));
  return out;
}

/**
 * Replaces a port's addresses with `requested` (Neutron's update semantics): listed addresses the port
 * has are kept, others are released, entries with only a subnet_id always add a new address, and
 * SLAAC addresses stay whatever is asked. All within the caller's transaction.
 */
export async function replacePortIps(trx: Trx, p: { networkId: string; portId: string; mac: string; deviceOwner: string;
  current: FixedIp[]; requested: FixedIpRequest[] }): Promise<void> {
  const subnets = await networkSubnets(trx, p.networkId);
  const auto = new Set(subnets.filter(isAutoAddress).map((s) => s.id));
  const keepIps = new Set(p.requested.filter((r) => r.ip_address !== undefined).map((r) => r.ip_address!));
  const removed = p.current.filter((f) => !keepIps.has(f.ip_address) && !auto.has(f.subnet_id));
  for (const f of removed) {
    await trx.deleteFrom('net_ip_allocation').where('subnet_id', '=', f.subnet_id).where('ip_address', '=', f.ip_address)
      .where('port_id', '=', p.portId).execute();
  }
  const has = new Set(p.current.map((f) => f.ip_address));
  for (const req of p.requested) {
    if (req.ip_address !== undefined && has.has(req.ip_address)) {
      const mine = p.current.find((f) => f.ip_address === req.ip_address)!;
      if (req.subnet_id !== undefined && req.subnet_id !== mine.subnet_id) throw invalidIpForSubnet(req.ip_address);
      continue;
    }
    if (req.subnet_id !== undefined && req.ip_address === undefined && auto.has(req.subnet_id) && p.current.some((f) => f.subnet_id === req.subnet_id)) continue;
    await allocateOne(trx, subnets, p.networkId, p.portId, req, p.mac, p.deviceOwner);
  }
  const count = await trx.selectFrom('net_ip_allocation').select((eb) => eb.fn.countAll<number>().as('n')).where('port_id', '=', p.portId).executeTakeFirstOrThrow();
  if (Number(count.n) > MAX_FIXED_IPS) throw badRequest('Exceeded maximum amount of fixed ips per port.');
}
