/* eslint-disable @typescript-eslint/no-explicit-any */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { loadConfig, type Config } from '../../platform/config.js';
import { cidrContains } from '../ipam/ip.js';
import { assertNeutronError, makeExternal, makeNetwork, makePort, makeRouter, NET, type Made } from '../routers/l3-test-setup.js';
import { routerStates } from '../routers/router-state.js';

const FIP_KEYS = ['created_at', 'description', 'fixed_ip_address', 'floating_ip_address', 'floating_network_id', 'id',
  'port_details', 'port_forwardings', 'port_id', 'project_id', 'qos_policy_id', 'revision_number', 'router_id', 'status',
  'tags', 'tenant_id', 'updated_at'];
const FIP_QUOTA = 8;

describe('network API: floating IPs', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let ext: Made;
  let tenant: Made;
  let router: any;
  let vm: any;
  before(async () => {
    const defaults = loadConfig({}, {}).network.quotaDefaults;
    // Only the quota is overridden; the harness keeps its own dataplane and external-network settings.
    t = await startTestCloud({ network: { quotaDefaults: { ...defaults, floatingip: FIP_QUOTA } } as Config['network'] });
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'fip-alice');
    bob = await createMemberUser(t, 'fip-bob');
    ext = await makeExternal(t, admin, '203.0.113.0/24', '203.0.113.1');
    tenant = await makeNetwork(t, alice.token, '10.1.0.0/24', '10.1.0.1');
    router = await makeRouter(t, alice.token, { external_gateway_info: { network_id: ext.networkId } });
    const add = await t.request('PUT', `${NET}/routers/${router.id}/add_router_interface`, { token: alice.token, body: { subnet_id: tenant.subnetId } });
    assert.equal(add.status, 200, add.text);
    vm = await makePort(t, alice.token, tenant.networkId, { device_owner: 'compute:nova', device_id: 'nb-vm-1' });
  });
  after(async () => { await t.close(); });

  const create = (token: string, fip: Record<string, unknown>) => t.request('POST', `${NET}/floatingips`, { token, body: { floatingip: fip } });
  const update = (token: string, id: string, fip: Record<string, unknown>) =>
    t.request('PUT', `${NET}/floatingips/${id}`, { token, body: { floatingip: fip } });

  it('allocates an address from the external network, held by a network:floatingip port', async () => {
    const res = await create(alice.token, { floating_network_id: ext.networkId, description: 'web', tags: ['front'] });
    assert.equal(res.status, 201, res.text);
    const f = res.body.floatingip;
    assert.deepEqual(Object.keys(f).sort(), FIP_KEYS);
    assert.equal(f.status, 'DOWN');
    assert.equal(f.port_details, null);
    assert.equal(f.port_id, null);
    assert.equal(f.router_id, null);
    assert.equal(f.fixed_ip_address, null);
    assert.deepEqual(f.port_forwardings, []);
    assert.equal(f.qos_policy_id, null);
    assert.equal(f.description, 'web');
    assert.deepEqual(f.tags, ['front']);
    assert.equal(f.project_id, alice.projectId);
    assert.ok(cidrContains('203.0.113.0/24', f.floating_ip_address), f.floating_ip_address);
    const held = await t.request('GET', `${NET}/ports?device_id=${f.id}`, { token: admin });
    assert.equal(held.body.ports.length, 1);
    assert.equal(held.body.ports[0].device_owner, 'network:floatingip');
    assert.equal(held.body.ports[0].project_id, '');
    assert.equal(held.body.ports[0].fixed_ips[0].ip_address, f.floating_ip_address);

    const del = await t.request('DELETE', `${NET}/floatingips/${f.id}`, { token: alice.token });
    assert.equal(del.status, 204, del.text);
    assert.equal((await t.request('GET', `${NET}/ports?device_id=${f.id}`, { token: admin })).body.ports.length, 0);
    assertNeutronError(await t.request('GET', `${NET}/floatingips/${f.id}`, { token: alice.token }), 404, 'FloatingIPNotFound');
  });

  it('associates with a port (ACTIVE, router_id, port_details) and disassociates (DOWN)', async () => {
    const f = (await create(alice.token, { floating_network_id: ext.networkId })).body.floatingip;
    const assoc = await update(alice.token, f.id, { port_id: vm.id });
    assert.equal(assoc.status, 200, assoc.text);
    const a = assoc.body.floatingip;
    assert.equal(a.status, 'ACTIVE');
    assert.equal(a.port_id, vm.id);
    assert.equal(a.router_id, router.id);
    assert.equal(a.fixed_ip_address, vm.fixed_ips[0].ip_address);
    assert.equal(a.revision_number, 1);
    assert.deepEqual(a.port_details, {
      name: vm.name, network_id: tenant.networkId, mac_address: vm.mac_address, admin_state_up: true, status: vm.status,
      device_id: 'nb-vm-1', device_owner: 'compute:nova',
    });
    const [state] = await routerStates(t.cloud.network.ctx, [router.id]);
    assert.deepEqual(state!.floatingIps, [{ floatingIp: f.floating_ip_address, fixedIp: vm.fixed_ips[0].ip_address }]);

    const second = (await create(alice.token, { floating_network_id: ext.networkId })).body.floatingip;
    assertNeutronError(await update(alice.token, second.id, { port_id: vm.id }), 409, 'FloatingIPPortAlreadyAssociated',
      new RegExp(`using fixed IP ${vm.fixed_ips[0].ip_address.replace(/\./g, '\\.')}`));

    // The router's leg and gateway are in use while the floating IP is NATed through them.
    assertNeutronError(await t.request('PUT', `${NET}/routers/${router.id}/remove_router_interface`,
      { token: alice.token, body: { subnet_id: tenant.subnetId } }), 409, 'RouterInterfaceInUseByFloatingIP',
    new RegExp(`^Router interface for subnet ${tenant.subnetId} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs\\.$`));
    assertNeutronError(await t.request('PUT', `${NET}/routers/${router.id}`,
      { token: alice.token, body: { router: { external_gateway_info: {} } } }), 409, 'RouterExternalGatewayInUseByFloatingIp');

    const dis = await update(alice.token, f.id, { port_id: null });
    assert.equal(dis.status, 200, dis.text);
    assert.equal(dis.body.floatingip.status, 'DOWN');
    assert.equal(dis.body.floatingip.port_id, null);
    assert.equal(dis.body.floatingip.router_id, null);
    assert.equal(dis.body.floatingip.fixed_ip_address, null);
    assert.equal(dis.body.floatingip.port_details, null);
    const moved = await update(alice.token, second.id, { port_id: vm.id, fixed_ip_address: vm.fixed_ips[0].ip_address, description: 'moved' });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.floatingip.status, 'ACTIVE');
    assert.equal(moved.body.floatingip.description, 'moved');
    for (const id of [f.id, second.id]) assert.equal((await t.request('DELETE', `${NET}/floatingips/${id}`, { token: alice.token })).status, 204);
    const [after] = await routerStates(t.cloud.network.ctx, [router.id]);
    assert.deepEqual(after!.floatingIps, []);
  });

  it('associates at creation and is freed when the port is deleted', async () => {
    const port = await makePort(t, alice.token, tenant.networkId);
    const res = await create(alice.token, { floating_network_id: ext.networkId, port_id: port.id });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.floatingip.status, 'ACTIVE');
    assert.equal(res.body.floatingip.router_id, router.id);
    assert.equal((await t.request('DELETE', `${NET}/ports/${port.id}`, { token: alice.token })).status, 204);
    const shown = await t.request('GET', `${NET}/floatingips/${res.body.floatingip.id}`, { token: alice.token });
    assert.equal(shown.body.floatingip.port_id, null);
    assert.equal(shown.body.floatingip.status, 'DOWN');
    await t.request('DELETE', `${NET}/floatingips/${res.body.floatingip.id}`, { token: alice.token });
  });

  it('refuses associations Neutron refuses', async () => {
    const f = (await create(alice.token, { floating_network_id: ext.networkId })).body.floatingip;
    const island = await makeNetwork(t, alice.token, '10.9.0.0/24', '10.9.0.1');
    const lonely = await makePort(t, alice.token, island.networkId);
    assertNeutronError(await update(alice.token, f.id, { port_id: lonely.id }), 404, 'ExternalGatewayForFloatingIPNotFound',
      new RegExp(`^External network ${ext.networkId} is not reachable from subnet ${island.subnetId}\\.  Therefore, cannot associate Port ${lonely.id} with a Floating IP\\.$`));
    const bobNet = await makeNetwork(t, bob.token, '10.8.0.0/24', '10.8.0.1');
    const bobPort = await makePort(t, bob.token, bobNet.networkId);
    assertNeutronError(await update(alice.token, f.id, { port_id: bobPort.id }), 404, 'PortNotFound');
    assertNeutronError(await update(alice.token, f.id, { port_id: vm.id, fixed_ip_address: '10.1.0.250' }), 400, 'BadRequest',
      /does not have fixed ip 10\.1\.0\.250/);
    assertNeutronError(await update(alice.token, f.id, { fixed_ip_address: '10.1.0.250' }), 400, 'BadRequest',
      /fixed_ip_address cannot be specified without a port_id/);
    const twoIps = await makePort(t, alice.token, tenant.networkId, { fixed_ips: [{ subnet_id: tenant.subnetId }, { subnet_id: tenant.subnetId }] });
    assertNeutronError(await update(alice.token, f.id, { port_id: twoIps.id }), 400, 'BadRequest', /has multiple fixed IPv4 addresses/);
    const picked = await update(alice.token, f.id, { port_id: twoIps.id, fixed_ip_address: twoIps.fixed_ips[1].ip_address });
    assert.equal(picked.status, 200, picked.text);
    assert.equal(picked.body.floatingip.fixed_ip_address, twoIps.fixed_ips[1].ip_address);
    await t.request('DELETE', `${NET}/floatingips/${f.id}`, { token: alice.token });
  });

  it('allocates only from external networks; a specific address is the admin\'s', async () => {
    assertNeutronError(await create(alice.token, { floating_network_id: tenant.networkId }), 400, 'BadRequest',
      new RegExp(`^Bad floatingip request: Network ${tenant.networkId} is not a valid external network\\.$`));
    const hidden = await makeNetwork(t, admin, '198.51.100.0/24', '198.51.100.1');
    assertNeutronError(await create(alice.token, { floating_network_id: hidden.networkId }), 404, 'NetworkNotFound');
    assertNeutronError(await create(alice.token, { floating_network_id: ext.networkId, floating_ip_address: '203.0.113.200' }), 403, 'PolicyNotAuthorized');
    const mine = await create(admin, { floating_network_id: ext.networkId, floating_ip_address: '203.0.113.200' });
    assert.equal(mine.status, 201, mine.text);
    assert.equal(mine.body.floatingip.floating_ip_address, '203.0.113.200');
    assert.equal((await create(admin, { floating_network_id: ext.networkId, floating_ip_address: '203.0.113.200' })).status, 409);
    const forAlice = await create(admin, { floating_network_id: ext.networkId, project_id: alice.projectId, port_id: vm.id });
    assert.equal(forAlice.status, 201, forAlice.text);
    assert.equal(forAlice.body.floatingip.project_id, alice.projectId);
    for (const f of [mine.body.floatingip, forAlice.body.floatingip]) await t.request('DELETE', `${NET}/floatingips/${f.id}`, { token: admin });
  });

  it('hides other projects\' floating IPs and filters lists', async () => {
    const f = (await create(alice.token, { floating_network_id: ext.networkId, port_id: vm.id })).body.floatingip;
    const g = (await create(alice.token, { floating_network_id: ext.networkId })).body.floatingip;
    assertNeutronError(await t.request('GET', `${NET}/floatingips/${f.id}`, { token: bob.token }), 404, 'FloatingIPNotFound');
    assertNeutronError(await update(bob.token, f.id, { port_id: null }), 404, 'FloatingIPNotFound');
    assertNeutronError(await t.request('DELETE', `${NET}/floatingips/${f.id}`, { token: bob.token }), 404, 'FloatingIPNotFound');
    assert.deepEqual((await t.request('GET', `${NET}/floatingips`, { token: bob.token })).body.floatingips, []);
    const byAddress = await t.request('GET', `${NET}/floatingips?floating_ip_address=${f.floating_ip_address}`, { token: alice.token });
    assert.deepEqual(byAddress.body.floatingips.map((x: any) => x.id), [f.id]);
    const byPort = await t.request('GET', `${NET}/floatingips?port_id=${vm.id}&fields=id&fields=status`, { token: alice.token });
    assert.deepEqual(byPort.body.floatingips, [{ id: f.id, status: 'ACTIVE' }]);
    const down = await t.request('GET', `${NET}/floatingips?status=DOWN`, { token: alice.token });
    assert.deepEqual(down.body.floatingips.map((x: any) => x.id), [g.id]);
    const adminList = await t.request('GET', `${NET}/floatingips?project_id=${alice.projectId}`, { token: admin });
    assert.deepEqual(adminList.body.floatingips.map((x: any) => x.id).sort(), [f.id, g.id].sort());
    assert.equal((await t.request('GET', `${NET}/floatingips?colour=red`, { token: alice.token })).status, 400);
    for (const x of [f, g]) await t.request('DELETE', `${NET}/floatingips/${x.id}`, { token: alice.token });
  });

  it('associates a port with one floating IP when associations race', async () => {
    const port = await makePort(t, alice.token, tenant.networkId);
    const fips = await Promise.all(Array.from({ length: 4 }, () => create(alice.token, { floating_network_id: ext.networkId })));
    const results = await Promise.all(fips.map((f) => update(alice.token, f.body.floatingip.id, { port_id: port.id })));
    assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
    for (const r of results.filter((x) => x.status !== 200)) assertNeutronError(r, 409, 'FloatingIPPortAlreadyAssociated');
    for (const f of fips) await t.request('DELETE', `${NET}/floatingips/${f.body.floatingip.id}`, { token: alice.token });
  });

  it('refuses bad bodies with Neutron\'s 400s', async () => {
    const f = (await create(alice.token, { floating_network_id: ext.networkId })).body.floatingip;
    const cases: Array<[Promise<any>, RegExp]> = [
      [create(alice.token, {}), /^Failed to parse request\. Required attribute 'floating_network_id' not specified$/],
      [create(alice.token, { floating_network_id: 'x' }), /'x' is not a valid UUID/],
      [create(alice.token, { floating_network_id: ext.networkId, status: 'ACTIVE' }), /^Attribute 'status' not allowed in POST$/],
      [create(alice.token, { floating_network_id: ext.networkId, size: 1 }), /^Unrecognized attribute\(s\) 'size'$/],
      [create(alice.token, { floating_network_id: ext.networkId, floating_ip_address: '300.1.1.1' }), /'300\.1\.1\.1' is not a valid IP address/],
      [create(alice.token, { floating_network_id: ext.networkId, port_id: 7 }), /'7' is not a valid UUID/],
      [update(alice.token, f.id, { floating_network_id: ext.networkId }), /^Cannot update read-only attribute floating_network_id$/],
      [update(alice.token, f.id, { description: ['x'] }), /is not a valid string/],
      [t.request('PUT', `${NET}/floatingips/${f.id}`, { token: alice.token, body: { port_id: null } }), /^Unable to find 'floatingip' in request body$/],
    ];
    for (const [call, message] of cases) {
      const res = await call;
      assert.equal(res.status, 400, `${message}: ${res.text}`);
      assert.match(res.body.NeutronError.message, message);
    }
    await t.request('DELETE', `${NET}/floatingips/${f.id}`, { token: alice.token });
  });

  it('hands out each address once under concurrency and refuses the rest (pool exhausted, then quota)', async () => {
    const small = await makeExternal(t, admin, '192.0.2.0/29', '192.0.2.1', 'nb-small');
    const made = await Promise.all(Array.from({ length: 8 }, () => create(admin, { floating_network_id: small.networkId })));
    const ok = made.filter((r) => r.status === 201);
    assert.equal(ok.length, 5, made.map((r) => r.status).join(','));
    const addresses = ok.map((r) => r.body.floatingip.floating_ip_address);
    assert.equal(new Set(addresses).size, 5);
    for (const r of made.filter((x) => x.status !== 201)) assertNeutronError(r, 409, 'IpAddressGenerationFailure');

    const dave = await createMemberUser(t, 'fip-dave');
    const mine = await Promise.all(Array.from({ length: FIP_QUOTA + 3 }, () => create(dave.token, { floating_network_id: ext.networkId })));
    assert.equal(mine.filter((r) => r.status === 201).length, FIP_QUOTA);
    for (const r of mine.filter((x) => x.status !== 201)) assertNeutronError(r, 409, 'OverQuota');
  });
});
