import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { NetworkDb } from '../network.tables.js';
import { insertNetwork, insertSubnet } from './port-fixtures.js';
import { createPortRecord, portFixedIps } from './port-records.js';

const PORTS = '/network/v2.0/ports';

describe('network API: port updates, lists, deletes, bulk', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let db: NetworkDb;
  let net: string, subnet: string, v6: string;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'portu-alice');
    db = t.cloud.network.ctx.deps.db;
    net = await insertNetwork(db, { projectId: alice.projectId });
    subnet = await insertSubnet(db, { networkId: net, projectId: alice.projectId, cidr: '10.40.0.0/24', gateway: '10.40.0.1', pools: [{ start: '10.40.0.2', end: '10.40.0.100' }] });
    v6 = await insertSubnet(db, { networkId: net, projectId: alice.projectId, cidr: 'fd00:40::/64', gateway: 'fd00:40::1', ipVersion: 6, addressMode: 'slaac', pools: [{ start: 'fd00:40::2', end: 'fd00:40::ffff' }] });
  });
  after(async () => { await t.close(); });

  const create = (port: Record<string, unknown>, token = alice.token) => t.request('POST', PORTS, { token, body: { port } });
  const update = (id: string, port: Record<string, unknown>, token = alice.token) => t.request('PUT', `${PORTS}/${id}`, { token, body: { port } });

  it('adds the SLAAC address from the MAC by default', async () => {
    const p = (await create({ network_id: net, mac_address: 'fa:16:3e:12:34:56' })).body.port;
    assert.deepEqual(p.fixed_ips.map((f: { ip_address: string }) => f.ip_address), ['10.40.0.2', 'fd00:40::f816:3eff:fe12:3456']);
    const direct = await create({ network_id: net, fixed_ips: [{ subnet_id: v6, ip_address: 'fd00:40::99' }] });
    assert.equal(direct.status, 400);
  });

  it('replaces fixed IPs atomically: keep, add, remove; bumps the revision', async () => {
    const p = (await create({ network_id: net, fixed_ips: [{ ip_address: '10.40.0.50' }] })).body.port;
    const added = await update(p.id, { fixed_ips: [{ ip_address: '10.40.0.50' }, { subnet_id: subnet }] });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.port.revision_number, p.revision_number + 1);
    assert.deepEqual(added.body.port.fixed_ips.map((f: { ip_address: string }) => f.ip_address).sort(), ['10.40.0.3', '10.40.0.50']);
    const swapped = await update(p.id, { fixed_ips: [{ ip_address: '10.40.0.3' }, { ip_address: '10.40.0.60' }] });
    assert.deepEqual(swapped.body.port.fixed_ips.map((f: { ip_address: string }) => f.ip_address).sort(), ['10.40.0.3', '10.40.0.60']);
    const other = (await create({ network_id: net, fixed_ips: [{ ip_address: '10.40.0.50' }] }));
    assert.equal(other.status, 201, 'a released address can be given again');
    // A conflicting change leaves the port as it was.
    const clash = await update(p.id, { fixed_ips: [{ ip_address: '10.40.0.70' }, { ip_address: '10.40.0.50' }] });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.NeutronError.type, 'IpAddressAlreadyAllocated');
    const ips = (await portFixedIps(t.cloud.network.ctx, p.id)).map((f) => f.ip_address).sort();
    assert.deepEqual(ips, ['10.40.0.3', '10.40.0.60']);
    const renamed = await update(p.id, { name: 'nb-renamed', admin_state_up: false, extra_dhcp_opts: [{ opt_name: 'mtu', opt_value: '1400' }] });
    assert.equal(renamed.body.port.name, 'nb-renamed');
    assert.equal(renamed.body.port.admin_state_up, false);
    assert.deepEqual(renamed.body.port.extra_dhcp_opts, [{ opt_name: 'mtu', opt_value: '1400', ip_version: 4 }]);
    const dropOpt = await update(p.id, { extra_dhcp_opts: [{ opt_name: 'mtu', opt_value: null }] });
    assert.deepEqual(dropOpt.body.port.extra_dhcp_opts, []);
    const ro = await update(p.id, { network_id: net });
    assert.equal(ro.status, 400);
    assert.match(ro.body.NeutronError.message, /Cannot update read-only attribute network_id/);
    const mac = await update(p.id, { mac_address: 'fa:16:3e:00:00:99' });
    assert.equal(mac.status, 403, 'only admins change MACs');
    const adminMac = await update(p.id, { mac_address: 'fa:16:3e:00:00:99' }, admin);
    assert.equal(adminMac.status, 200, adminMac.text);
    const bind = await update(p.id, { 'binding:host_id': 'nb-host-2' }, admin);
    assert.equal(bind.body.port['binding:vif_type'], 'bridge');
    const boundMac = await update(p.id, { mac_address: 'fa:16:3e:00:00:98' }, admin);
    assert.equal(boundMac.status, 409);
    assert.equal(boundMac.body.NeutronError.type, 'PortBound');
  });

  it('filters lists as OSC asks (network, device, owner, fixed IP, groups, tags) and pages', async () => {
    const net2 = await insertNetwork(db, { projectId: alice.projectId });
    await insertSubnet(db, { networkId: net2, projectId: alice.projectId, cidr: '10.41.0.0/24', gateway: null, pools: [{ start: '10.41.0.1', end: '10.41.0.254' }] });
    const device = randomUUID();
    const vm = (await create({ network_id: net2, device_id: device, device_owner: 'compute:nova', tags: ['red', 'blue'] })).body.port;
    const other = (await create({ network_id: net2, port_security_enabled: false })).body.port;
    const ids = async (q: string) => (await t.request('GET', `${PORTS}?${q}`, { token: alice.token })).body.ports.map((p: { id: string }) => p.id).sort();
    assert.deepEqual(await ids(`network_id=${net2}`), [vm.id, other.id].sort());
    assert.deepEqual(await ids(`device_id=${device}`), [vm.id]);
    assert.deepEqual(await ids(`network_id=${net2}&device_owner=compute:nova`), [vm.id]);
    assert.deepEqual(await ids(`fixed_ips=ip_address%3D${vm.fixed_ips[0].ip_address}`), [vm.id]);
    assert.deepEqual(await ids(`network_id=${net2}&security_groups=${vm.security_groups[0]}`), [vm.id]);
    assert.deepEqual(await ids(`tags=red`), [vm.id]);
    assert.deepEqual(await ids(`mac_address=${other.mac_address}`), [other.id]);
    const sdk = await t.request('GET', `${PORTS}?device_id=${device}&fields=id&fields=security_group_ids`, { token: alice.token });
    assert.deepEqual(sdk.body.ports, [{ id: vm.id, security_groups: vm.security_groups }], 'openstacksdk names the field security_group_ids');
    const bad = await t.request('GET', `${PORTS}?binding:host_id=x`, { token: alice.token });
    assert.equal(bad.status, 400, 'members cannot filter on admin-only attributes');
    const page = await t.request('GET', `${PORTS}?network_id=${net2}&limit=1`, { token: alice.token });
    assert.equal(page.body.ports.length, 1);
    assert.ok(page.body.ports_links.some((l: { rel: string }) => l.rel === 'next'));
  });

  it('creates in bulk all-or-nothing', async () => {
    const before = (await db.selectFrom('net_port').select('id').execute()).length;
    const ok = await t.request('POST', PORTS, { token: alice.token, body: { ports: [{ network_id: net }, { network_id: net, name: 'nb-b' }] } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.ports.length, 2);
    const bad = await t.request('POST', PORTS, { token: alice.token,
      body: { ports: [{ network_id: net, fixed_ips: [{ ip_address: '10.40.0.90' }] }, { network_id: net, fixed_ips: [{ ip_address: '10.40.0.90' }] }] } });
    assert.equal(bad.status, 409);
    assert.equal((await db.selectFrom('net_port').select('id').execute()).length, before + 2);
  });

  it('deletes ports, refuses router ports, and disassociates floating IPs', async () => {
    const p = (await create({ network_id: net })).body.port;
    const at = new Date().toISOString();
    const ext = await insertNetwork(db, { projectId: 'nb-admin', external: true });
    const fipId = randomUUID();
    await db.insertInto('net_floating_ip').values({ id: fipId, project_id: alice.projectId, description: '', floating_network_id: ext,
      floating_ip_address: '172.24.4.50', floating_port_id: randomUUID(), port_id: p.id, fixed_ip_address: p.fixed_ips[0].ip_address,
      router_id: randomUUID(), status: 'ACTIVE', created_at: at, updated_at: at, revision_number: 0 }).execute();
    const del = await t.request('DELETE', `${PORTS}/${p.id}`, { token: alice.token });
    assert.equal(del.status, 204, del.text);
    assert.equal((await t.request('GET', `${PORTS}/${p.id}`, { token: alice.token })).status, 404);
    const fip = await db.selectFrom('net_floating_ip').selectAll().where('id', '=', fipId).executeTakeFirstOrThrow();
    assert.deepEqual([fip.port_id, fip.fixed_ip_address, fip.router_id, fip.status, fip.revision_number], [null, null, null, 'DOWN', 1]);
    assert.equal((await db.selectFrom('net_ip_allocation').select('ip_address').where('port_id', '=', p.id).execute()).length, 0);

    const routerId = randomUUID();
    await db.insertInto('net_router').values({ id: routerId, project_id: alice.projectId, name: '', description: '', created_at: at, updated_at: at,
      revision_number: 0, admin_state_up: 1, status: 'ACTIVE', gw_network_id: null, gw_port_id: null, enable_snat: 1, routes: '[]', availability_zone_hints: '[]' }).execute();
    const rp = await createPortRecord(t.cloud.network.ctx, { networkId: net, projectId: alice.projectId, deviceOwner: 'network:router_interface',
      deviceId: routerId, fixedIps: [{ subnet_id: subnet, ip_address: '10.40.0.1' }] });
    const refused = await t.request('DELETE', `${PORTS}/${rp}`, { token: admin });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.NeutronError.type, 'ServicePortInUse');
    assert.equal(refused.body.NeutronError.message, `Port ${rp} cannot be deleted directly via the port API: has device owner network:router_interface.`);
    const shown = await t.request('GET', `${PORTS}/${rp}`, { token: alice.token });
    assert.deepEqual(shown.body.port.security_groups, [], 'network-owned ports get no security group');
  });

  it('releasing a fixed IP disassociates the floating IP on it', async () => {
    const p = (await create({ network_id: net, fixed_ips: [{ ip_address: '10.40.0.80' }, { ip_address: '10.40.0.81' }] })).body.port;
    const ext = await insertNetwork(db, { projectId: 'nb-admin', external: true });
    const at = new Date().toISOString();
    const fip = (ip: string) => ({ id: randomUUID(), project_id: alice.projectId, description: '', floating_network_id: ext,
      floating_ip_address: `172.24.4.${ip.split('.')[3]}`, floating_port_id: randomUUID(), port_id: p.id, fixed_ip_address: ip,
      router_id: randomUUID(), status: 'ACTIVE' as const, created_at: at, updated_at: at, revision_number: 0 });
    const a = fip('10.40.0.80'), b = fip('10.40.0.81');
    await db.insertInto('net_floating_ip').values([a, b]).execute();
    const res = await update(p.id, { fixed_ips: [{ ip_address: '10.40.0.81' }] });
    assert.equal(res.status, 200, res.text);
    const rows = await db.selectFrom('net_floating_ip').select(['id', 'port_id']).where('id', 'in', [a.id, b.id]).execute();
    assert.equal(rows.find((r) => r.id === a.id)!.port_id, null);
    assert.equal(rows.find((r) => r.id === b.id)!.port_id, p.id);
  });

  it('createPortRecord serves ports of no project without quota or groups', async () => {
    const id = await createPortRecord(t.cloud.network.ctx, { networkId: net, projectId: '', deviceOwner: 'network:dhcp', deviceId: 'dhcp' });
    const ips = await portFixedIps(t.cloud.network.ctx, id);
    assert.equal(ips.length, 2);
    const seen = await t.request('GET', `${PORTS}/${id}`, { token: alice.token });
    assert.equal(seen.status, 200, 'the network owner sees the DHCP port on its network');
  });
});
