// The ports a server holds, as compute's build, moves, interface changes and delete need them:
// made or taken over, bound to a host (and wired there), unbound, released; and what the guest
// gets from them (NICs, network_data.json) and the interface views.
import { tapName } from '../../agent/network/host-state.js';
import type { CheckedNetworks, PortOwner, ServerPort } from '../../compute/network-access.js';
import { networkData, type NetworkDataPort, type NetworkDataSubnet } from '../../compute/metadata/network-data.js';
import { json, now } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { SubnetRow } from '../network.tables.js';
import { createPortRecord, deletePortRecord } from '../ports/port-records.js';

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function allocatePorts(ctx: NetworkContext, owner: PortOwner, request: CheckedNetworks, existing: ServerPort[]): Promise<ServerPort[]> {
  const out = [...existing];
  const db = ctx.deps.db;
  const deviceOwner = `compute:${owner.zone ?? 'nova'}`;
  try {
    for (const nic of request.nics.slice(existing.length)) {
      if (nic.portId) {
        const res = await db.updateTable('net_port')
          .set((eb) => ({ device_id: owner.uuid, device_owner: deviceOwner, updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
          .where('id', '=', nic.portId).where('device_id', '=', '').executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw new Error(`Port ${nic.portId} is still in use.`);
        out.push({ id: nic.portId, created: false });
        continue;
      }
      try {
        const id = await createPortRecord(ctx, {
          networkId: nic.networkId!, projectId: owner.projectId, deviceOwner, deviceId: owner.uuid,
          fixedIps: nic.fixedIp ? [{ ip_address: nic.fixedIp }] : undefined,
          securityGroups: request.securityGroupIds.length ? request.securityGroupIds : undefined,
        });
        out.push({ id, created: true });
      } catch (err) {
        throw new Error(`Port creation on network ${nic.networkId} failed: ${reason(err)}`);
      }
    }
  } catch (err) {
    // All or nothing: what this call made or took is given back, so no port is left pointing at a
    // server that does not record it.
    await releasePorts(ctx, out.slice(existing.length)).catch(() => undefined);
    throw err;
  }
  return out;
}

export async function bindPorts(ctx: NetworkContext, portIds: string[], host: string): Promise<void> {
  if (portIds.length === 0) return;
  await ctx.deps.db.updateTable('net_port')
    .set((eb) => ({ binding_host_id: host, binding_vif_type: 'bridge', updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
    .where('id', 'in', portIds).execute();
  const result = await ctx.sync.applyHost(host);
  const failed = result.ports.filter((p) => portIds.includes(p.id) && p.status === 'ERROR');
  if (failed.length) throw new Error(failed.map((p) => `port ${p.id} failed on ${host}: ${p.reason ?? 'unknown reason'}`).join('; '));
}

export async function unbindPorts(ctx: NetworkContext, portIds: string[]): Promise<void> {
  if (portIds.length === 0) return;
  await ctx.deps.db.updateTable('net_port')
    .set((eb) => ({ binding_host_id: '', binding_vif_type: 'unbound', status: 'DOWN', updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
    .where('id', 'in', portIds).execute();
  ctx.sync.changed();
}

export async function releasePorts(ctx: NetworkContext, ports: ServerPort[]): Promise<void> {
  if (ports.length === 0) return;
  for (const p of ports.filter((x) => x.created)) await deletePortRecord(ctx, p.id);
  const kept = ports.filter((x) => !x.created).map((x) => x.id);
  if (kept.length) {
    await ctx.deps.db.updateTable('net_port')
      .set((eb) => ({ device_id: '', device_owner: '', binding_host_id: '', binding_vif_type: 'unbound', status: 'DOWN',
        updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
      .where('id', 'in', kept).execute();
  }
  ctx.sync.changed();
}

const subnetData = (s: SubnetRow): NetworkDataSubnet => ({
  id: s.id, ipVersion: s.ip_version, cidr: s.cidr, gatewayIp: s.gateway_ip, enableDhcp: s.enable_dhcp === 1,
  dnsNameservers: json<string[]>(s.dns_nameservers, []), hostRoutes: json(s.host_routes, []),
});

export async function guestNetwork(ctx: NetworkContext, portIds: string[]) {
  if (portIds.length === 0) return { nics: [], networkData: networkData([]) };
  const db = ctx.deps.db;
  const ports = await db.selectFrom('net_port').innerJoin('net_network', 'net_network.id', 'net_port.network_id')
    .select(['net_port.id', 'net_port.mac_address', 'net_port.network_id', 'net_network.mtu']).where('net_port.id', 'in', portIds).execute();
  const ips = await db.selectFrom('net_ip_allocation').innerJoin('net_subnet', 'net_subnet.id', 'net_ip_allocation.subnet_id')
    .selectAll('net_subnet').select(['net_ip_allocation.port_id', 'net_ip_allocation.ip_address'])
    .where('net_ip_allocation.port_id', 'in', portIds).execute();
  const byId = new Map(ports.map((p) => [p.id, p]));
  const data: NetworkDataPort[] = [];
  for (const id of portIds) {
    const p = byId.get(id);
    if (!p) continue;
    data.push({
      id, tap: tapName(id), mac: p.mac_address, mtu: p.mtu, networkId: p.network_id,
      fixedIps: ips.filter((i) => i.port_id === id).sort((a, b) => a.ip_version - b.ip_version)
        .map((i) => ({ ip: i.ip_address, subnet: subnetData(i) })),
    });
  }
  return { nics: data.map((d) => ({ tap: d.tap, mac: d.mac })), networkData: networkData(data) };
}

export async function interfaces(ctx: NetworkContext, uuid: string) {
  const db = ctx.deps.db;
  const ports = await db.selectFrom('net_port').select(['id', 'network_id', 'mac_address', 'status']).where('device_id', '=', uuid)
    .where('device_owner', 'like', 'compute:%').orderBy('created_at').execute();
  if (ports.length === 0) return [];
  const ips = await db.selectFrom('net_ip_allocation').select(['port_id', 'subnet_id', 'ip_address']).where('port_id', 'in', ports.map((p) => p.id)).execute();
  return ports.map((p) => ({
    port_state: p.status, port_id: p.id, net_id: p.network_id, mac_addr: p.mac_address,
    fixed_ips: ips.filter((i) => i.port_id === p.id).map((i) => ({ subnet_id: i.subnet_id, ip_address: i.ip_address })),
  }));
}

/** Frees one address of the server's port holding it; the port keeps its other addresses. */
export async function removeFixedIp(ctx: NetworkContext, uuid: string, address: string): Promise<boolean> {
  const removed = await ctx.deps.db.transaction().execute(async (trx) => {
    const hit = await trx.selectFrom('net_ip_allocation').innerJoin('net_port', 'net_port.id', 'net_ip_allocation.port_id')
      .select(['net_ip_allocation.port_id', 'net_ip_allocation.subnet_id']).where('net_port.device_id', '=', uuid)
      .where('net_port.device_owner', 'like', 'compute:%').where('net_ip_allocation.ip_address', '=', address).executeTakeFirst();
    if (!hit) return false;
    await trx.deleteFrom('net_ip_allocation').where('subnet_id', '=', hit.subnet_id).where('ip_address', '=', address).execute();
    await trx.updateTable('net_port').set((eb) => ({ updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
      .where('id', '=', hit.port_id).execute();
    return true;
  });
  if (removed) ctx.sync.changed();
  return removed;
}
