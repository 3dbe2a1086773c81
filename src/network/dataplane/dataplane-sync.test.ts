// The control plane's dataplane sync against fake agents on the bus: what each host is sent, the
// DHCP ports it makes, the statuses it writes back, agent restarts and coalescing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ApplyResult, HostNetworkState, NetworkDataplane, PortOutcome } from '../../agent/network/host-state.js';
import { NetworkAgent } from '../../agent/network/network-agent.js';
import { loadConfig } from '../../platform/config.js';
import type { NetworkContext } from '../context.js';
import type { HostSync } from './dataplane-sync.js';
import { createPortRecord } from '../ports/port-records.js';
import { ensureDefaultExternalNetwork } from './default-external-network.js';
import { instanceForMetadata } from './metadata-lookup.js';

/** Records every state it is sent; every port comes up ACTIVE unless `fail` names it. */
class FakeDataplane implements NetworkDataplane {
  states: HostNetworkState[] = [];
  fail = new Set<string>();
  get last(): HostNetworkState | undefined { return this.states.at(-1); }
  async apply(state: HostNetworkState): Promise<ApplyResult> {
    this.states.push(state);
    const ids = [...state.ports.map((p) => p.id), ...state.dhcp.map((d) => d.portId),
      ...state.routers.flatMap((r) => [...r.interfaces.map((l) => l.portId), ...(r.gateway ? [r.gateway.portId] : [])])];
    return { ports: ids.map((id): PortOutcome => (this.fail.has(id) ? { id, status: 'ERROR', reason: 'tap refused' } : { id, status: 'ACTIVE' })) };
  }
  async teardown(): Promise<void> { this.states = []; }
}

const silent = pino({ level: 'silent' });
const randomUUIDLike = () => `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`;
const suffix = randomBytes(3).toString('hex');
const H1 = `nbh1-${suffix}`, H2 = `nbh2-${suffix}`, GW = `nbgw-${suffix}`, NOAGENT = `nbh9-${suffix}`;
const VTEP = { [H1]: '192.0.2.11', [H2]: '192.0.2.12', [GW]: '192.0.2.19' } as Record<string, string>;

/** Polls until `check` returns a truthy value (the sync works in the background). */
async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('network dataplane sync (fake agents)', () => {
  let t: TestCloud;
  let admin: string;
  let ctx: NetworkContext;
  let sync: HostSync;
  const agents = new Map<string, { agent: NetworkAgent; dp: FakeDataplane }>();
  let netId = '';
  let subnetId = '';
  let extId = '';
  let vmPort: { id: string; mac_address: string; fixed_ips: Array<{ ip_address: string }> };

  const startAgent = async (host: string) => {
    const dp = new FakeDataplane();
    const agent = new NetworkAgent(host, dp, t.cloud.platform.bus, { vtep: VTEP[host], metadataSocket: null }, silent);
    await agent.start();
    agents.set(host, { agent, dp });
    return dp;
  };
  const dp = (host: string) => agents.get(host)!.dp;
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await t.request(method, `/network/v2.0${url}`, { token: admin, body });
    assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${res.text}`);
    return res.body;
  };
  const createVmPort = async (host: string, deviceId: string) => (await api('POST', '/ports', {
    port: { network_id: netId, device_owner: 'compute:nova', device_id: deviceId, 'binding:host_id': host },
  })).port;

  before(async () => {
    const network = { ...loadConfig({ stateDir: tmpdir() }, {}).network, dataplane: 'none' as const, defaultExternal: null, gatewayHost: GW };
    t = await startTestCloud({ network });
    admin = await t.adminToken();
    ctx = t.cloud.network.ctx;
    sync = ctx.sync as HostSync;
  });
  after(async () => {
    for (const { agent } of agents.values()) await agent.stop();
    await t?.close();
  });

  it('registers starting agents and pushes each its state', async () => {
    for (const h of [H1, GW]) await startAgent(h);
    const rows = await ctx.deps.db.selectFrom('net_agent').selectAll().where('host', 'in', [H1, GW]).orderBy('host').execute();
    assert.deepEqual(rows.map((r) => [r.host, r.vtep]).sort(), [[GW, VTEP[GW]], [H1, VTEP[H1]]].sort());
    await until('first pushes', async () => dp(H1).last && dp(GW).last);
    assert.equal(dp(H1).last!.host, H1);
    assert.deepEqual(dp(H1).last!.ports, []);
  });

  it('makes the DHCP port on the gateway host when a DHCP subnet appears', async () => {
    netId = (await api('POST', '/networks', { network: { name: `nb-net-${suffix}` } })).network.id;
    subnetId = (await api('POST', '/subnets', { subnet: { network_id: netId, cidr: '10.77.0.0/24', ip_version: 4 } })).subnet.id;
    await sync.idle();
    const dhcp = await until('DHCP server on the gateway', async () => dp(GW).last?.dhcp.find((d) => d.networkId === netId));
    const ports = (await api('GET', `/ports?network_id=${netId}&device_owner=network:dhcp`)).ports;
    assert.equal(ports.length, 1);
    assert.equal(ports[0].device_id, `dhcp-${netId}`);
    assert.equal(ports[0].fixed_ips.length, 1);
    assert.equal(ports[0].fixed_ips[0].subnet_id, subnetId);
    assert.equal(dhcp.portId, ports[0].id);
    assert.deepEqual(dhcp.addresses, [`${ports[0].fixed_ips[0].ip_address}/24`]);
    assert.equal(dhcp.metadata, true);
    await until('DHCP port ACTIVE', async () => (await api('GET', `/ports/${ports[0].id}`)).port.status === 'ACTIVE');
    // H1 has no port on the network: it does not carry it.
    assert.equal(dp(H1).last!.networks.some((n) => n.id === netId), false);
  });

  it('sends a bound VM port to its host, marks it ACTIVE and tells the gateway its VTEP', async () => {
    vmPort = await createVmPort(H1, 'nb-instance-1');
    await until('port ACTIVE', async () => (await api('GET', `/ports/${vmPort.id}`)).port.status === 'ACTIVE');
    const s1 = dp(H1).last!;
    const p = s1.ports.find((x) => x.id === vmPort.id)!;
    assert.ok(p, 'the port is in its host state');
    assert.equal(p.mac, vmPort.mac_address);
    assert.deepEqual(p.fixedIps, [vmPort.fixed_ips[0].ip_address]);
    const n1 = s1.networks.find((n) => n.id === netId)!;
    assert.equal(n1.type, 'vxlan');
    assert.deepEqual(n1.remoteVteps, [VTEP[GW]]);
    const dhcpMac = dp(GW).last!.dhcp.find((d) => d.networkId === netId)!.mac;
    assert.deepEqual(n1.remoteMacs, [{ mac: dhcpMac, vtep: VTEP[GW] }]);
    assert.ok(s1.securityGroups.length >= 1, 'the default group travels with the port');
    await until('gateway learns H1', async () => dp(GW).last!.networks.find((n) => n.id === netId)?.remoteVteps.includes(VTEP[H1]));
    const hosts = dp(GW).last!.dhcp.find((d) => d.networkId === netId)!.hosts;
    assert.ok(hosts.some((h) => h.mac === vmPort.mac_address && h.ip === vmPort.fixed_ips[0].ip_address));
  });

  it('adds a remote VTEP when a port of the same network lands on another host', async () => {
    await startAgent(H2);
    const p2 = await createVmPort(H2, 'nb-instance-2');
    await until('H1 sees H2', async () => {
      const n = dp(H1).last?.networks.find((x) => x.id === netId);
      return n?.remoteVteps.includes(VTEP[H2]) && n.remoteMacs.some((m) => m.mac === p2.mac_address && m.vtep === VTEP[H2]);
    });
    const n2 = await until('H2 carries the network', async () => dp(H2).last?.networks.find((x) => x.id === netId));
    assert.deepEqual(n2.remoteVteps, [VTEP[H1], VTEP[GW]].sort());
  });

  it('writes ERROR with the reason when the agent cannot wire a port', async () => {
    const bad = await createVmPort(H1, 'nb-instance-3');
    dp(H1).fail.add(bad.id);
    await sync.applyHost(H1);
    const shown = (await api('GET', `/ports/${bad.id}`)).port;
    assert.equal(shown.status, 'ERROR');
    const row = await ctx.deps.db.selectFrom('net_port').select(['status_reason', 'revision_number']).where('id', '=', bad.id).executeTakeFirstOrThrow();
    assert.equal(row.status_reason, 'tap refused');
    // The same outcome again changes nothing (no revision bump).
    await sync.applyHost(H1);
    const again = await ctx.deps.db.selectFrom('net_port').select('revision_number').where('id', '=', bad.id).executeTakeFirstOrThrow();
    assert.equal(again.revision_number, row.revision_number);
    await api('DELETE', `/ports/${bad.id}`);
  });

  it('applyHost gives the gateway the DHCP reservation before the port is wired', async () => {
    await sync.idle();
    // As compute binds a port: a record without changed(), then applyHost of its host.
    const id = await createPortRecord(ctx, { networkId: netId, projectId: '', deviceOwner: 'compute:nova', deviceId: 'nb-instance-4',
      bindingHostId: H1, securityGroups: [] });
    const result = await sync.applyHost(H1);
    assert.deepEqual(result.ports.find((p) => p.id === id), { id, status: 'ACTIVE' });
    const mac = dp(H1).last!.ports.find((p) => p.id === id)!.mac;
    assert.ok(dp(GW).last!.dhcp.find((d) => d.networkId === netId)!.hosts.some((h) => h.mac === mac), 'reservation already on the gateway');
    await api('DELETE', `/ports/${id}`);
  });

  it('leaves ports on a host without an agent DOWN', async () => {
    const orphan = await createVmPort(NOAGENT, 'nb-instance-9');
    assert.deepEqual(await sync.applyHost(NOAGENT), { ports: [] });
    await sync.idle();
    assert.equal((await api('GET', `/ports/${orphan.id}`)).port.status, 'DOWN');
    await api('DELETE', `/ports/${orphan.id}`);
  });

  it('pushes the whole state again to an agent that restarts', async () => {
    await agents.get(H1)!.agent.stop();
    const fresh = await startAgent(H1);
    const s = await until('state after restart', async () => fresh.states.find((x) => x.ports.some((p) => p.id === vmPort.id)));
    assert.ok(s.networks.some((n) => n.id === netId));
  });

  it('coalesces a burst of changes into a few passes', async () => {
    await sync.idle();
    const before = sync.passes;
    for (let i = 0; i < 100; i++) sync.changed();
    await sync.idle();
    const ran = sync.passes - before;
    assert.ok(ran >= 1 && ran <= 3, `100 changes ran ${ran} passes`);
    // Nothing changed in the database: no host is sent its (identical) state again.
    const sent = [H1, H2, GW].map((h) => dp(h).states.length);
    sync.changed();
    await sync.idle();
    assert.deepEqual([H1, H2, GW].map((h) => dp(h).states.length), sent);
  });

  it('finds the instance behind a metadata request by network and source address', async () => {
    const ip = vmPort.fixed_ips[0].ip_address;
    assert.deepEqual(await instanceForMetadata(ctx, { kind: 'network', id: netId, sourceIp: ip, method: 'GET', path: '/' }),
      { instanceUuid: 'nb-instance-1', portId: vmPort.id });
    assert.deepEqual(await instanceForMetadata(ctx, { kind: 'network', id: netId, sourceIp: `::ffff:${ip}`, method: 'GET', path: '/' }),
      { instanceUuid: 'nb-instance-1', portId: vmPort.id });
    assert.equal(await instanceForMetadata(ctx, { kind: 'network', id: netId, sourceIp: '10.77.0.250', method: 'GET', path: '/' }), null);
    assert.equal(await instanceForMetadata(ctx, { kind: 'network', id: randomUUIDLike(), sourceIp: ip, method: 'GET', path: '/' }), null,
      'the same address on another network is another instance');
    const dhcpIp = dp(GW).last!.dhcp.find((d) => d.networkId === netId)!.addresses[0].split('/')[0];
    assert.equal(await instanceForMetadata(ctx, { kind: 'network', id: netId, sourceIp: dhcpIp, method: 'GET', path: '/' }), null,
      'only compute ports answer');
  });

  it('creates the default external network once', async () => {
    const project = await t.cloud.identity.deps.db.selectFrom('project').select('id').where('name', '=', 'admin').executeTakeFirstOrThrow();
    const ext = { name: `nb-public-${suffix}`, physicalNetwork: `nbphys${suffix}`, cidr: '172.31.250.0/24', gateway: '172.31.250.1',
      poolStart: '172.31.250.10', poolEnd: '172.31.250.200' };
    const extCtx: NetworkContext = { ...ctx, deps: { ...ctx.deps, config: { ...ctx.deps.config, network: { ...ctx.deps.config.network, defaultExternal: ext } } } };
    const id = await ensureDefaultExternalNetwork(extCtx, project.id);
    extId = id!;
    assert.equal(await ensureDefaultExternalNetwork(extCtx, project.id), id);
    const net = (await api('GET', `/networks/${id}`)).network;
    assert.equal(net['router:external'], true);
    assert.equal(net.is_default, true);
    assert.equal(net['provider:network_type'], 'flat');
    assert.equal(net['provider:physical_network'], ext.physicalNetwork);
    const subnets = (await api('GET', `/subnets?network_id=${id}`)).subnets;
    assert.equal(subnets.length, 1);
    assert.deepEqual([subnets[0].cidr, subnets[0].gateway_ip, subnets[0].enable_dhcp, subnets[0].allocation_pools],
      [ext.cidr, ext.gateway, false, [{ start: ext.poolStart, end: ext.poolEnd }]]);
  });

  it('runs routers on the gateway host and marks an associated floating IP ACTIVE', async () => {
    const router = (await api('POST', '/routers', { router: { name: `nb-r-${suffix}`, external_gateway_info: { network_id: extId } } })).router;
    await api('PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: subnetId });
    const fip = (await api('POST', '/floatingips', { floatingip: { floating_network_id: extId, port_id: vmPort.id } })).floatingip;
    const r = await until('router on the gateway', async () => dp(GW).last!.routers.find((x) => x.id === router.id && x.floatingIps.length > 0));
    assert.equal(r.interfaces.length, 1);
    assert.equal(r.interfaces[0].networkId, netId);
    assert.equal(r.gateway!.networkId, extId);
    assert.deepEqual(r.floatingIps, [{ floatingIp: fip.floating_ip_address, fixedIp: vmPort.fixed_ips[0].ip_address }]);
    const s = dp(GW).last!;
    assert.ok(s.networks.some((n) => n.id === extId && n.type === 'flat'), 'the gateway host carries the external network');
    assert.equal(s.dhcp.find((d) => d.networkId === netId)!.metadata, false, 'the router serves metadata now');
    await until('floating IP ACTIVE', async () => (await api('GET', `/floatingips/${fip.id}`)).floatingip.status === 'ACTIVE');
    await until('router legs ACTIVE', async () => (await api('GET', `/ports?device_id=${router.id}`)).ports.every((p: { status: string }) => p.status === 'ACTIVE'));
    // Metadata through the router namespace: the interface subnet containing the source picks the network.
    assert.deepEqual(await instanceForMetadata(ctx, { kind: 'router', id: router.id, sourceIp: vmPort.fixed_ips[0].ip_address, method: 'GET', path: '/' }),
      { instanceUuid: 'nb-instance-1', portId: vmPort.id });
    assert.equal(await instanceForMetadata(ctx, { kind: 'router', id: router.id, sourceIp: '10.99.0.5', method: 'GET', path: '/' }), null);
    await api('PUT', `/floatingips/${fip.id}`, { floatingip: { port_id: null } });
    await until('floating IP DOWN', async () => (await api('GET', `/floatingips/${fip.id}`)).floatingip.status === 'DOWN');
    await api('DELETE', `/floatingips/${fip.id}`);
    await api('PUT', `/routers/${router.id}/remove_router_interface`, { subnet_id: subnetId });
    await api('DELETE', `/routers/${router.id}`);
    await until('router gone from the gateway', async () => !dp(GW).last!.routers.some((x) => x.id === router.id));
  });

  it('removes the DHCP port when the subnet stops serving DHCP', async () => {
    await api('PUT', `/subnets/${subnetId}`, { subnet: { enable_dhcp: false } });
    await until('DHCP port gone', async () => (await api('GET', `/ports?network_id=${netId}&device_owner=network:dhcp`)).ports.length === 0);
    await until('no DHCP server', async () => !dp(GW).last!.dhcp.some((d) => d.networkId === netId));
  });

});
