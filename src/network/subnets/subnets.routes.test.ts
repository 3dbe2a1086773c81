import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const URL = '/network/v2.0/subnets';
const VIEW_KEYS = ['allocation_pools', 'cidr', 'created_at', 'description', 'dns_nameservers', 'enable_dhcp', 'gateway_ip', 'host_routes',
  'id', 'ip_version', 'ipv6_address_mode', 'ipv6_ra_mode', 'name', 'network_id', 'project_id', 'revision_number', 'segment_id',
  'service_types', 'subnetpool_id', 'tags', 'tenant_id', 'updated_at'];

describe('network API: subnets', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let net: string;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'sub-alice');
    bob = await createMemberUser(t, 'sub-bob');
    net = (await t.request('POST', '/network/v2.0/networks', { token: alice.token, body: { network: { name: 'nb-sub' } } })).body.network.id;
  });
  after(async () => { await t.close(); });

  const create = (token: string, subnet: Record<string, unknown>) =>
    t.request('POST', URL, { token, body: { subnet: { network_id: net, ip_version: 4, ...subnet } } });

  it('creates an IPv4 subnet with Neutron defaults and the exact view', async () => {
    const res = await create(alice.token, { cidr: '10.1.0.0/24', name: 'nb-s1' });
    assert.equal(res.status, 201, res.text);
    const s = res.body.subnet;
    assert.deepEqual(Object.keys(s).sort(), VIEW_KEYS);
    assert.equal(s.gateway_ip, '10.1.0.1');
    assert.deepEqual(s.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }]);
    assert.equal(s.enable_dhcp, true);
    assert.deepEqual(s.dns_nameservers, []);
    assert.equal(s.subnetpool_id, null);
    const n = await t.request('GET', `/network/v2.0/networks/${net}`, { token: alice.token });
    assert.deepEqual(n.body.network.subnets, [s.id]);
    const list = await t.request('GET', `${URL}?network_id=${net}&fields=cidr`, { token: alice.token });
    assert.deepEqual(list.body.subnets, [{ cidr: '10.1.0.0/24' }]);
  });

  it('takes gateway none, pools, DNS, host routes and no DHCP', async () => {
    const res = await create(alice.token, {
      cidr: '10.2.0.0/24', gateway_ip: null, enable_dhcp: false, dns_nameservers: ['8.8.8.8', '1.1.1.1'],
      allocation_pools: [{ start: '10.2.0.100', end: '10.2.0.150' }, { start: '10.2.0.10', end: '10.2.0.20' }],
      host_routes: [{ destination: '192.168.0.0/16', nexthop: '10.2.0.5' }],
    });
    assert.equal(res.status, 201, res.text);
    const s = res.body.subnet;
    assert.equal(s.gateway_ip, null);
    assert.equal(s.enable_dhcp, false);
    assert.deepEqual(s.allocation_pools, [{ start: '10.2.0.10', end: '10.2.0.20' }, { start: '10.2.0.100', end: '10.2.0.150' }]);
    assert.deepEqual(s.host_routes, [{ destination: '192.168.0.0/16', nexthop: '10.2.0.5' }]);
    const noGw = await create(alice.token, { cidr: '10.3.0.0/29', gateway_ip: null });
    assert.deepEqual(noGw.body.subnet.allocation_pools, [{ start: '10.3.0.1', end: '10.3.0.6' }]);
    const midGw = await create(alice.token, { cidr: '10.4.0.0/29', gateway_ip: '10.4.0.3' });
    assert.deepEqual(midGw.body.subnet.allocation_pools, [{ start: '10.4.0.1', end: '10.4.0.2' }, { start: '10.4.0.4', end: '10.4.0.6' }]);
  });

  it('creates IPv6 SLAAC subnets', async () => {
    const res = await create(alice.token, { ip_version: 6, cidr: 'fd00:1::/64', ipv6_address_mode: 'slaac', ipv6_ra_mode: 'slaac' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.subnet.gateway_ip, 'fd00:1::1');
    assert.deepEqual(res.body.subnet.allocation_pools, [{ start: 'fd00:1::2', end: 'fd00:1::ffff:ffff:ffff:ffff' }]);
    const bad = await create(alice.token, { ip_version: 6, cidr: 'fd00:2::/80', ipv6_address_mode: 'slaac' });
    assert.equal(bad.status, 400);
    const mismatch = await create(alice.token, { ip_version: 6, cidr: 'fd00:3::/64', ipv6_address_mode: 'slaac', ipv6_ra_mode: 'dhcpv6-stateful' });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.NeutronError.type, 'InvalidInput');
  });

  it('refuses bad input with Neutron types', async () => {
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ cidr: '10.0.0.1/33' }, 400, 'HTTPBadRequest', /Invalid input for cidr. Reason: '10.0.0.1\/33' is not a valid IP subnet./],
      [{ cidr: '10.9.0.1/24' }, 400, 'HTTPBadRequest', /10.9.0.0\/24/],
      [{ cidr: 'banana' }, 400, 'HTTPBadRequest', /cidr/],
      [{ cidr: 42 }, 400, 'HTTPBadRequest', /cidr/],
      [{ cidr: '10.1.0.128/25' }, 400, 'InvalidInput', /overlaps with another subnet/],
      [{ cidr: 'fd00:9::/64' }, 400, 'InvalidInput', /does not match the ip_version/],
      [{ cidr: '10.9.0.0/24', gateway_ip: '10.8.0.1' }, 400, 'InvalidInput', /Gateway is not valid on subnet/],
      [{ cidr: '10.9.0.0/24', gateway_ip: '10.9.0.255' }, 400, 'InvalidInput', /Gateway is not valid on subnet/],
      [{ cidr: '10.9.0.0/24', gateway_ip: 'x' }, 400, 'HTTPBadRequest', /gateway_ip/],
      [{ cidr: '10.9.0.0/24', allocation_pools: [{ start: '10.9.0.1', end: '10.9.0.10' }] }, 409, 'GatewayConflictWithAllocationPools', /conflicts with allocation pool/],
      [{ cidr: '10.9.0.0/24', allocation_pools: [{ start: '10.9.0.10', end: '10.9.1.10' }] }, 400, 'OutOfBoundsAllocationPool', /spans beyond/],
      [{ cidr: '10.9.0.0/24', allocation_pools: [{ start: '10.9.0.20', end: '10.9.0.10' }] }, 400, 'InvalidAllocationPool', /not valid/],
      [{ cidr: '10.9.0.0/24', allocation_pools: [{ start: '10.9.0.10', end: '10.9.0.20' }, { start: '10.9.0.15', end: '10.9.0.30' }] }, 409, 'OverlappingAllocationPools', /overlapping/],
      [{ cidr: '10.9.0.0/24', allocation_pools: [{ start: '10.9.0.10' }] }, 400, 'HTTPBadRequest', /allocation_pools/],
      [{ cidr: '10.9.0.0/24', dns_nameservers: ['1.1.1.1', '1.1.1.1'] }, 400, 'HTTPBadRequest', /Duplicate nameserver/],
      [{ cidr: '10.9.0.0/24', dns_nameservers: ['nope'] }, 400, 'HTTPBadRequest', /not a valid nameserver/],
      [{ cidr: '10.9.0.0/24', host_routes: [{ destination: 'x', nexthop: '10.9.0.1' }] }, 400, 'HTTPBadRequest', /host_routes/],
      [{ cidr: '10.9.0.0/24', ipv6_address_mode: 'slaac' }, 400, 'InvalidInput', /ip_version is 4/],
      [{ cidr: '10.9.0.0/24', ip_version: 5 }, 400, 'HTTPBadRequest', /ip_version/],
      [{ cidr: '10.9.0.0/24', color: 'red' }, 400, 'HTTPBadRequest', /Unrecognized attribute\(s\) 'color'/],
      [{ cidr: '10.9.0.0/24', id: randomUUID() }, 400, 'HTTPBadRequest', /not allowed in POST/],
      [{ cidr: '10.9.0.0/24', network_id: randomUUID() }, 404, 'NetworkNotFound', /could not be found/],
      [{ cidr: '10.9.0.0/24', network_id: 'not-a-uuid' }, 400, 'HTTPBadRequest', /network_id/],
      [{ cidr: '10.9.0.0/24', subnetpool_id: randomUUID() }, 400, 'HTTPBadRequest', /pool/],
    ];
    for (const [body, status, type, msg] of cases) {
      const res = await create(alice.token, body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(body));
      assert.match(res.body.NeutronError.message, msg, JSON.stringify(body));
    }
    const noCidr = await t.request('POST', URL, { token: alice.token, body: { subnet: { network_id: net, ip_version: 4 } } });
    assert.equal(noCidr.status, 400);
  });

  it('hides subnets of other projects private networks and refuses subnets on them', async () => {
    const s = (await t.request('GET', `${URL}?network_id=${net}`, { token: alice.token })).body.subnets[0];
    assert.equal((await t.request('GET', `${URL}/${s.id}`, { token: bob.token })).status, 404);
    assert.equal((await t.request('GET', URL, { token: bob.token })).body.subnets.length, 0);
    const onHers = await create(bob.token, { cidr: '10.50.0.0/24' });
    assert.equal(onHers.status, 404);
    assert.equal(onHers.body.NeutronError.type, 'NetworkNotFound');
    const del = await t.request('DELETE', `${URL}/${s.id}`, { token: bob.token });
    assert.equal(del.status, 404);
    assert.equal(del.body.NeutronError.type, 'SubnetNotFound');
    // Subnets of a shared network are visible to everyone, but only its owner adds subnets.
    const shared = (await t.request('POST', '/network/v2.0/networks', { token: admin, body: { network: { name: 'nb-shr', shared: true } } })).body.network.id;
    const sub = await t.request('POST', URL, { token: admin, body: { subnet: { network_id: shared, ip_version: 4, cidr: '10.60.0.0/24' } } });
    assert.equal(sub.status, 201);
    assert.equal((await t.request('GET', `${URL}/${sub.body.subnet.id}`, { token: bob.token })).status, 200);
    const bobs = await t.request('POST', URL, { token: bob.token, body: { subnet: { network_id: shared, ip_version: 4, cidr: '10.61.0.0/24' } } });
    assert.equal(bobs.status, 403);
    const bobPut = await t.request('PUT', `${URL}/${sub.body.subnet.id}`, { token: bob.token, body: { subnet: { name: 'x' } } });
    assert.equal(bobPut.status, 403);
  });

  it('updates gateway, pools, DNS, routes and DHCP; bumps the revision', async () => {
    const s = (await create(alice.token, { cidr: '10.70.0.0/24' })).body.subnet;
    const url = `${URL}/${s.id}`;
    const conflictGw = await t.request('PUT', url, { token: alice.token, body: { subnet: { gateway_ip: '10.70.0.50' } } });
    assert.equal(conflictGw.status, 409);
    assert.equal(conflictGw.body.NeutronError.type, 'GatewayConflictWithAllocationPools');
    const res = await t.request('PUT', url, { token: alice.token, body: { subnet: {
      gateway_ip: '10.70.0.254', allocation_pools: [{ start: '10.70.0.1', end: '10.70.0.200' }], dns_nameservers: ['9.9.9.9'],
      host_routes: [], enable_dhcp: false, name: 'renamed' } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.subnet.gateway_ip, '10.70.0.254');
    assert.deepEqual(res.body.subnet.allocation_pools, [{ start: '10.70.0.1', end: '10.70.0.200' }]);
    assert.deepEqual(res.body.subnet.dns_nameservers, ['9.9.9.9']);
    assert.equal(res.body.subnet.enable_dhcp, false);
    assert.equal(res.body.subnet.revision_number, s.revision_number + 1);
    const ro = await t.request('PUT', url, { token: alice.token, body: { subnet: { cidr: '10.71.0.0/24' } } });
    assert.equal(ro.status, 400);
    const noGw = await t.request('PUT', url, { token: alice.token, body: { subnet: { gateway_ip: null } } });
    assert.equal(noGw.body.subnet.gateway_ip, null);
  });

  it('refuses deleting a subnet a port uses (409 SubnetInUse) and deletes it with its network otherwise', async () => {
    const s = (await create(alice.token, { cidr: '10.80.0.0/24' })).body.subnet;
    const at = new Date().toISOString();
    const db = t.cloud.network.ctx.deps.db;
    const portId = randomUUID();
    await db.insertInto('net_port').values({
      id: portId, project_id: alice.projectId, name: '', description: '', created_at: at, updated_at: at, revision_number: 0,
      network_id: net, mac_address: 'fa:16:3e:00:00:02', admin_state_up: 1, status: 'DOWN', status_reason: null, device_id: 'vm',
      device_owner: 'compute:nova', binding_host_id: '', binding_vif_type: 'unbound', binding_vnic_type: 'normal', binding_profile: '{}',
      port_security_enabled: 1, allowed_address_pairs: '[]', extra_dhcp_opts: '[]', dns_name: '',
    }).execute();
    await db.insertInto('net_ip_allocation').values({ subnet_id: s.id, ip_address: '10.80.0.5', port_id: portId, network_id: net }).execute();
    const res = await t.request('DELETE', `${URL}/${s.id}`, { token: alice.token });
    assert.equal(res.status, 409);
    assert.equal(res.body.NeutronError.type, 'SubnetInUse');
    await db.deleteFrom('net_ip_allocation').where('port_id', '=', portId).execute();
    await db.deleteFrom('net_port').where('id', '=', portId).execute();
    assert.equal((await t.request('DELETE', `${URL}/${s.id}`, { token: alice.token })).status, 204);
    assert.equal((await t.request('GET', `${URL}/${s.id}`, { token: alice.token })).status, 404);
    assert.equal((await t.request('DELETE', `/network/v2.0/networks/${net}`, { token: alice.token })).status, 204);
    assert.equal((await t.request('GET', `${URL}?network_id=${net}`, { token: alice.token })).body.subnets.length, 0);
  });

  it('lets only one of several racing overlapping subnets in', async () => {
    const n = (await t.request('POST', '/network/v2.0/networks', { token: alice.token, body: { network: { name: 'nb-race' } } })).body.network.id;
    // Every pair of these overlaps (all hold 10.95.0.0), so exactly one may win whatever the order.
    const results = await Promise.all(['10.95.0.0/24', '10.95.0.0/25', '10.95.0.0/26', '10.95.0.0/16'].map((cidr) =>
      t.request('POST', URL, { token: alice.token, body: { subnet: { network_id: n, ip_version: 4, cidr } } })));
    assert.equal(results.filter((r) => r.status === 201).length, 1, results.map((r) => r.status).join());
    for (const r of results.filter((x) => x.status !== 201)) assert.equal(r.body.NeutronError.type, 'InvalidInput');
  });

  it('enforces the subnet quota', async () => {
    const p = await createMemberUser(t, 'sub-quota');
    const n = (await t.request('POST', '/network/v2.0/networks', { token: p.token, body: { network: {} } })).body.network.id;
    assert.equal((await t.request('PUT', `/network/v2.0/quotas/${p.projectId}`, { token: admin, body: { quota: { subnet: 1 } } })).status, 200);
    const ok = await t.request('POST', URL, { token: p.token, body: { subnet: { network_id: n, ip_version: 4, cidr: '10.90.0.0/24' } } });
    assert.equal(ok.status, 201);
    const over = await t.request('POST', URL, { token: p.token, body: { subnet: { network_id: n, ip_version: 4, cidr: '10.91.0.0/24' } } });
    assert.equal(over.status, 409);
    assert.equal(over.body.NeutronError.type, 'OverQuota');
    assert.equal(over.body.NeutronError.message, "Quota exceeded for resources: ['subnet'].");
  });
});
