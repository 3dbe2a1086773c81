// The subnet checks that need the cidr: gateway, pools, IPv6 modes, overlap on the network.
import type { Transaction } from 'kysely';
import { serializeOn } from '../../platform/db/serialize.js';
import { conflict, invalidInput } from '../common.js';
import { cidrText, contains, lastAddress, overlaps, parseCidr, parseIp, type Cidr } from '../ipam/ip.js';
import type { NetworkTables } from '../network.tables.js';
import { checkGatewayOutsidePools, defaultPools, validatePools, type Pool } from './allocation-pools.js';

/** The gateway must be an address of the subnet (Nubis refuses off-link gateways) and not its network or broadcast address. */
export function checkGateway(c: Cidr, gateway: string): void {
  const g = parseIp(gateway)!;
  if (g.version !== c.version) throw invalidInput(`gateway_ip '${gateway}' does not match the ip_version '${c.version}'`);
  const edge = c.version === 4 && c.prefix < 31 && (g.value === c.network || g.value === lastAddress(c));
  if (!contains(c, g.value) || edge) throw invalidInput('Gateway is not valid on subnet');
}

/** Neutron's IPv6 rules: modes only on IPv6, equal when both set, SLAAC modes need a /64. */
export function checkIpv6Modes(c: Cidr, ra: string | null, addr: string | null): void {
  if (c.version === 4) {
    if (ra || addr) throw invalidInput('ipv6_ra_mode or ipv6_address_mode cannot be set when ip_version is 4');
    return;
  }
  if (ra && addr && ra !== addr) {
    throw invalidInput(`ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${addr}' is not valid. If both attributes are set, they must be the same value`);
  }
  const mode = addr ?? ra;
  if ((mode === 'slaac' || mode === 'dhcpv6-stateless') && c.prefix !== 64) {
    throw invalidInput(`Invalid CIDR ${cidrText(c)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`);
  }
}

/** Pools asked (validated) or the default ones, with the gateway kept outside them. */
export function resolvePools(c: Cidr, gateway: string | null, asked: Pool[] | undefined): Pool[] {
  if (asked === undefined) return defaultPools(c, gateway);
  const pools = validatePools(c, cidrText(c), asked);
  checkGatewayOutsidePools(gateway, pools);
  return pools;
}

/** 400 InvalidInput when the cidr overlaps another subnet of the same network (serialised per network, so racing creates cannot both pass). */
export async function checkNoOverlap(trx: Transaction<NetworkTables>, networkId: string, c: Cidr): Promise<void> {
  await serializeOn(trx, `network-subnets:${networkId}`);
  const others = await trx.selectFrom('net_subnet').select('cidr').where('network_id', '=', networkId).execute();
  for (const o of others) {
    const oc = parseCidr(o.cidr);
    if (oc && overlaps(oc, c)) {
      throw invalidInput(`Requested subnet with cidr: ${cidrText(c)} for network: ${networkId} overlaps with another subnet.`);
    }
  }
}

/** 409 GatewayIpInUse when a port other than a router interface holds the new gateway address. */
export async function checkGatewayFree(trx: Transaction<NetworkTables>, subnetId: string, gateway: string): Promise<void> {
  const holder = await trx.selectFrom('net_ip_allocation').innerJoin('net_port', 'net_port.id', 'net_ip_allocation.port_id')
    .select(['net_port.id', 'net_port.device_owner']).where('net_ip_allocation.subnet_id', '=', subnetId)
    .where('net_ip_allocation.ip_address', '=', gateway).executeTakeFirst();
  if (holder && !holder.device_owner.startsWith('network:router_interface')) {
    throw conflict('GatewayIpInUse', `Current gateway ip ${gateway} already in use by port ${holder.id}. Unable to update.`);
  }
}
