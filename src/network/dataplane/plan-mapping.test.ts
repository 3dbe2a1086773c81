import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouterState } from '../../agent/network/host-state.js';
import type { IpAllocationRow, NetworkRow, PortRow, SegmentRow, SubnetRow } from '../network.tables.js';
import { planDhcpPorts } from './dhcp-ports.js';
import { dhcpHostname, isEmptyState, mapHostState, type PlanRows } from './plan-mapping.js';
import { statusChanges } from './port-status.js';

const T = '2026-01-01T00:00:00.000Z';
const std = { project_id: 'p1', name: '', description: '', created_at: T, updated_at: T, revision_number: 0 };
const NET_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const NET_B = 'bbbbbbbb-0000-4000-8000-000000000002';

const network = (id: string, over: Partial<NetworkRow> = {}): NetworkRow => ({
  ...std, id, admin_state_up: 1, status: 'ACTIVE', shared: 0, router_external: 0, is_default: 0, mtu: 1450,
  port_security_enabled: 1, availability_zone_hints: '[]', ...over,
});
const vxlan = (networkId: string, vni: number): SegmentRow =>
  ({ network_id: networkId, network_type: 'vxlan', physical_network: null, segmentation_id: vni, segment_key: `vxlan:${vni}` });
const subnet = (id: string, networkId: string, cidr: string, over: Partial<SubnetRow> = {}): SubnetRow => ({
  ...std, id, network_id: networkId, ip_version: 4, cidr, gateway_ip: cidr.replace(/0\/\d+$/, '1'), enable_dhcp: 1,
  allocation_pools: '[]', dns_nameservers: '[]', host_routes: '[]', ipv6_ra_mode: null, ipv6_address_mode: null, subnetpool_id: null, ...over,
});
const port = (id: string, networkId: string, mac: string, over: Partial<PortRow> = {}): PortRow => ({
  ...std, id, network_id: networkId, mac_address: mac, admin_state_up: 1, status: 'DOWN', status_reason: null,
  device_id: '', device_owner: '', binding_host_id: '', binding_vif_type: 'unbound', binding_vnic_type: 'normal',
  binding_profile: '{}', port_security_enabled: 1, allowed_address_pairs: '[]', extra_dhcp_opts: '[]', dns_name: '', ...over,
});
const alloc = (portId: string, subnetId: string, networkId: string, ip: string): IpAllocationRow =>
  ({ port_id: portId, subnet_id: subnetId, network_id: networkId, ip_address: ip });

/** Two compute hosts h1 and h2 and a gateway host gw; network A on h1 and h2, B only on h1. */
function rows(host: string, over: Partial<PlanRows> = {}): PlanRows {
  const vm1 = port('11111111-aaaa-4000-8000-000000000001', NET_A, 'fa:16:3e:00:00:01',
    { device_owner: 'compute:nova', device_id: 'inst-1', binding_host_id: 'h1', allowed_address_pairs: '[{"ip_address":"10.0.0.100"}]' });
  const vm2 = port('22222222-aaaa-4000-8000-000000000002', NET_A, 'fa:16:3e:00:00:02',
    { device_owner: 'compute:nova', device_id: 'inst-2', binding_host_id: 'h2' });
  const vm3 = port('33333333-bbbb-4000-8000-000000000003', NET_B, 'fa:16:3e:00:00:03',
    { device_owner: 'compute:nova', device_id: 'inst-3', binding_host_id: 'h1', admin_state_up: 0 });
  const dhcpA = port('44444444-aaaa-4000-8000-000000000004', NET_A, 'fa:16:3e:00:00:04',
    { device_owner: 'network:dhcp', device_id: `dhcp-${NET_A}`, binding_host_id: 'gw' });
  return {
    host, gatewayHost: 'gw',
    vteps: new Map<string, string | null>([['h1', '192.0.2.1'], ['h2', '192.0.2.2'], ['gw', '192.0.2.9']]),
    networks: [network(NET_A), network(NET_B, { mtu: 1400 })],
    segments: [vxlan(NET_A, 100), vxlan(NET_B, 101)],
    subnets: [subnet('sa', NET_A, '10.0.0.0/24', { dns_nameservers: '["192.0.2.53"]' }), subnet('sb', NET_B, '10.1.0.0/24', { enable_dhcp: 0 })],
    ports: [vm1, vm2, vm3, dhcpA],
    allocations: [alloc(vm1.id, 'sa', NET_A, '10.0.0.5'), alloc(vm2.id, 'sa', NET_A, '10.0.0.6'),
      alloc(vm3.id, 'sb', NET_B, '10.1.0.5'), alloc(dhcpA.id, 'sa', NET_A, '10.0.0.2')],
    portGroups: new Map([[vm1.id, ['sg-2', 'sg-1']]]),
    instanceHostnames: new Map([['inst-1', 'web-1']]),
    securityGroups: [{ id: 'sg-1', stateful: true, rules: [], members: [] }, { id: 'sg-2', stateful: true, rules: [], members: [] },
      { id: 'sg-unused', stateful: true, rules: [], members: [] }],
    routers: [], defaultDns: ['198.51.100.53'],
    ...over,
  };
}

describe('network plan mapping (rows → host state)', () => {
  it('gives a compute host its VM ports, their networks, groups and remote VTEPs/MACs', () => {
    const s = mapHostState(rows('h1'));
    assert.equal(s.host, 'h1');
    assert.deepEqual(s.ports.map((p) => [p.tap, p.networkId, p.fixedIps, p.adminStateUp, p.mtu]), [
      ['nbt-11111111-aa', NET_A, ['10.0.0.5'], true, 1450],
      ['nbt-33333333-bb', NET_B, ['10.1.0.5'], false, 1400],
    ]);
    assert.deepEqual(s.ports[0].allowedAddressPairs, [{ ipAddress: '10.0.0.100', mac: 'fa:16:3e:00:00:01' }]);
    assert.deepEqual(s.ports[0].securityGroupIds, ['sg-1', 'sg-2']);
    assert.deepEqual(s.securityGroups.map((g) => g.id), ['sg-1', 'sg-2'], 'only the groups its ports use');
    const a = s.networks.find((n) => n.id === NET_A)!;
    assert.deepEqual({ type: a.type, vni: a.vni, mtu: a.mtu }, { type: 'vxlan', vni: 100, mtu: 1450 });
    // A has a VM on h2 and a DHCP server on gw; B is only here (its subnet has no DHCP).
    assert.deepEqual(a.remoteVteps, ['192.0.2.2', '192.0.2.9']);
    assert.deepEqual(a.remoteMacs, [{ mac: 'fa:16:3e:00:00:02', vtep: '192.0.2.2' }, { mac: 'fa:16:3e:00:00:04', vtep: '192.0.2.9' }]);
    const b = s.networks.find((n) => n.id === NET_B)!;
    assert.deepEqual([b.remoteVteps, b.remoteMacs], [[], []]);
    assert.deepEqual([s.dhcp, s.routers], [[], []], 'only the gateway host runs DHCP and routers');
  });

  it('gives the gateway host the DHCP servers with reservations and hostnames', () => {
    const s = mapHostState(rows('gw'));
    assert.deepEqual(s.ports, []);
    assert.deepEqual(s.networks.map((n) => n.id), [NET_A]);
    assert.deepEqual(s.networks[0].remoteVteps, ['192.0.2.1', '192.0.2.2']);
    assert.equal(s.dhcp.length, 1);
    const d = s.dhcp[0];
    assert.equal(d.namespace, 'nbns-daaaaaaaa-00');
    assert.equal(d.portId, '44444444-aaaa-4000-8000-000000000004');
    assert.deepEqual(d.addresses, ['10.0.0.2/24']);
    assert.deepEqual(d.hosts, [
      { mac: 'fa:16:3e:00:00:01', ip: '10.0.0.5', hostname: 'web-1' },
      { mac: 'fa:16:3e:00:00:02', ip: '10.0.0.6', hostname: 'host-10-0-0-6' },
    ]);
    assert.deepEqual(d.subnets[0].dnsNameservers, ['192.0.2.53']);
    assert.equal(d.metadata, true, 'no router on the network: the DHCP namespace serves metadata');
  });

  it('turns metadata over to a router and carries router legs to the gateway host', () => {
    const leg = port('55555555-aaaa-4000-8000-000000000005', NET_B, 'fa:16:3e:00:00:05',
      { device_owner: 'network:router_interface', device_id: 'r1' });
    const base = rows('gw');
    const router: RouterState = { id: 'r1', namespace: 'nbns-rr1', adminStateUp: true, gateway: null, routes: [], floatingIps: [],
      metadata: true, interfaces: [{ portId: leg.id, networkId: NET_B, mac: leg.mac_address, addresses: ['10.1.0.1/24'], mtu: 1400 }] };
    const withLeg = { ...base, ports: [...base.ports, leg], subnets: base.subnets.map((s) => ({ ...s, enable_dhcp: 1 })), routers: [router] };
    const s = mapHostState(withLeg);
    assert.deepEqual(s.networks.map((n) => n.id).sort(), [NET_A, NET_B].sort());
    assert.deepEqual(s.routers.map((r) => r.id), ['r1']);
    // B's DHCP port does not exist yet: no server until ensureDhcpPorts made it.
    assert.deepEqual(s.dhcp.map((d) => d.networkId), [NET_A]);
    const h1 = mapHostState({ ...withLeg, host: 'h1', routers: [] });
    assert.deepEqual(h1.networks.find((n) => n.id === NET_B)!.remoteMacs, [{ mac: 'fa:16:3e:00:00:05', vtep: '192.0.2.9' }]);
  });

  it('leaves flat networks without remote VTEPs and gives an empty state to an idle host', () => {
    const r = rows('h1', { segments: [{ network_id: NET_A, network_type: 'flat', physical_network: 'public', segmentation_id: null, segment_key: 'flat:public' }, vxlan(NET_B, 101)] });
    const a = mapHostState(r).networks.find((n) => n.id === NET_A)!;
    assert.deepEqual([a.type, a.vni, a.physicalNetwork, a.remoteVteps], ['flat', null, 'public', []]);
    assert.equal(isEmptyState(mapHostState(rows('h3'))), true);
  });

  it('names DHCP hosts by instance hostname, else by address', () => {
    const p = port('x', NET_A, 'm', { device_owner: 'compute:az', device_id: 'i' });
    assert.equal(dhcpHostname(p, '10.0.0.9', new Map([['i', 'vm']])), 'vm');
    assert.equal(dhcpHostname(p, 'fd00::9', new Map()), 'host-fd00--9');
  });

  it('plans DHCP ports: keep the right one, replace on subnet change, drop without DHCP', () => {
    const good = { id: 'p1', networkId: 'n1', deviceId: 'dhcp-n1', host: 'gw', subnets: ['s1'] };
    assert.deepEqual(planDhcpPorts(new Map([['n1', ['s1']]]), [good], 'gw'), { remove: [], create: [] });
    assert.deepEqual(planDhcpPorts(new Map([['n1', ['s1', 's2']]]), [good], 'gw'), { remove: ['p1'], create: [{ networkId: 'n1', subnetIds: ['s1', 's2'] }] });
    assert.deepEqual(planDhcpPorts(new Map(), [good], 'gw'), { remove: ['p1'], create: [] });
    assert.deepEqual(planDhcpPorts(new Map([['n2', ['s9']]]), [], 'gw'), { remove: [], create: [{ networkId: 'n2', subnetIds: ['s9'] }] });
    const twin = { ...good, id: 'p2' };
    assert.deepEqual(planDhcpPorts(new Map([['n1', ['s1']]]), [good, twin], 'gw'), { remove: ['p2'], create: [] });
  });

  it('writes only changed port statuses', () => {
    const cur = [{ id: 'a', status: 'DOWN', status_reason: null }, { id: 'b', status: 'ACTIVE', status_reason: null }];
    assert.deepEqual(statusChanges(cur, [{ id: 'a', status: 'ACTIVE' }, { id: 'b', status: 'ACTIVE' }, { id: 'gone', status: 'ACTIVE' }]),
      [{ id: 'a', status: 'ACTIVE' }]);
  });
});
