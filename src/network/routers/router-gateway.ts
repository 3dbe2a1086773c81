// Setting and clearing a router's external gateway: the gateway port on the external network
// (device_owner network:router_gateway, no project), the SNAT flag, and the checks Neutron makes.
import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, enforce, notFound, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { NetworkTables, RouterRow } from '../network.tables.js';
import { loadVisibleNetwork } from '../networks/network-access.js';
import { createPortRecord, deletePortRecord } from '../ports/port-records.js';
import type { GatewayRequest } from './router-body.js';
import { l3Errors, ROUTER_GATEWAY } from './router-errors.js';
import { allocationsOf, routerPorts } from './router-reads.js';
import { badResourceRequest } from './request-body.js';

/**
 * Checks made before the transaction (they read through the shared handle): the caller may see the
 * network, it is external, and the caller may set what it asked (enable_snat and fixed IPs are admin's).
 */
export async function precheckGateway(ctx: NetworkContext, auth: AuthContext, action: 'create' | 'update', projectId: string,
  gw: GatewayRequest | null | undefined): Promise<void> {
  if (!gw) return;
  const tgt = target(auth, projectId);
  if (gw.enableSnat !== undefined) enforce(ctx.deps, auth, `${action}_router:external_gateway_info:enable_snat`, tgt);
  if (gw.fixedIps !== undefined) enforce(ctx.deps, auth, `${action}_router:external_gateway_info:external_fixed_ips`, tgt);
  const network = await loadVisibleNetwork(ctx, auth, gw.networkId);
  if (network.router_external !== 1) throw badResourceRequest('router', `Network ${gw.networkId} is not an external network`);
}

/** Applies `gw` (null: clear) to the router inside `trx`; returns the router columns to update. */
export async function applyGateway(ctx: NetworkContext, trx: Transaction<NetworkTables>, router: RouterRow,
  gw: GatewayRequest | null): Promise<Partial<RouterRow>> {
  if (gw === null) {
    if (!router.gw_network_id) return {};
    await removeGatewayPort(ctx, trx, router);
    return { gw_network_id: null, gw_port_id: null, enable_snat: 1 };
  }
  const snat = { enable_snat: gw.enableSnat === false ? 0 : 1 };
  if (router.gw_network_id === gw.networkId && router.gw_port_id) {
    if (!gw.fixedIps || !(await fixedIpsDiffer(trx, router.gw_port_id, gw.fixedIps))) return snat;
    // New addresses on the same network: the port is replaced (its addresses are freed first).
    await deletePortRecord(ctx, router.gw_port_id, trx);
  } else if (router.gw_network_id) {
    await removeGatewayPort(ctx, trx, router);
  }
  const subnets = await trx.selectFrom('net_subnet').selectAll().where('network_id', '=', gw.networkId).execute();
  if (subnets.length === 0 && (gw.fixedIps?.length ?? 0) > 0) throw notFoundSubnetOf(gw);
  for (const ip of gw.fixedIps ?? []) {
    if (ip.ip_address && subnets.some((s) => s.gateway_ip === ip.ip_address)) {
      throw badResourceRequest('router', `External IP ${ip.ip_address} is the same as the gateway IP`);
    }
  }
  const onNetwork = new Set(subnets.map((s) => s.id));
  for (const leg of await routerPorts(trx, [router.id])) {
    const clash = leg.ips.find((a) => onNetwork.has(a.subnet_id));
    if (clash && leg.port.id !== router.gw_port_id) throw badResourceRequest('router', `Router already has a port on subnet ${clash.subnet_id}`);
  }
  const portId = await createPortRecord(ctx, {
    networkId: gw.networkId, projectId: '', name: '', deviceOwner: ROUTER_GATEWAY, deviceId: router.id,
    fixedIps: gw.fixedIps, securityGroups: [], adminStateUp: true,
  }, trx);
  return { gw_network_id: gw.networkId, gw_port_id: portId, ...snat };
}

/** Deletes the gateway port unless floating IPs are NATed by this router (they need the gateway). */
async function removeGatewayPort(ctx: NetworkContext, trx: Transaction<NetworkTables>, router: RouterRow): Promise<void> {
  const used = await trx.selectFrom('net_floating_ip').select('id').where('router_id', '=', router.id).executeTakeFirst();
  if (used) throw l3Errors.gatewayInUseByFloatingIp(router.id, router.gw_network_id!);
  if (router.gw_port_id) await deletePortRecord(ctx, router.gw_port_id, trx);
}

async function fixedIpsDiffer(trx: Transaction<NetworkTables>, portId: string, asked: NonNullable<GatewayRequest['fixedIps']>): Promise<boolean> {
  const have = (await allocationsOf(trx, [portId])).get(portId) ?? [];
  const askedSubnets = new Set(asked.flatMap((a) => (a.subnet_id ? [a.subnet_id] : [])));
  const askedIps = new Set(asked.flatMap((a) => (a.ip_address ? [a.ip_address] : [])));
  const sameSubnets = askedSubnets.size === 0 || (askedSubnets.size === new Set(have.map((a) => a.subnet_id)).size
    && have.every((a) => askedSubnets.has(a.subnet_id)));
  const sameIps = askedIps.size === 0 || (askedIps.size === have.length && have.every((a) => askedIps.has(a.ip_address)));
  return !(sameSubnets && sameIps);
}

const notFoundSubnetOf = (gw: GatewayRequest) => {
  const subnetId = gw.fixedIps?.find((f) => f.subnet_id)?.subnet_id;
  return subnetId ? notFound.subnet(subnetId) : badRequest(`No subnets on external network ${gw.networkId}`);
};

