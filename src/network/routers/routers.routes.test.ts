/* eslint-disable @typescript-eslint/no-explicit-any */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { assertNeutronError, makeExternal, makeNetwork, makePort, makeRouter, NET, type Made } from './l3-test-setup.js';
import { routerStates } from './router-state.js';

const ROUTER_KEYS = ['admin_state_up', 'availability_zone_hints', 'availability_zones', 'created_at', 'description',
  'external_gateway_info', 'flavor_id', 'id', 'name', 'project_id', 'revision_number', 'routes', 'status', 'tags',
  'tenant_id', 'updated_at'];
const INTERFACE_KEYS = ['id', 'network_id', 'port_id', 'project_id', 'subnet_id', 'subnet_ids', 'tenant_id'];

describe('network API: routers', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let ext: Made;
  let plain: Made;
  let tenant: Made;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'rt-alice');
    bob = await createMemberUser(t, 'rt-bob');
    ext = await makeExternal(t, admin, '203.0.113.0/24', '203.0.113.1');
    plain = await makeNetwork(t, admin, '198.51.100.0/24', '198.51.100.1');
    tenant = await makeNetwork(t, alice.token, '10.1.0.0/24', '10.1.0.1');
  });
  after(async () => { await t.close(); });

  const put = (token: string, path: string, body: unknown) => t.request('PUT', `${NET}/routers/${path}`, { token, body });

  it('creates a router with exactly Neutron\'s keys; distributed and ha only for admins', async () => {
    const res = await t.request('POST', `${NET}/routers`, { token: alice.token, body: { router: { name: 'nb-r1', description: 'd' } } });
    assert.equal(res.status, 201, res.text);
    const r = res.body.router;
    assert.deepEqual(Object.keys(r).sort(), ROUTER_KEYS);
    assert.equal(r.status, 'ACTIVE');
    assert.equal(r.admin_state_up, true);
    assert.equal(r.external_gateway_info, null);
    assert.deepEqual(r.routes, []);
    assert.deepEqual(r.availability_zones, ['nova']);
    assert.equal(r.flavor_id, null);
    assert.equal(r.project_id, alice.projectId);
    assert.equal(r.tenant_id, alice.projectId);
    assert.match(r.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r.revision_number, 0);
    const asAdmin = await t.request('GET', `${NET}/routers/${r.id}`, { token: admin });
    assert.deepEqual(Object.keys(asAdmin.body.router).sort(), [...ROUTER_KEYS, 'distributed', 'ha'].sort());
    assert.equal(asAdmin.body.router.distributed, false);
    assert.equal(asAdmin.body.router.ha, false);
    const fields = await t.request('GET', `${NET}/routers/${r.id}?fields=id&fields=name`, { token: alice.token });
    assert.deepEqual(fields.body.router, { id: r.id, name: 'nb-r1' });
    const tagged = await makeRouter(t, admin, { tags: ['blue', 'alpha'], project_id: alice.projectId, availability_zone_hints: ['nova'] });
    assert.deepEqual(tagged.tags, ['alpha', 'blue']);
    assert.equal(tagged.project_id, alice.projectId);
    assert.deepEqual(tagged.availability_zone_hints, ['nova']);
    const byTag = await t.request('GET', `${NET}/routers?tags=blue`, { token: alice.token });
    assert.deepEqual(byTag.body.routers.map((x: any) => x.id), [tagged.id]);
    assertNeutronError(await t.request('POST', `${NET}/routers`, { token: alice.token, body: { router: { project_id: bob.projectId } } }),
      403, 'PolicyNotAuthorized');
    const empty = await put(alice.token, r.id, { router: {} });
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.body.router.revision_number, 0, 'an empty update changes nothing');
    assert.deepEqual(await routerStates(t.cloud.network.ctx, []), []);
    const all = await routerStates(t.cloud.network.ctx);
    const mine = all.find((s) => s.id === r.id)!;
    assert.deepEqual(mine, {
      id: r.id, namespace: `nbns-r${r.id.slice(0, 11)}`, adminStateUp: true, gateway: null, interfaces: [], routes: [],
      floatingIps: [], metadata: false,
    });
  });

  it('sets, shows and clears an external gateway (a port on the external network)', async () => {
    const r = await makeRouter(t, alice.token);
    const set = await put(alice.token, r.id, { router: { external_gateway_info: { network_id: ext.networkId } } });
    assert.equal(set.status, 200, set.text);
    const gw = set.body.router.external_gateway_info;
    assert.equal(gw.network_id, ext.networkId);
    assert.equal(gw.enable_snat, true);
    assert.equal(gw.external_fixed_ips.length, 1);
    assert.equal(gw.external_fixed_ips[0].subnet_id, ext.subnetId);
    assert.match(gw.external_fixed_ips[0].ip_address, /^203\.0\.113\.\d+$/);
    assert.equal(set.body.router.revision_number, 1);
    const ports = await t.request('GET', `${NET}/ports?device_id=${r.id}`, { token: admin });
    assert.equal(ports.status, 200, ports.text);
    assert.equal(ports.body.ports.length, 1);
    const gp = ports.body.ports[0];
    assert.equal(gp.device_owner, 'network:router_gateway');
    assert.equal(gp.project_id, '');
    assert.equal(gp.fixed_ips[0].ip_address, gw.external_fixed_ips[0].ip_address);

    const [state] = await routerStates(t.cloud.network.ctx, [r.id]);
    assert.equal(state!.gateway!.portId, gp.id);
    assert.deepEqual(state!.gateway!.addresses, [`${gw.external_fixed_ips[0].ip_address}/24`]);
    assert.equal(state!.gateway!.gatewayIp, '203.0.113.1');
    assert.equal(state!.gateway!.snat, true);
    assert.equal(state!.metadata, false);

    for (const clear of [{}, null]) {
      await put(alice.token, r.id, { router: { external_gateway_info: { network_id: ext.networkId } } });
      const cleared = await put(alice.token, r.id, { router: { external_gateway_info: clear } });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.router.external_gateway_info, null);
      const left = await t.request('GET', `${NET}/ports?device_id=${r.id}`, { token: admin });
      assert.equal(left.body.ports.length, 0);
    }
  });

  it('refuses a gateway on a network that is not external; SNAT and fixed IPs are the admin\'s', async () => {
    const r = await makeRouter(t, alice.token);
    const own = await put(alice.token, r.id, { router: { external_gateway_info: { network_id: tenant.networkId } } });
    assertNeutronError(own, 400, 'BadRequest', new RegExp(`^Bad router request: Network ${tenant.networkId} is not an external network\\.$`));
    const hidden = await put(alice.token, r.id, { router: { external_gateway_info: { network_id: plain.networkId } } });
    assertNeutronError(hidden, 404, 'NetworkNotFound');
    const snat = await put(alice.token, r.id, { router: { external_gateway_info: { network_id: ext.networkId, enable_snat: false } } });
    assertNeutronError(snat, 403, 'PolicyNotAuthorized');
    const fixed = await put(alice.token, r.id, {
      router: { external_gateway_info: { network_id: ext.networkId, external_fixed_ips: [{ ip_address: '203.0.113.77' }] } },
    });
    assertNeutronError(fixed, 403, 'PolicyNotAuthorized');
    const byAdmin = await put(admin, r.id, {
      router: { external_gateway_info: { network_id: ext.networkId, enable_snat: false, external_fixed_ips: [{ ip_address: '203.0.113.77' }] } },
    });
    assert.equal(byAdmin.status, 200, byAdmin.text);
    assert.equal(byAdmin.body.router.external_gateway_info.enable_snat, false);
    assert.deepEqual(byAdmin.body.router.external_gateway_info.external_fixed_ips, [{ subnet_id: ext.subnetId, ip_address: '203.0.113.77' }]);
    const moved = await put(admin, r.id, {
      router: { external_gateway_info: { network_id: ext.networkId, external_fixed_ips: [{ ip_address: '203.0.113.78' }] } },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.router.external_gateway_info.external_fixed_ips[0].ip_address, '203.0.113.78');
    assert.equal(moved.body.router.external_gateway_info.enable_snat, true);
    const gwIp = await put(admin, r.id, {
      router: { external_gateway_info: { network_id: ext.networkId, external_fixed_ips: [{ ip_address: '203.0.113.1' }] } },
    });
    assertNeutronError(gwIp, 400, 'BadRequest', /External IP 203\.0\.113\.1 is the same as the gateway IP/);
    const taken = await makeRouter(t, admin, { external_gateway_info: { network_id: ext.networkId, external_fixed_ips: [{ ip_address: '203.0.113.90' }] } });
    assert.equal(taken.external_gateway_info.external_fixed_ips[0].ip_address, '203.0.113.90');
    const clash = await put(admin, r.id, {
      router: { external_gateway_info: { network_id: ext.networkId, external_fixed_ips: [{ ip_address: '203.0.113.90' }] } },
    });
    assert.equal(clash.status, 409, clash.text);
    const still = await t.request('GET', `${NET}/routers/${r.id}`, { token: admin });
    assert.equal(still.body.router.external_gateway_info.external_fixed_ips[0].ip_address, '203.0.113.78', 'a failed update changes nothing');
  });

  it('adds and removes interfaces by subnet and by port', async () => {
    const r = await makeRouter(t, alice.token, { external_gateway_info: { network_id: ext.networkId } });
    const add = await put(alice.token, `${r.id}/add_router_interface`, { subnet_id: tenant.subnetId });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(Object.keys(add.body).sort(), INTERFACE_KEYS);
    assert.equal(add.body.id, r.id);
    assert.equal(add.body.subnet_id, tenant.subnetId);
    assert.deepEqual(add.body.subnet_ids, [tenant.subnetId]);
    assert.equal(add.body.network_id, tenant.networkId);
    assert.equal(add.body.project_id, alice.projectId);
    const port = (await t.request('GET', `${NET}/ports/${add.body.port_id}`, { token: alice.token })).body.port;
    assert.equal(port.device_owner, 'network:router_interface');
    assert.equal(port.device_id, r.id);
    assert.deepEqual(port.fixed_ips, [{ subnet_id: tenant.subnetId, ip_address: '10.1.0.1' }]);

    const again = await put(alice.token, `${r.id}/add_router_interface`, { subnet_id: tenant.subnetId });
    assertNeutronError(again, 400, 'BadRequest', new RegExp(`Router already has a port on subnet ${tenant.subnetId}`));
    const overlapping = await makeNetwork(t, alice.token, '10.1.0.0/25', '10.1.0.126');
    const overlap = await put(alice.token, `${r.id}/add_router_interface`, { subnet_id: overlapping.subnetId });
    assertNeutronError(overlap, 400, 'BadRequest', /overlaps with cidr 10\.1\.0\.0\/24/);
    const noGw = await makeNetwork(t, alice.token, '10.2.0.0/24', null);
    const noGateway = await put(alice.token, `${r.id}/add_router_interface`, { subnet_id: noGw.subnetId });
    assertNeutronError(noGateway, 400, 'BadRequest', /Subnet for router interface must have a gateway IP/);

    const third = await makeNetwork(t, alice.token, '10.3.0.0/24', '10.3.0.1');
    const own = await makePort(t, alice.token, third.networkId);
    const byPort = await put(alice.token, `${r.id}/add_router_interface`, { port_id: own.id });
    assert.equal(byPort.status, 200, byPort.text);
    assert.equal(byPort.body.port_id, own.id);
    assert.deepEqual(byPort.body.subnet_ids, [third.subnetId]);
    const used = await makePort(t, alice.token, third.networkId, { device_id: 'some-vm' });
    assertNeutronError(await put(alice.token, `${r.id}/add_router_interface`, { port_id: used.id }), 409, 'PortInUse');
    assertNeutronError(await put(alice.token, `${r.id}/add_router_interface`, { port_id: own.id, subnet_id: third.subnetId }), 400, 'BadRequest',
      /Cannot specify both subnet-id and port-id/);
    assertNeutronError(await put(alice.token, `${r.id}/add_router_interface`, {}), 400, 'BadRequest', /Either subnet_id or port_id must be specified/);
    assertNeutronError(await put(alice.token, `${r.id}/add_router_interface`, { subnet_id: 'nope' }), 400, 'BadRequest', /'nope' is not a valid UUID/);

    const [state] = await routerStates(t.cloud.network.ctx, [r.id]);
    assert.equal(state!.interfaces.length, 2);
    assert.deepEqual(state!.interfaces.flatMap((l) => l.addresses).sort(), ['10.1.0.1/24', `${own.fixed_ips[0].ip_address}/24`].sort());
    assert.equal(state!.metadata, true);

    assertNeutronError(await t.request('DELETE', `${NET}/routers/${r.id}`, { token: alice.token }), 409, 'RouterInUse',
      new RegExp(`^Router ${r.id} still has ports$`));

    const removed = await put(alice.token, `${r.id}/remove_router_interface`, { subnet_id: tenant.subnetId });
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.body.port_id, add.body.port_id);
    assert.equal((await t.request('GET', `${NET}/ports/${add.body.port_id}`, { token: alice.token })).status, 404);
    assertNeutronError(await put(alice.token, `${r.id}/remove_router_interface`, { subnet_id: tenant.subnetId }), 404, 'RouterInterfaceNotFoundForSubnet');
    assertNeutronError(await put(alice.token, `${r.id}/remove_router_interface`, { port_id: used.id }), 404, 'RouterInterfaceNotFound');
    const byPortRemoved = await put(alice.token, `${r.id}/remove_router_interface`, { port_id: own.id });
    assert.equal(byPortRemoved.status, 200, byPortRemoved.text);
    const del = await t.request('DELETE', `${NET}/routers/${r.id}`, { token: alice.token });
    assert.equal(del.status, 204, del.text);
    const gone = await t.request('GET', `${NET}/ports?device_id=${r.id}`, { token: admin });
    assert.equal(gone.body.ports.length, 0, 'the gateway port goes with the router');
  });

  it('keeps static routes whose nexthop is on an attached subnet; the interface is then in use', async () => {
    const r = await makeRouter(t, alice.token);
    const net = await makeNetwork(t, alice.token, '10.4.0.0/24', '10.4.0.1');
    assert.equal((await put(alice.token, `${r.id}/add_router_interface`, { subnet_id: net.subnetId })).status, 200);
    const off = await put(alice.token, r.id, { router: { routes: [{ destination: '192.168.0.0/16', nexthop: '10.9.0.5' }] } });
    assertNeutronError(off, 400, 'InvalidRoutes', /the nexthop is not connected with router/);
    const self = await put(alice.token, r.id, { router: { routes: [{ destination: '192.168.0.0/16', nexthop: '10.4.0.1' }] } });
    assertNeutronError(self, 400, 'InvalidRoutes', /the nexthop is used by router/);
    const ok = await put(alice.token, r.id, { router: { routes: [{ destination: '192.168.0.0/16', nexthop: '10.4.0.5' }] } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.router.routes, [{ destination: '192.168.0.0/16', nexthop: '10.4.0.5' }]);
    const added = await put(alice.token, `${r.id}/add_extraroutes`, { router: { routes: [{ destination: '172.16.0.0/12', nexthop: '10.4.0.6' }] } });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.router.routes.length, 2);
    const removedRoute = await put(alice.token, `${r.id}/remove_extraroutes`, { router: { routes: [{ destination: '172.16.0.0/12', nexthop: '10.4.0.6' }] } });
    assert.deepEqual(removedRoute.body.router.routes, [{ destination: '192.168.0.0/16', nexthop: '10.4.0.5' }]);
    const [state] = await routerStates(t.cloud.network.ctx, [r.id]);
    assert.deepEqual(state!.routes, [{ destination: '192.168.0.0/16', nexthop: '10.4.0.5' }]);
    assertNeutronError(await put(alice.token, `${r.id}/remove_router_interface`, { subnet_id: net.subnetId }), 409, 'RouterInterfaceInUseByRoute');
    const cleared = await put(alice.token, r.id, { router: { routes: [] } });
    assert.deepEqual(cleared.body.router.routes, []);
    assert.equal((await put(alice.token, `${r.id}/remove_router_interface`, { subnet_id: net.subnetId })).status, 200);
  });

  it('hides other projects\' routers (404) and lists by project; admins see all', async () => {
    const r = await makeRouter(t, alice.token, { name: 'nb-private' });
    assertNeutronError(await t.request('GET', `${NET}/routers/${r.id}`, { token: bob.token }), 404, 'RouterNotFound');
    assertNeutronError(await put(bob.token, r.id, { router: { name: 'x' } }), 404, 'RouterNotFound');
    assertNeutronError(await t.request('DELETE', `${NET}/routers/${r.id}`, { token: bob.token }), 404, 'RouterNotFound');
    assertNeutronError(await put(bob.token, `${r.id}/add_router_interface`, { subnet_id: tenant.subnetId }), 404, 'RouterNotFound');
    const bobs = await makeRouter(t, bob.token);
    assertNeutronError(await put(bob.token, `${bobs.id}/add_router_interface`, { subnet_id: tenant.subnetId }), 404, 'SubnetNotFound');
    const mine = await t.request('GET', `${NET}/routers`, { token: bob.token });
    assert.deepEqual(mine.body.routers.map((x: any) => x.id), [bobs.id]);
    const all = await t.request('GET', `${NET}/routers?name=nb-private`, { token: admin });
    assert.deepEqual(all.body.routers.map((x: any) => x.id), [r.id]);
    const paged = await t.request('GET', `${NET}/routers?limit=1&fields=id`, { token: alice.token });
    assert.equal(paged.body.routers.length, 1);
    assert.deepEqual(Object.keys(paged.body.routers[0]), ['id']);
    assert.equal(paged.body.routers_links[0].rel, 'next');
    const renamed = await put(alice.token, r.id, { router: { name: 'nb-renamed', admin_state_up: false } });
    assert.equal(renamed.body.router.name, 'nb-renamed');
    assert.equal(renamed.body.router.admin_state_up, false);
    const down = await t.request('GET', `${NET}/routers?admin_state_up=False`, { token: alice.token });
    assert.deepEqual(down.body.routers.map((x: any) => x.id), [r.id]);
  });

  it('refuses bad input with Neutron\'s 400s', async () => {
    const r = await makeRouter(t, alice.token);
    const post = (body: unknown) => t.request('POST', `${NET}/routers`, { token: alice.token, body });
    const cases: Array<[() => Promise<any>, RegExp, string?]> = [
      [() => post({ router: { name: 'x', colour: 'blue' } }), /^Unrecognized attribute\(s\) 'colour'$/],
      [() => post({ router: { status: 'DOWN' } }), /^Attribute 'status' not allowed in POST$/],
      [() => post({ router: { routes: [] } }), /^Attribute 'routes' not allowed in POST$/],
      [() => post({ router: { name: 5 } }), /^Invalid input for name\. Reason: '5' is not a valid string\.$/],
      [() => post({ router: { name: 'x'.repeat(256) } }), /exceeds maximum length of 255/],
      [() => post({ router: { admin_state_up: 'maybe' } }), /'maybe' cannot be converted to boolean/, 'InvalidInput'],
      [() => post({ router: { external_gateway_info: 'public' } }), /is not a dictionary/],
      [() => post({ router: { external_gateway_info: { network_id: 'nope' } } }), /'nope' is not a valid UUID/],
      [() => post({ router: { external_gateway_info: { enable_snat: true } } }), /Expected keys/],
      [() => post({ router: { external_gateway_info: { network_id: ext.networkId, color: 1 } } }), /Unexpected keys supplied: color/],
      [() => post({ routers: {} }), /^Unable to find 'router' in request body$/],
      [() => post('junk'), /./],
      [() => put(alice.token, r.id, { router: { id: r.id } }), /^Cannot update read-only attribute id$/],
      [() => put(alice.token, r.id, { router: { routes: 'x' } }), /Invalid data format for hostroute/],
      [() => put(alice.token, r.id, { router: { routes: [{ destination: '10.0.0.1/33', nexthop: '10.0.0.1' }] } }), /'10\.0\.0\.1\/33' is not a valid IP subnet/],
      [() => put(alice.token, r.id, { router: { routes: [{ destination: '10.0.0.0/8' }] } }), /Expected keys/],
      [() => put(alice.token, r.id, { router: { routes: [{ destination: '10.0.0.0/8', nexthop: 'x' }] } }), /'x' is not a valid IP address/],
    ];
    for (const [call, message, type] of cases) {
      const res = await call();
      assert.equal(res.status, 400, `${message}: ${res.text}`);
      if (type) assert.equal(res.body.NeutronError.type, type);
      assert.match(res.body.NeutronError.message, message);
    }
    assertNeutronError(await post({ router: { distributed: true } }), 403, 'PolicyNotAuthorized');
    assertNeutronError(await t.request('GET', `${NET}/routers/not-a-uuid`, { token: alice.token }), 404, 'RouterNotFound');
  });

  it('leaves one gateway port when gateway changes race', async () => {
    const r = await makeRouter(t, alice.token);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      put(alice.token, r.id, { router: { external_gateway_info: i % 2 ? { network_id: ext.networkId } : {} } })));
    for (const res of results) assert.equal(res.status, 200, res.text);
    const final = (await t.request('GET', `${NET}/routers/${r.id}`, { token: alice.token })).body.router;
    const ports = (await t.request('GET', `${NET}/ports?device_id=${r.id}`, { token: admin })).body.ports;
    assert.equal(ports.length, final.external_gateway_info ? 1 : 0);
    assert.equal(final.revision_number, 6);
  });

  it('tells the dataplane sync after every write', async () => {
    const sync = t.cloud.network.ctx.sync;
    const original = sync.changed;
    let calls = 0;
    sync.changed = () => { calls++; original.call(sync); };
    try {
      const net = await makeNetwork(t, alice.token, '10.6.0.0/24', '10.6.0.1');
      calls = 0;
      const r = await makeRouter(t, alice.token, { external_gateway_info: { network_id: ext.networkId } });
      await put(alice.token, `${r.id}/add_router_interface`, { subnet_id: net.subnetId });
      await put(alice.token, r.id, { router: { routes: [{ destination: '10.99.0.0/16', nexthop: '10.6.0.9' }] } });
      await put(alice.token, r.id, { router: { routes: [] } });
      await put(alice.token, `${r.id}/remove_router_interface`, { subnet_id: net.subnetId });
      await t.request('DELETE', `${NET}/routers/${r.id}`, { token: alice.token });
      assert.equal(calls, 6);
    } finally {
      sync.changed = original;
    }
  });

  it('counts routers against the router quota', async () => {
    const carol = await createMemberUser(t, 'rt-carol');
    const limit = t.config.network.quotaDefaults.router;
    for (let i = 0; i < limit; i++) await makeRouter(t, carol.token);
    const over = await t.request('POST', `${NET}/routers`, { token: carol.token, body: { router: {} } });
    assertNeutronError(over, 409, 'OverQuota');
  });
});
