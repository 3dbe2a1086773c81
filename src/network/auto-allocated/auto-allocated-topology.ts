// get-me-a-network: a project's auto-allocated topology is a network `auto_allocated_network` with
// one IPv4 subnet and a router `auto_allocated_router` whose gateway is on the default external
// network (is_default) and which has an interface on the subnet. Made once per project, found by
// those names afterwards; both the API (/v2.0/auto-allocated-topology) and Nova's `networks: auto` use it.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { conflict, neutronError, now } from '../common.js';
import type { NetworkContext } from '../context.js';
import { cidrText, formatIp, overlaps, parseCidr, type Cidr } from '../ipam/ip.js';
import type { NetworkRow, NetworkTables } from '../network.tables.js';
import { insertSegment, maxMtu } from '../networks/segments.js';
import { createPortRecord, deletePortRecord } from '../ports/port-records.js';

export const NETWORK_NAME = 'auto_allocated_network';
export const SUBNET_NAME = 'auto_allocated_subnet_v4';
export const ROUTER_NAME = 'auto_allocated_router';
/** Subnets are /26s carved from this range, the first one no subnet of the project overlaps. */
const POOL = '10.0.0.0/16';
const PREFIX = 26;

type Trx = Transaction<NetworkTables>;

export const noDefaultExternal = () =>
  conflict('AutoAllocationFailure', 'Deployment error: No default router:external network.');

export async function defaultExternalNetwork(ctx: NetworkContext): Promise<NetworkRow | undefined> {
  return ctx.deps.db.selectFrom('net_network').selectAll().where('router_external', '=', 1).where('is_default', '=', 1)
    .orderBy('created_at').executeTakeFirst();
}

/** The project's auto-allocated network id, if it has one. */
export async function existingTopology(ctx: NetworkContext, projectId: string): Promise<string | undefined> {
  const row = await ctx.deps.db.selectFrom('net_network').select('id').where('project_id', '=', projectId)
    .where('name', '=', NETWORK_NAME).orderBy('created_at').executeTakeFirst();
  return row?.id;
}

async function freeCidr(trx: Trx, projectId: string): Promise<Cidr> {
  const taken = (await trx.selectFrom('net_subnet').select('cidr').where('project_id', '=', projectId).execute())
    .map((s) => parseCidr(s.cidr)).filter((c): c is Cidr => c !== null);
  const pool = parseCidr(POOL)!;
  const step = 1n << BigInt(32 - PREFIX);
  for (let net = pool.network; net < pool.network + (1n << BigInt(32 - pool.prefix)); net += step) {
    const c = parseCidr(`${formatIp(4, net)}/${PREFIX}`)!;
    if (!taken.some((t) => overlaps(t, c))) return c;
  }
  throw conflict('AutoAllocationFailure', 'Deployment error: No free address range for the auto-allocated subnet.');
}

async function build(ctx: NetworkContext, trx: Trx, projectId: string, external: NetworkRow): Promise<string> {
  const config = ctx.deps.config.network;
  const at = now();
  const std = { project_id: projectId, description: '', created_at: at, updated_at: at, revision_number: 0 };
  const networkId = randomUUID();
  await trx.insertInto('net_network').values({
    ...std, id: networkId, name: NETWORK_NAME, admin_state_up: 1, status: 'ACTIVE', shared: 0, router_external: 0, is_default: 0,
    mtu: maxMtu(config, 'vxlan'), port_security_enabled: 1, availability_zone_hints: '[]',
  }).execute();
  await insertSegment(trx, config, networkId, { type: 'vxlan', physnet: null, vni: null });
  const cidr = await freeCidr(trx, projectId);
  const gateway = formatIp(4, cidr.network + 1n);
  const subnetId = randomUUID();
  await trx.insertInto('net_subnet').values({
    ...std, id: subnetId, name: SUBNET_NAME, network_id: networkId, ip_version: 4, cidr: cidrText(cidr), gateway_ip: gateway,
    enable_dhcp: 1, allocation_pools: JSON.stringify([{ start: formatIp(4, cidr.network + 2n), end: formatIp(4, cidr.network + (1n << BigInt(32 - PREFIX)) - 2n) }]),
    dns_nameservers: JSON.stringify(config.defaultDnsNameservers), host_routes: '[]', ipv6_ra_mode: null, ipv6_address_mode: null, subnetpool_id: null,
  }).execute();
  const routerId = randomUUID();
  const gwPort = await createPortRecord(ctx, {
    networkId: external.id, projectId: '', deviceOwner: 'network:router_gateway', deviceId: routerId, securityGroups: [], portSecurityEnabled: false,
  }, trx);
  await trx.insertInto('net_router').values({
    ...std, id: routerId, name: ROUTER_NAME, admin_state_up: 1, status: 'ACTIVE', gw_network_id: external.id, gw_port_id: gwPort,
    enable_snat: 1, routes: '[]', availability_zone_hints: '[]',
  }).execute();
  await createPortRecord(ctx, {
    networkId, projectId, deviceOwner: 'network:router_interface', deviceId: routerId,
    fixedIps: [{ subnet_id: subnetId, ip_address: gateway }], securityGroups: [], portSecurityEnabled: false,
  }, trx);
  return networkId;
}

/** The project's auto-allocated network, made now if missing (409 AutoAllocationFailure without a default external network). */
export async function ensureAutoAllocatedNetwork(ctx: NetworkContext, projectId: string): Promise<string> {
  const found = await existingTopology(ctx, projectId);
  if (found) return found;
  const external = await defaultExternalNetwork(ctx);
  if (!external) throw noDefaultExternal();
  for (let attempt = 0; ; attempt++) {
    try {
      const id = await ctx.deps.db.transaction().execute(async (trx) => {
        await serializeOn(trx, `auto-allocate:${projectId}`);
        const again = await trx.selectFrom('net_network').select('id').where('project_id', '=', projectId).where('name', '=', NETWORK_NAME).executeTakeFirst();
        return again?.id ?? build(ctx, trx, projectId, external);
      });
      ctx.sync.changed();
      return id;
    } catch (err) {
      // A VNI taken by a racing network create: take the next one.
      if (isUniqueViolation(err) && attempt < 5) continue;
      throw err;
    }
  }
}

/** Removes the topology (router interface and gateway, router, subnet, network); 409 while servers use it. */
export async function deleteAutoAllocatedTopology(ctx: NetworkContext, projectId: string): Promise<void> {
  const networkId = await existingTopology(ctx, projectId);
  if (!networkId) throw neutronError(404, 'NotFound', `Auto allocated topology for project ${projectId} could not be found.`);
  const db = ctx.deps.db;
  const router = await db.selectFrom('net_router').selectAll().where('project_id', '=', projectId).where('name', '=', ROUTER_NAME).executeTakeFirst();
  await db.transaction().execute(async (trx) => {
    const ports = await trx.selectFrom('net_port').select(['id', 'device_id', 'device_owner']).where('network_id', '=', networkId).execute();
    const foreign = ports.filter((p) => !(router && p.device_id === router.id) && p.device_owner !== 'network:dhcp');
    if (foreign.length) throw conflict('NetworkInUse', `Unable to complete operation on network ${networkId}. There are one or more ports still in use on the network.`);
    for (const p of ports) await deletePortRecord(ctx, p.id, trx);
    if (router) {
      await trx.deleteFrom('net_router').where('id', '=', router.id).execute();
      if (router.gw_port_id) await deletePortRecord(ctx, router.gw_port_id, trx);
    }
    await trx.deleteFrom('net_subnet').where('network_id', '=', networkId).execute();
    await trx.deleteFrom('net_segment').where('network_id', '=', networkId).execute();
    await trx.deleteFrom('net_tag').where('resource_id', '=', networkId).execute();
    await trx.deleteFrom('net_network').where('id', '=', networkId).execute();
  });
  ctx.sync.changed();
}
