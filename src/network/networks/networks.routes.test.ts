import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const URL = '/network/v2.0/networks';
const VIEW_KEYS = ['admin_state_up', 'availability_zone_hints', 'availability_zones', 'created_at', 'description', 'id',
  'ipv4_address_scope', 'ipv6_address_scope', 'is_default', 'l2_adjacency', 'mtu', 'name', 'port_security_enabled', 'project_id',
  'revision_number', 'router:external', 'shared', 'status', 'subnets', 'tags', 'tenant_id', 'updated_at'];
const PROVIDER = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'];

describe('network API: networks', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  before(async () => {
    t = await startTestCloud({ network: { vniMin: 100, vniMax: 109, physicalMtu: 1500, physicalNetworks: { physnet1: { interface: 'nbx0' } } } as never });
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'net-alice');
    bob = await createMemberUser(t, 'net-bob');
  });
  after(async () => { await t.close(); });

  const create = (token: string, network: unknown) => t.request('POST', URL, { token, body: { network } });

  it('creates a tenant vxlan network with the exact view, lowest free VNI and mtu 1450', async () => {
    const res = await create(alice.token, { name: 'nb-a1' });
    assert.equal(res.status, 201, res.text);
    const n = res.body.network;
    assert.deepEqual(Object.keys(n).sort(), VIEW_KEYS);
    assert.equal(n.mtu, 1450);
    assert.equal(n.status, 'ACTIVE');
    assert.equal(n.project_id, alice.projectId);
    assert.equal(n.tenant_id, alice.projectId);
    assert.deepEqual(n.availability_zones, ['nova']);
    assert.equal(n.shared, false);
    assert.match(n.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const asAdmin = await t.request('GET', `${URL}/${n.id}`, { token: admin });
    assert.deepEqual(Object.keys(asAdmin.body.network).sort(), [...VIEW_KEYS, ...PROVIDER].sort());
    assert.equal(asAdmin.body.network['provider:network_type'], 'vxlan');
    assert.equal(asAdmin.body.network['provider:segmentation_id'], 100);
    const second = await create(alice.token, { name: 'nb-a2', mtu: 1400 });
    assert.equal(second.body.network.mtu, 1400);
    const shown = await t.request('GET', `${URL}/${second.body.network.id}?fields=provider:segmentation_id`, { token: admin });
    assert.deepEqual(shown.body.network, { 'provider:segmentation_id': 101 });
  });

  it('refuses bad input with Neutron types', async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ name: 'x', foo: 1 }, 400, 'HTTPBadRequest', /Unrecognized attribute\(s\) 'foo'/],
      [{ status: 'DOWN' }, 400, 'HTTPBadRequest', /Attribute 'status' not allowed in POST/],
      [{ name: 5 }, 400, 'HTTPBadRequest', /Invalid input for name/],
      [{ admin_state_up: 'maybe' }, 400, 'HTTPBadRequest', /admin_state_up/],
      [{ mtu: 1451 }, 400, 'InvalidInput', /Requested MTU is too big, maximum is 1450/],
      [{ mtu: 'big' }, 400, 'HTTPBadRequest', /mtu/],
      [{ availability_zone_hints: ['az9'] }, 400, 'HTTPBadRequest', /az9/],
      [{ shared: true }, 403, 'PolicyNotAuthorized', /create_network:shared/],
      [{ 'provider:network_type': 'vxlan' }, 403, 'PolicyNotAuthorized', /provider/],
    ];
    for (const [body, status, type, msg] of cases) {
      const res = await create(alice.token, body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(body));
      assert.match(res.body.NeutronError.message, msg);
    }
    const raw = await t.request('POST', URL, { token: alice.token, body: { net: {} } });
    assert.equal(raw.status, 400);
  });

  it('validates provider attributes for admins', async () => {
    const flat = await create(admin, { name: 'nb-flat', 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1' });
    assert.equal(flat.status, 201, flat.text);
    assert.equal(flat.body.network.mtu, 1500);
    const again = await create(admin, { 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1' });
    assert.equal(again.status, 409);
    assert.equal(again.body.NeutronError.type, 'FlatNetworkInUse');
    const unknown = await create(admin, { 'provider:network_type': 'flat', 'provider:physical_network': 'nope' });
    assert.equal(unknown.status, 400);
    const vlan = await create(admin, { 'provider:network_type': 'vlan' });
    assert.equal(vlan.status, 400);
    assert.equal(vlan.body.NeutronError.type, 'InvalidInput');
    const explicit = await create(admin, { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 5000 });
    assert.equal(explicit.status, 201, explicit.text);
    const taken = await create(admin, { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 5000 });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.NeutronError.type, 'TunnelIdInUse');
    const range = await create(admin, { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 16777216 });
    assert.equal(range.status, 400);
    const local = await create(admin, { 'provider:network_type': 'local' });
    assert.equal(local.status, 201);
    assert.equal(local.body.network['provider:segmentation_id'], null);
    const update = await t.request('PUT', `${URL}/${local.body.network.id}`, { token: admin, body: { network: { 'provider:network_type': 'vxlan' } } });
    assert.equal(update.status, 400);
  });

  it('allocates distinct VNIs under concurrency and answers 503 NoNetworkAvailable when exhausted', async () => {
    const p = await createMemberUser(t, 'net-carol');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => create(p.token, { name: `nb-c${i}` })));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    const list = await t.request('GET', `${URL}?fields=id&fields=provider:segmentation_id&provider:network_type=vxlan`, { token: admin });
    const vnis = list.body.networks.map((n: { 'provider:segmentation_id': number }) => n['provider:segmentation_id']);
    assert.equal(new Set(vnis).size, vnis.length);
    assert.ok(vnis.filter((v: number) => v >= 100 && v <= 109).length === 10);
    assert.ok(ok.length >= 1);
    for (const r of refused) {
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.NeutronError.type, 'NoNetworkAvailable');
    }
    // Deleting one frees its VNI for the next.
    const id = ok[0]!.body.network.id;
    assert.equal((await t.request('DELETE', `${URL}/${id}`, { token: p.token })).status, 204);
    const next = await create(p.token, { name: 'nb-next' });
    assert.equal(next.status, 201, next.text);
    // Free the range for the other tests.
    const left = await t.request('GET', `${URL}?project_id=${p.projectId}&fields=id`, { token: p.token });
    for (const n of left.body.networks) assert.equal((await t.request('DELETE', `${URL}/${n.id}`, { token: p.token })).status, 204);
  });

  it('gives an explicit VNI to one of several racing creates; the rest get 409 TunnelIdInUse', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () =>
      create(admin, { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 7000 })));
    assert.equal(results.filter((r) => r.status === 201).length, 1, results.map((r) => r.status).join());
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.NeutronError.type, 'TunnelIdInUse');
      assert.equal(r.body.NeutronError.message, 'Unable to create the network. The tunnel ID 7000 is in use.');
    }
  });

  it('hides other projects networks (404) and shows shared and external ones', async () => {
    const mine = await create(alice.token, { name: 'nb-private' });
    const id = mine.body.network.id;
    assert.equal((await t.request('GET', `${URL}/${id}`, { token: bob.token })).status, 404);
    const put = await t.request('PUT', `${URL}/${id}`, { token: bob.token, body: { network: { name: 'x' } } });
    assert.equal(put.status, 404);
    assert.equal(put.body.NeutronError.type, 'NetworkNotFound');
    assert.equal((await t.request('DELETE', `${URL}/${id}`, { token: bob.token })).status, 404);
    const shared = await create(admin, { name: 'nb-shared', shared: true });
    const ext = await create(admin, { name: 'nb-ext', 'router:external': true, is_default: true });
    assert.equal(ext.status, 201, ext.text);
    const list = await t.request('GET', URL, { token: bob.token });
    const names = list.body.networks.map((n: { name: string }) => n.name);
    assert.ok(names.includes('nb-shared') && names.includes('nb-ext') && !names.includes('nb-private'), names.join());
    assert.equal(list.body.networks[0]['provider:network_type'], undefined);
    const bobPut = await t.request('PUT', `${URL}/${shared.body.network.id}`, { token: bob.token, body: { network: { name: 'x' } } });
    assert.equal(bobPut.status, 403);
    const second = await create(admin, { name: 'nb-ext2', 'router:external': true, is_default: true });
    assert.equal(second.status, 409);
    assert.equal(second.body.NeutronError.type, 'DefaultExternalNetworkExists');
    const filtered = await t.request('GET', `${URL}?router:external=true&fields=name`, { token: bob.token });
    assert.deepEqual(filtered.body.networks, [{ name: 'nb-ext' }]);
    const sharedOnly = await t.request('GET', `${URL}?shared=True`, { token: alice.token });
    assert.deepEqual(sharedOnly.body.networks.map((n: { name: string }) => n.name), ['nb-shared']);
    const adminAll = await t.request('GET', `${URL}?name=nb-private`, { token: admin });
    assert.equal(adminAll.body.networks.length, 1);
    const bad = await t.request('GET', `${URL}?colour=red`, { token: admin });
    assert.equal(bad.status, 400);
  });

  it('updates attributes, bumps the revision and unshares', async () => {
    const n = (await create(admin, { name: 'nb-upd', shared: true })).body.network;
    const res = await t.request('PUT', `${URL}/${n.id}`, { token: admin, body: { network: { name: 'nb-upd2', mtu: 1300, admin_state_up: false, shared: false } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.network.name, 'nb-upd2');
    assert.equal(res.body.network.mtu, 1300);
    assert.equal(res.body.network.shared, false);
    assert.ok(res.body.network.revision_number > n.revision_number);
    const ro = await t.request('PUT', `${URL}/${n.id}`, { token: admin, body: { network: { id: 'x' } } });
    assert.equal(ro.status, 400);
    const big = await t.request('PUT', `${URL}/${n.id}`, { token: admin, body: { network: { mtu: 9000 } } });
    assert.equal(big.status, 400);
    assert.equal(big.body.NeutronError.type, 'InvalidInput');
  });

  it('creates in bulk all-or-nothing and pages lists', async () => {
    const p = await createMemberUser(t, 'net-dave');
    const bad = await t.request('POST', URL, { token: admin, body: { networks: [{ name: 'nb-b1', project_id: p.projectId }, { name: 'nb-b2', bogus: 1 }] } });
    assert.equal(bad.status, 400);
    assert.equal((await t.request('GET', `${URL}?name=nb-b1`, { token: admin })).body.networks.length, 0);
    const ok = await t.request('POST', URL, { token: admin, body: { networks: [
      { name: 'nb-b1', project_id: p.projectId, 'provider:network_type': 'local' },
      { name: 'nb-b2', project_id: p.projectId, 'provider:network_type': 'local' },
      { name: 'nb-b3', project_id: p.projectId, 'provider:network_type': 'local' }] } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.networks.length, 3);
    const page1 = await t.request('GET', `${URL}?limit=2&sort_key=name&sort_dir=asc`, { token: p.token });
    assert.deepEqual(page1.body.networks.map((n: { name: string }) => n.name), ['nb-b1', 'nb-b2']);
    assert.equal(page1.body.networks_links[0].rel, 'next');
  });

  it('deletes a network with its subnets and DHCP port; the DHCP port does not keep a subnet in use', async () => {
    const n = (await create(alice.token, { name: 'nb-dhcp' })).body.network;
    const subs = [];
    for (const cidr of ['10.40.0.0/24', '10.41.0.0/24']) {
      subs.push((await t.request('POST', '/network/v2.0/subnets', { token: alice.token, body: { subnet: { network_id: n.id, ip_version: 4, cidr } } })).body.subnet);
    }
    const db = t.cloud.network.ctx.deps.db;
    const at = new Date().toISOString();
    const portId = crypto.randomUUID();
    await db.insertInto('net_port').values({
      id: portId, project_id: '', name: '', description: '', created_at: at, updated_at: at, revision_number: 0,
      network_id: n.id, mac_address: 'fa:16:3e:00:00:09', admin_state_up: 1, status: 'ACTIVE', status_reason: null, device_id: 'dhcp',
      device_owner: 'network:dhcp', binding_host_id: '', binding_vif_type: 'unbound', binding_vnic_type: 'normal', binding_profile: '{}',
      port_security_enabled: 0, allowed_address_pairs: '[]', extra_dhcp_opts: '[]', dns_name: '',
    }).execute();
    await db.insertInto('net_ip_allocation').values([
      { subnet_id: subs[0].id, ip_address: '10.40.0.2', port_id: portId, network_id: n.id },
      { subnet_id: subs[1].id, ip_address: '10.41.0.2', port_id: portId, network_id: n.id }]).execute();
    assert.equal((await t.request('DELETE', `/network/v2.0/subnets/${subs[0].id}`, { token: alice.token })).status, 204);
    const left = await db.selectFrom('net_ip_allocation').select('ip_address').where('port_id', '=', portId).execute();
    assert.deepEqual(left.map((r) => r.ip_address), ['10.41.0.2']);
    assert.equal((await t.request('DELETE', `${URL}/${n.id}`, { token: alice.token })).status, 204);
    assert.equal(await db.selectFrom('net_port').select('id').where('id', '=', portId).executeTakeFirst(), undefined);
    assert.equal(await db.selectFrom('net_subnet').select('id').where('network_id', '=', n.id).executeTakeFirst(), undefined);
    assert.equal(await db.selectFrom('net_segment').select('network_id').where('network_id', '=', n.id).executeTakeFirst(), undefined);
  });

  it('refuses to delete a network with ports in use (409 NetworkInUse)', async () => {
    const n = (await create(alice.token, { name: 'nb-inuse' })).body.network;
    // A port row as the ports slice would write it.
    const at = new Date().toISOString();
    await t.cloud.network.ctx.deps.db.insertInto('net_port').values({
      id: crypto.randomUUID(), project_id: alice.projectId, name: '', description: '', created_at: at, updated_at: at, revision_number: 0,
      network_id: n.id, mac_address: 'fa:16:3e:00:00:01', admin_state_up: 1, status: 'DOWN', status_reason: null, device_id: 'vm',
      device_owner: 'compute:nova', binding_host_id: '', binding_vif_type: 'unbound', binding_vnic_type: 'normal', binding_profile: '{}',
      port_security_enabled: 1, allowed_address_pairs: '[]', extra_dhcp_opts: '[]', dns_name: '',
    }).execute();
    const res = await t.request('DELETE', `${URL}/${n.id}`, { token: alice.token });
    assert.equal(res.status, 409);
    assert.equal(res.body.NeutronError.type, 'NetworkInUse');
    assert.match(res.body.NeutronError.message, /There are one or more ports still in use on the network/);
  });
});

describe('network API: network IP availability', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'ipav-member');
  });
  after(async () => { await t.close(); });

  it('counts pool addresses and allocations per subnet, for admins only', async () => {
    const net = (await t.request('POST', URL, { token: member.token, body: { network: { name: 'nb-ipav' } } })).body.network.id;
    const sub = (await t.request('POST', '/network/v2.0/subnets', { token: member.token, body: { subnet: {
      network_id: net, ip_version: 4, cidr: '10.33.0.0/28' } } })).body.subnet;
    const res = await t.request('GET', `/network/v2.0/network-ip-availabilities/${net}`, { token: admin });
    assert.equal(res.status, 200, res.text);
    const a = res.body.network_ip_availability;
    assert.equal(a.total_ips, 13);
    assert.equal(a.used_ips, 0);
    assert.deepEqual(a.subnet_ip_availability, [{ subnet_id: sub.id, subnet_name: '', cidr: '10.33.0.0/28', ip_version: 4, total_ips: 13, used_ips: 0 }]);
    const list = await t.request('GET', `/network/v2.0/network-ip-availabilities?network_name=nb-ipav&ip_version=4`, { token: admin });
    assert.equal(list.body.network_ip_availabilities.length, 1);
    assert.equal((await t.request('GET', '/network/v2.0/network-ip-availabilities', { token: member.token })).status, 403);
  });
});
