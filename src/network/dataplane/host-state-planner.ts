// Reads what one host must run from the database and hands the rows to the pure mapping
// (plan-mapping.ts). Only the rows of the networks the host carries are read.
import type { HostNetworkState } from '../../agent/network/host-state.js';
import type { NetworkContext } from '../context.js';
import type { PortRow } from '../network.tables.js';
import { routerStates } from '../routers/router-state.js';
import { securityGroupStates } from '../security-groups/security-group-state.js';
import { isComputePort, mapHostState, ROUTER_GATEWAY_OWNER, ROUTER_INTERFACE_OWNER, type PlanRows } from './plan-mapping.js';

/** Registered agents: host → VTEP. */
export async function agentVteps(ctx: NetworkContext): Promise<Map<string, string | null>> {
  const rows = await ctx.deps.db.selectFrom('net_agent').select(['host', 'vtep']).execute();
  return new Map(rows.map((r) => [r.host, r.vtep]));
}

/** The desired state of `host`, from the database. */
export async function planHost(ctx: NetworkContext, host: string, vteps?: Map<string, string | null>): Promise<HostNetworkState> {
  return mapHostState(await loadPlanRows(ctx, host, vteps));
}

export async function loadPlanRows(ctx: NetworkContext, host: string, knownVteps?: Map<string, string | null>): Promise<PlanRows> {
  const { db, config } = ctx.deps;
  const gatewayHost = config.network.gatewayHost;
  const isGateway = host === gatewayHost;
  const vteps = knownVteps ?? await agentVteps(ctx);

  const vmPorts = await db.selectFrom('net_port').select(['id', 'network_id'])
    .where('binding_host_id', '=', host).where('device_owner', 'like', 'compute:%').execute();
  const networkIds = new Set(vmPorts.map((p) => p.network_id));
  const routers = isGateway ? await routerStates(ctx) : [];
  if (isGateway) {
    const dhcpNets = await db.selectFrom('net_subnet').select('network_id').distinct().where('enable_dhcp', '=', 1).execute();
    const legNets = await db.selectFrom('net_port').select('network_id').distinct()
      .where('device_owner', 'in', [ROUTER_INTERFACE_OWNER, ROUTER_GATEWAY_OWNER]).execute();
    for (const r of [...dhcpNets, ...legNets]) networkIds.add(r.network_id);
    for (const r of routers) {
      if (r.gateway) networkIds.add(r.gateway.networkId);
      for (const leg of r.interfaces) networkIds.add(leg.networkId);
    }
  }
  const ids = [...networkIds];
  const none = { networks: [], segments: [], subnets: [], ports: [] as PortRow[], allocations: [] };
  const loaded = ids.length === 0 ? none : {
    networks: await db.selectFrom('net_network').selectAll().where('id', 'in', ids).execute(),
    segments: await db.selectFrom('net_segment').selectAll().where('network_id', 'in', ids).execute(),
    subnets: await db.selectFrom('net_subnet').selectAll().where('network_id', 'in', ids).execute(),
    ports: await db.selectFrom('net_port').selectAll().where('network_id', 'in', ids).execute(),
    allocations: await db.selectFrom('net_ip_allocation').selectAll().where('network_id', 'in', ids).execute(),
  };

  const localVmIds = vmPorts.map((p) => p.id);
  const portGroups = new Map<string, string[]>();
  if (localVmIds.length) {
    const rows = await db.selectFrom('net_port_security_group').selectAll().where('port_id', 'in', localVmIds).execute();
    for (const r of rows) portGroups.set(r.port_id, [...(portGroups.get(r.port_id) ?? []), r.security_group_id]);
  }
  const groupIds = [...new Set([...portGroups.values()].flat())];
  const securityGroups = groupIds.length ? await securityGroupStates(ctx.deps, groupIds) : [];

  const instanceIds = isGateway ? [...new Set(loaded.ports.filter(isComputePort).map((p) => p.device_id).filter(Boolean))] : [];
  return {
    host, gatewayHost, vteps, ...loaded, portGroups, securityGroups, routers,
    instanceHostnames: await instanceHostnames(ctx, instanceIds),
    defaultDns: config.network.defaultDnsNameservers,
  };
}

/** compute_instance.hostname by uuid; empty when compute's table is not there (network-only tests). */
async function instanceHostnames(ctx: NetworkContext, uuids: string[]): Promise<Map<string, string>> {
  if (!uuids.length) return new Map();
  // compute's table is not part of the network schema type: query it untyped.
  const db = ctx.deps.db as unknown as import('kysely').Kysely<{ compute_instance: { uuid: string; hostname: string } }>;
  try {
    const rows = await db.selectFrom('compute_instance').select(['uuid', 'hostname']).where('uuid', 'in', uuids).execute();
    return new Map(rows.map((r) => [r.uuid, r.hostname]));
  } catch (err) {
    ctx.deps.log.debug({ err: String(err) }, 'instance hostnames unavailable for DHCP');
    return new Map();
  }
}
