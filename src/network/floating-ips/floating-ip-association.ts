// Associating a floating IP with a port: which fixed IPv4 address, and which router NATs it (one with
// a leg on that subnet and its gateway on the floating IP's network, preferring the subnet's gateway).
import type { Transaction } from 'kysely';
import { notFound } from '../common.js';
import { parseIp } from '../ipam/ip.js';
import type { FloatingIpRow, NetworkTables } from '../network.tables.js';
import { badResourceRequest } from '../routers/request-body.js';
import { l3Errors, ROUTER_INTERFACE } from '../routers/router-errors.js';
import { allocationsOf, loadPortRow, subnetsById } from '../routers/router-reads.js';
import { serializeOn } from '../../platform/db/serialize.js';

export interface Association { portId: string; fixedIp: string; routerId: string }

type Fip = Pick<FloatingIpRow, 'id' | 'project_id' | 'floating_network_id' | 'floating_ip_address'>;

/** Validates the association of `fip` with `portId` (and `fixedIp` if given) inside `trx`. */
export async function resolveAssociation(trx: Transaction<NetworkTables>, fip: Fip, portId: string, fixedIp: string | null | undefined,
  asAdmin: boolean): Promise<Association> {
  // Two requests associating the same port must not both pass the "already associated" check.
  await serializeOn(trx, `floatingip-port:${portId}`);
  const port = await loadPortRow(trx, portId);
  if (!port) throw notFound.port(portId);
  if (port.project_id !== fip.project_id && !asAdmin) {
    throw badResourceRequest('floatingip', `Cannot process floating IP association with Port ${portId}, since that port is owned by a different tenant`);
  }
  const ips = (await allocationsOf(trx, [portId])).get(portId) ?? [];
  let chosen;
  if (fixedIp) {
    if (parseIp(fixedIp)?.version !== 4) {
      throw badResourceRequest('floatingip', `Cannot process floating IP association with ${fixedIp}, since that is not an IPv4 address`);
    }
    chosen = ips.find((a) => a.ip_address === fixedIp);
    if (!chosen) throw badResourceRequest('floatingip', `Port ${portId} does not have fixed ip ${fixedIp}`);
  } else {
    const v4 = ips.filter((a) => parseIp(a.ip_address)?.version === 4);
    if (v4.length === 0) throw badResourceRequest('floatingip', `Cannot add floating IP to port ${portId} that has no fixed IPv4 addresses`);
    if (v4.length > 1) {
      throw badResourceRequest('floatingip', `Port ${portId} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`);
    }
    chosen = v4[0]!;
  }
  const routerId = await routerFor(trx, port.network_id, chosen.subnet_id, fip.floating_network_id);
  if (!routerId) throw l3Errors.gatewayForFipNotFound(fip.floating_network_id, chosen.subnet_id, portId);
  const taken = await trx.selectFrom('net_floating_ip').select('id')
    .where('port_id', '=', portId).where('fixed_ip_address', '=', chosen.ip_address).where('id', '!=', fip.id).executeTakeFirst();
  if (taken) {
    throw l3Errors.fipPortAlreadyAssociated({
      fipAddress: fip.floating_ip_address, fipId: fip.id, portId, fixedIp: chosen.ip_address, netId: fip.floating_network_id,
    });
  }
  return { portId, fixedIp: chosen.ip_address, routerId };
}

/** Neutron's get_router_for_floatingip: routers with a leg on the subnet and a gateway on the external network. */
async function routerFor(trx: Transaction<NetworkTables>, networkId: string, subnetId: string, externalNetworkId: string): Promise<string | null> {
  const legs = await trx.selectFrom('net_port')
    .innerJoin('net_ip_allocation', 'net_ip_allocation.port_id', 'net_port.id')
    .innerJoin('net_router', 'net_router.id', 'net_port.device_id')
    .select(['net_router.id as router_id', 'net_ip_allocation.ip_address as ip_address'])
    .where('net_port.network_id', '=', networkId).where('net_port.device_owner', '=', ROUTER_INTERFACE)
    .where('net_ip_allocation.subnet_id', '=', subnetId).where('net_router.gw_network_id', '=', externalNetworkId)
    .orderBy('net_router.created_at').orderBy('net_router.id').execute();
  if (legs.length === 0) return null;
  const gatewayIp = (await subnetsById(trx, [subnetId])).get(subnetId)?.gateway_ip;
  return (legs.find((l) => l.ip_address === gatewayIp) ?? legs[0]!).router_id;
}
