// Keeps one network:dhcp port per network that has a DHCP-enabled subnet, bound to the gateway host
// with one address on each such subnet: the DHCP server's address (and its MAC in the bridge).
import type { NetworkContext } from '../context.js';
import { createPortRecord, deletePortRecord } from '../ports/port-records.js';
import { DHCP_OWNER } from './plan-mapping.js';

export const dhcpDeviceId = (networkId: string): string => `dhcp-${networkId}`;

interface DhcpPortFacts { id: string; networkId: string; deviceId: string; host: string; subnets: string[] }

/** What to do, from the facts (pure): ports to delete and networks needing a new port. */
export function planDhcpPorts(dhcpSubnets: Map<string, string[]>, ports: DhcpPortFacts[], gatewayHost: string):
  { remove: string[]; create: Array<{ networkId: string; subnetIds: string[] }> } {
  const remove: string[] = [];
  const create: Array<{ networkId: string; subnetIds: string[] }> = [];
  const same = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  const byNet = new Map<string, DhcpPortFacts[]>();
  for (const p of ports) byNet.set(p.networkId, [...(byNet.get(p.networkId) ?? []), p]);
  for (const [networkId, list] of byNet) {
    const want = dhcpSubnets.get(networkId);
    // Keep the first port that is exactly right; every other one goes.
    const keep = want ? list.find((p) => p.deviceId === dhcpDeviceId(networkId) && p.host === gatewayHost && same(p.subnets, want)) : undefined;
    for (const p of list) if (p !== keep) remove.push(p.id);
  }
  for (const [networkId, subnetIds] of dhcpSubnets) {
    const ok = (byNet.get(networkId) ?? []).some((p) => !remove.includes(p.id));
    if (!ok) create.push({ networkId, subnetIds: [...subnetIds].sort() });
  }
  return { remove, create };
}

/** Converges the network:dhcp ports to the DHCP-enabled subnets. Returns whether anything changed. */
export async function ensureDhcpPorts(ctx: NetworkContext): Promise<boolean> {
  const { db, config, log } = ctx.deps;
  const subnets = await db.selectFrom('net_subnet').select(['id', 'network_id']).where('enable_dhcp', '=', 1).execute();
  const dhcpSubnets = new Map<string, string[]>();
  for (const s of subnets) dhcpSubnets.set(s.network_id, [...(dhcpSubnets.get(s.network_id) ?? []), s.id]);
  const portRows = await db.selectFrom('net_port').select(['id', 'network_id', 'device_id', 'binding_host_id'])
    .where('device_owner', '=', DHCP_OWNER).execute();
  const allocs = portRows.length
    ? await db.selectFrom('net_ip_allocation').select(['port_id', 'subnet_id']).where('port_id', 'in', portRows.map((p) => p.id)).execute()
    : [];
  const ports = portRows.map((p) => ({
    id: p.id, networkId: p.network_id, deviceId: p.device_id, host: p.binding_host_id,
    subnets: allocs.filter((a) => a.port_id === p.id).map((a) => a.subnet_id),
  }));
  const { remove, create } = planDhcpPorts(dhcpSubnets, ports, config.network.gatewayHost);
  let changed = false;
  for (const id of remove) {
    try {
      await db.transaction().execute((trx) => deletePortRecord(ctx, id, trx));
      changed = true;
    } catch (err) {
      log.warn({ err: String(err), port: id }, 'cannot delete a stale DHCP port');
    }
  }
  for (const { networkId, subnetIds } of create) {
    try {
      await db.transaction().execute((trx) => createPortRecord(ctx, {
        networkId, projectId: '', name: '', deviceOwner: DHCP_OWNER, deviceId: dhcpDeviceId(networkId),
        fixedIps: subnetIds.map((id) => ({ subnet_id: id })), securityGroups: [], portSecurityEnabled: false,
        bindingHostId: config.network.gatewayHost,
      }, trx));
      changed = true;
    } catch (err) {
      // The subnet may be going away under us, or be full: the next pass tries again.
      log.warn({ err: String(err), network: networkId }, 'cannot create the DHCP port');
    }
  }
  return changed;
}
