import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { NetworkDb } from '../network.tables.js';
import { ensureDefaultSecurityGroup } from '../security-groups/default-group.js';
import { insertNetwork, insertSubnet } from './port-fixtures.js';

const PORTS = '/network/v2.0/ports';
const MEMBER_KEYS = ['admin_state_up', 'allowed_address_pairs', 'binding:vnic_type', 'created_at', 'description', 'device_id',
  'device_owner', 'dns_name', 'extra_dhcp_opts', 'fixed_ips', 'id', 'mac_address', 'name', 'network_id', 'port_security_enabled',
  'project_id', 'revision_number', 'security_groups', 'status', 'tags', 'tenant_id', 'updated_at'];
const ADMIN_KEYS = [...MEMBER_KEYS, 'binding:host_id', 'binding:profile', 'binding:vif_details', 'binding:vif_type'].sort();
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('network API: ports', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let db: NetworkDb;
  let net: string, subnet: string, subnetB: string;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'port-alice');
    bob = await createMemberUser(t, 'port-bob');
    db = t.cloud.network.ctx.deps.db;
    net = await insertNetwork(db, { projectId: alice.projectId });
    subnet = await insertSubnet(db, { networkId: net, projectId: alice.projectId, cidr: '10.20.0.0/24', gateway: '10.20.0.1', pools: [{ start: '10.20.0.2', end: '10.20.0.254' }] });
    subnetB = await insertSubnet(db, { networkId: net, projectId: alice.projectId, cidr: '10.21.0.0/24', gateway: '10.21.0.1', pools: [{ start: '10.21.0.10', end: '10.21.0.20' }] });
  });
  after(async () => { await t.close(); });

  const create = (token: string, port: Record<string, unknown>) => t.request('POST', PORTS, { token, body: { port } });
  const error = (res: { status: number; body: { NeutronError?: { type: string; message: string } } }) => res.body?.NeutronError;

  it('creates a port with Neutron defaults and the exact view keys', async () => {
    const res = await create(alice.token, { network_id: net, name: 'nb-p1' });
    assert.equal(res.status, 201, res.text);
    const p = res.body.port;
    assert.deepEqual(Object.keys(p).sort(), MEMBER_KEYS);
    assert.equal(p.status, 'DOWN');
    assert.equal(p.project_id, alice.projectId);
    assert.equal(p.tenant_id, alice.projectId);
    assert.match(p.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
    assert.deepEqual(p.fixed_ips, [{ subnet_id: subnet, ip_address: '10.20.0.2' }]);
    assert.equal(p.port_security_enabled, true);
    assert.deepEqual(p.security_groups, [await ensureDefaultSecurityGroup(t.cloud.network.ctx.deps, alice.projectId)]);
    assert.equal(p.revision_number, 0);
    assert.match(p.created_at, TIME);
    const shown = await t.request('GET', `${PORTS}/${p.id}`, { token: admin });
    assert.deepEqual(Object.keys(shown.body.port).sort(), ADMIN_KEYS);
    assert.equal(shown.body.port['binding:vif_type'], 'unbound');
    assert.deepEqual(shown.body.port['binding:vif_details'], {});
    const fields = await t.request('GET', `${PORTS}/${p.id}?fields=id&fields=mac_address`, { token: alice.token });
    assert.deepEqual(Object.keys(fields.body.port).sort(), ['id', 'mac_address']);
  });

  it('gives a specific address once, anywhere in the cidr, and refuses bad ones', async () => {
    const ok = await create(alice.token, { network_id: net, fixed_ips: [{ ip_address: '10.20.0.200' }] });
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.body.port.fixed_ips, [{ subnet_id: subnet, ip_address: '10.20.0.200' }]);
    const again = await create(alice.token, { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: '10.20.0.200' }] });
    assert.equal(again.status, 409);
    assert.equal(error(again)?.type, 'IpAddressAlreadyAllocated');
    assert.equal(error(again)?.message, `IP address 10.20.0.200 already allocated in subnet ${subnet}`);
    const outside = await create(alice.token, { network_id: net, fixed_ips: [{ subnet_id: subnet, ip_address: '10.21.0.15' }] });
    assert.equal(outside.status, 400);
    assert.equal(error(outside)?.type, 'InvalidIpForSubnet');
    const nowhere = await create(alice.token, { network_id: net, fixed_ips: [{ ip_address: '192.168.7.7' }] });
    assert.equal(nowhere.status, 400);
    assert.equal(error(nowhere)?.type, 'InvalidIpForNetwork');
    const broadcast = await create(alice.token, { network_id: net, fixed_ips: [{ ip_address: '10.20.0.255' }] });
    assert.equal(error(broadcast)?.type, 'InvalidIpForSubnet');
    const bad = await create(alice.token, { network_id: net, fixed_ips: [{ ip_address: '10.20.0.300' }] });
    assert.equal(bad.status, 400);
    const gateway = await create(alice.token, { network_id: net, fixed_ips: [{ ip_address: '10.20.0.1' }] });
    assert.equal(gateway.status, 201, 'the gateway address may be taken explicitly (router interface by port)');
    const bySubnet = await create(alice.token, { network_id: net, fixed_ips: [{ subnet_id: subnetB }] });
    assert.deepEqual(bySubnet.body.port.fixed_ips, [{ subnet_id: subnetB, ip_address: '10.21.0.10' }]);
    const none = await create(alice.token, { network_id: net, fixed_ips: [] });
    assert.deepEqual([none.body.port.fixed_ips, none.body.port.security_groups], [[], []]);
    const after = (await db.selectFrom('net_port').select('id').execute()).length;
    assert.equal(after, 5, 'failed creates leave no port behind');
  });

  it('checks MAC addresses: given, duplicate, invalid', async () => {
    const res = await create(alice.token, { network_id: net, mac_address: 'FA:16:3E:AA:BB:CC' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.port.mac_address, 'fa:16:3e:aa:bb:cc');
    const dup = await create(alice.token, { network_id: net, mac_address: 'fa:16:3e:aa:bb:cc' });
    assert.equal(dup.status, 409);
    assert.equal(error(dup)?.type, 'MacAddressInUse');
    assert.equal(error(dup)?.message, `Unable to complete operation for network ${net}. The mac address fa:16:3e:aa:bb:cc is in use.`);
    for (const mac of ['01:00:5e:00:00:01', 'zz:16:3e:aa:bb:cc', 42]) {
      const r = await create(alice.token, { network_id: net, mac_address: mac });
      assert.equal(r.status, 400, `${mac}: ${r.text}`);
    }
  });

  it('refuses unknown, read-only and badly typed attributes with 400, never 500', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ network_id: net, foo: 1 }, /Unrecognized attribute\(s\) 'foo'/],
      [{ network_id: net, status: 'ACTIVE' }, /Attribute 'status' not allowed in POST/],
      [{ name: 'x' }, /network_id/],
      [{ network_id: 'nope' }, /network_id/],
      [{ network_id: net, admin_state_up: 'maybe' }, /admin_state_up/],
      [{ network_id: net, fixed_ips: 'x' }, /fixed_ips/],
      [{ network_id: net, fixed_ips: [{ subnet_id: subnet, bogus: 1 }] }, /fixed_ips/],
      [{ network_id: net, security_groups: ['x'] }, /security_groups/],
      [{ network_id: net, allowed_address_pairs: [{ ip_address: '10.0.0.1' }, { ip_address: '10.0.0.1' }] }, /duplicate address pair/],
      [{ network_id: net, allowed_address_pairs: [{ mac_address: 'fa:16:3e:00:00:01' }] }, /ip_address/],
      [{ network_id: net, extra_dhcp_opts: [{ opt_value: 'x' }] }, /extra_dhcp_opts/],
      [{ network_id: net, 'binding:vnic_type': 'warp' }, /binding:vnic_type/],
      [{ network_id: net, name: 'x'.repeat(256) }, /name/],
    ];
    for (const [body, msg] of cases) {
      const r = await create(alice.token, body);
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      assert.match(error(r)!.message, msg);
    }
    const missing = await create(alice.token, { network_id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.status, 404);
    assert.equal(error(missing)?.type, 'NetworkNotFound');
    const raw = await t.request('POST', PORTS, { token: alice.token, body: { port: 'x' } });
    assert.equal(raw.status, 400);
  });

  it('keeps other projects out (404) and binding details for admins', async () => {
    const mine = (await create(alice.token, { network_id: net, name: 'nb-private' })).body.port;
    for (const [method, body] of [['GET', undefined], ['PUT', { port: { name: 'x' } }], ['DELETE', undefined]] as const) {
      const r = await t.request(method, `${PORTS}/${mine.id}`, { token: bob.token, body });
      assert.equal(r.status, 404, `${method}: ${r.text}`);
      assert.equal(error(r)?.type, 'PortNotFound');
    }
    const onAlicesNet = await create(bob.token, { network_id: net });
    assert.equal(onAlicesNet.status, 404);
    assert.equal(error(onAlicesNet)?.type, 'NetworkNotFound');
    const bobList = await t.request('GET', PORTS, { token: bob.token });
    assert.deepEqual(bobList.body.ports, []);
    const adminList = await t.request('GET', PORTS, { token: admin });
    assert.ok(adminList.body.ports.some((p: { id: string }) => p.id === mine.id));
    const host = await create(alice.token, { network_id: net, 'binding:host_id': 'h1' });
    assert.equal(host.status, 403);
    assert.equal(error(host)?.type, 'PolicyNotAuthorized');
    const dhcp = await create(alice.token, { network_id: net, device_owner: 'network:dhcp' });
    assert.equal(dhcp.status, 403);
    const bound = await create(admin, { network_id: net, project_id: alice.projectId, 'binding:host_id': 'nb-host-1' });
    assert.equal(bound.status, 201, bound.text);
    assert.equal(bound.body.port['binding:vif_type'], 'bridge');
    assert.deepEqual(bound.body.port['binding:vif_details'], { port_filter: true, connectivity: 'l2' });
    const seen = await t.request('GET', `${PORTS}/${bound.body.port.id}`, { token: alice.token });
    assert.equal(seen.body.port['binding:host_id'], undefined);
    const byHost = await t.request('GET', `${PORTS}?binding:host_id=nb-host-1`, { token: admin });
    assert.deepEqual(byHost.body.ports.map((p: { id: string }) => p.id), [bound.body.port.id]);
  });

  it('lets members use shared networks but not pick MACs there', async () => {
    const shared = await insertNetwork(db, { projectId: 'nb-admin-project', shared: true });
    await insertSubnet(db, { networkId: shared, projectId: 'nb-admin-project', cidr: '10.30.0.0/24', gateway: '10.30.0.1', pools: [{ start: '10.30.0.2', end: '10.30.0.9' }] });
    const ok = await create(bob.token, { network_id: shared });
    assert.equal(ok.status, 201, ok.text);
    const mac = await create(bob.token, { network_id: shared, mac_address: 'fa:16:3e:01:02:03' });
    assert.equal(mac.status, 403);
    const ext = await insertNetwork(db, { projectId: 'nb-admin-project', external: true });
    const onExt = await create(bob.token, { network_id: ext });
    assert.equal(onExt.status, 403, 'an external network is visible but takes no tenant ports');
  });

  it('ties security groups to port security', async () => {
    const off = await create(alice.token, { network_id: net, port_security_enabled: false });
    assert.equal(off.status, 201, off.text);
    assert.deepEqual(off.body.port.security_groups, []);
    const sg = await ensureDefaultSecurityGroup(t.cloud.network.ctx.deps, alice.projectId);
    const both = await create(alice.token, { network_id: net, port_security_enabled: false, security_groups: [sg] });
    assert.equal(both.status, 400);
    assert.equal(error(both)?.type, 'PortSecurityAndIPRequiredForSecurityGroups');
    const pairs = await create(alice.token, { network_id: net, port_security_enabled: false, allowed_address_pairs: [{ ip_address: '10.9.9.9' }] });
    assert.equal(pairs.status, 409);
    assert.equal(error(pairs)?.type, 'AddressPairAndPortSecurityRequired');
    const bobGroup = await ensureDefaultSecurityGroup(t.cloud.network.ctx.deps, bob.projectId);
    const foreign = await create(alice.token, { network_id: net, security_groups: [bobGroup] });
    assert.equal(foreign.status, 404);
    assert.equal(error(foreign)?.type, 'SecurityGroupNotFound');
    const bare = await insertNetwork(db, { projectId: alice.projectId, portSecurity: false });
    const inherited = await create(alice.token, { network_id: bare });
    assert.deepEqual([inherited.status, inherited.body.port.port_security_enabled, inherited.body.port.fixed_ips], [201, false, []]);
    const noIp = await create(alice.token, { network_id: bare, port_security_enabled: true, security_groups: [sg] });
    assert.equal(error(noIp)?.type, 'PortSecurityAndIPRequiredForSecurityGroups', 'a port without an address cannot be in a group');
    const on = (await create(alice.token, { network_id: net, allowed_address_pairs: [{ ip_address: '10.99.0.0/24' }] })).body.port;
    assert.deepEqual(on.allowed_address_pairs, [{ ip_address: '10.99.0.0/24', mac_address: on.mac_address }]);
    const disable = await t.request('PUT', `${PORTS}/${on.id}`, { token: alice.token, body: { port: { port_security_enabled: false } } });
    assert.equal(disable.status, 409);
    assert.equal(error(disable)?.type, 'PortSecurityPortHasSecurityGroup');
    const clear = await t.request('PUT', `${PORTS}/${on.id}`, { token: alice.token,
      body: { port: { port_security_enabled: false, security_groups: [], allowed_address_pairs: [] } } });
    assert.equal(clear.status, 200, clear.text);
    assert.equal(clear.body.port.port_security_enabled, false);
    assert.deepEqual(clear.body.port.security_groups, []);
  });
});
