// Servers on networks, with the fake compute driver (ports stay DOWN: no dataplane agent here):
// create-time checks with Nova's errors, ports made and bound by the build, addresses in views,
// delete removing Nubis's ports and keeping the user's, and the NICs the guest gets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tapName } from '../../agent/network/host-state.js';
import type { FakeDriver } from '../../agent/compute/drivers/fake/fake-driver.js';
import type { ComputeDb } from '../compute.tables.js';
import { createActiveImage, createFlavor, novaError, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';

const NOWHERE = '7e0e0e0e-0000-4000-8000-000000000000';

describe('servers on networks', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let admin: string;
  let member: MemberUser;
  let stranger: MemberUser;
  let flavor: string;
  let image: string;
  let net: string;
  let subnet: string;
  let strangerNet: string;

  const neutron = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await t.request(method, `/network/v2.0${path}`, { token, body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const makeNetwork = async (token: string, name: string, cidr: string) => {
    const n = (await neutron(token, 'POST', '/networks', { network: { name } })).network.id as string;
    const s = (await neutron(token, 'POST', '/subnets', { subnet: { network_id: n, cidr, ip_version: 4, name: `${name}-v4` } })).subnet.id as string;
    return { n, s };
  };
  const create = (token: string, server: Record<string, unknown>) =>
    t.request('POST', '/compute/v2.1/servers', { token, body: { server: { flavorRef: flavor, imageRef: image, ...server } } });
  const instances = async () => Number((await db.selectFrom('compute_instance').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const driver = () => t.cloud.agents.agents[0]!.driver as FakeDriver;

  before(async () => {
    t = await startFakeComputeCloud(1);
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-sn-member');
    stranger = await createMemberUser(t, 'nb-sn-stranger');
    flavor = await createFlavor(t, admin, { name: 'nb-sn-flavor' });
    image = await createActiveImage(t, admin, 'nb-sn-img');
    ({ n: net, s: subnet } = await makeNetwork(member.token, 'nb-sn-net', '10.10.0.0/24'));
    ({ n: strangerNet } = await makeNetwork(stranger.token, 'nb-sn-other', '10.20.0.0/24'));
  });
  after(async () => { await t?.close(); });

  it('refuses bad networks, ports, fixed IPs and security groups before writing anything', async () => {
    const before = await instances();
    const inUse = (await neutron(member.token, 'POST', '/ports', { port: { network_id: net, device_id: 'somebody-else' } })).port.id;
    const free = (await neutron(member.token, 'POST', '/ports', { port: { network_id: net } })).port.id;
    const cases: Array<[string, Record<string, unknown>, number, RegExp]> = [
      ['unknown network', { networks: [{ uuid: NOWHERE }] }, 400, new RegExp(`Network ${NOWHERE} could not be found\\.`)],
      ["another project's network", { networks: [{ uuid: strangerNet }] }, 400, new RegExp(`Network ${strangerNet} could not be found\\.`)],
      ['unknown port', { networks: [{ port: NOWHERE }] }, 400, new RegExp(`Port id ${NOWHERE} could not be found\\.`)],
      ['port in use', { networks: [{ port: inUse }] }, 409, new RegExp(`Port ${inUse} is still in use\\.`)],
      ['malformed fixed IP', { networks: [{ uuid: net, fixed_ip: '10.10.0.999' }] }, 400, /fixed_ip/],
      ['fixed IP outside the network', { networks: [{ uuid: net, fixed_ip: '192.168.7.7' }] }, 400, /192\.168\.7\.7/],
      ['unknown security group', { networks: [{ uuid: net }], security_groups: [{ name: 'nb-nope' }] }, 400,
        new RegExp(`Security group nb-nope not found for project ${member.projectId}\\.`)],
      ['one port for many servers', { networks: [{ port: free }], min_count: 2 }, 400, /single configured port/],
    ];
    for (const [what, server, status, re] of cases) {
      const res = await create(member.token, { name: 'nb-sn-bad', ...server });
      assert.match(novaError(res, status, status === 400 ? 'badRequest' : 'conflictingRequest'), re, what);
    }
    assert.equal(await instances(), before, 'no refused create left an instance');
  });

  it('auto with two usable networks is ambiguous (409)', async () => {
    const second = await makeNetwork(member.token, 'nb-sn-second', '10.11.0.0/24');
    const res = await create(member.token, { name: 'nb-sn-auto', networks: 'auto' });
    assert.match(novaError(res, 409, 'conflictingRequest'), /Multiple possible networks found, use a Network ID to be more specific\./);
    await neutron(member.token, 'DELETE', `/subnets/${second.s}`);
    await neutron(member.token, 'DELETE', `/networks/${second.n}`);
  });

  it('builds with a fixed IP and a given port: addresses, groups, bound ports, NICs in order; delete keeps only the user port', async () => {
    const userPort = (await neutron(member.token, 'POST', '/ports', { port: { network_id: net, name: 'nb-sn-user' } })).port;
    const res = await create(member.token, { name: 'nb-sn-vm', config_drive: true, networks: [{ uuid: net, fixed_ip: '10.10.0.50' }, { port: userPort.id }] });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body.server.security_groups, [{ name: 'default' }]);
    const id = res.body.server.id as string;
    const server = await waitForServer(t, member.token, id, 'ACTIVE');

    const ports = (await neutron(admin, 'GET', `/ports?device_id=${id}`)).ports as Array<Record<string, any>>;
    assert.equal(ports.length, 2);
    const made = ports.find((p) => p.id !== userPort.id)!;
    assert.deepEqual(made.fixed_ips.map((f: { ip_address: string }) => f.ip_address), ['10.10.0.50']);
    for (const p of ports) {
      assert.equal(p.device_owner, 'compute:nova');
      assert.equal(p['binding:host_id'], t.cloud.agents.agents[0]!.host);
    }
    const addrs = (server.addresses as Record<string, Array<Record<string, unknown>>>)['nb-sn-net']!;
    assert.deepEqual(addrs.map((a) => [a.addr, a.version, a['OS-EXT-IPS:type']]), [
      ['10.10.0.50', 4, 'fixed'], [userPort.fixed_ips[0].ip_address, 4, 'fixed']]);
    assert.deepEqual(addrs.map((a) => a['OS-EXT-IPS-MAC:mac_addr']), [made.mac_address, userPort.mac_address]);
    assert.deepEqual(server.security_groups, [{ name: 'default' }]);
    assert.deepEqual(driver().nicsOf(id), [{ tap: tapName(made.id), mac: made.mac_address }, { tap: tapName(userPort.id), mac: userPort.mac_address }]);
    // The config drive's network_data.json describes the same NICs.
    const nd = driver().specOf(id)!.configDrive!.networkData as { links: Array<Record<string, unknown>>; networks: Array<Record<string, unknown>> };
    assert.deepEqual(nd.links.map((l) => [l.id, l.vif_id, l.ethernet_mac_address]), [[tapName(made.id), made.id, made.mac_address], [tapName(userPort.id), userPort.id, userPort.mac_address]]);
    assert.deepEqual(nd.networks.map((n) => [n.link, n.ip_address, n.netmask, n.network_id]), [
      [tapName(made.id), '10.10.0.50', '255.255.255.0', net], [tapName(userPort.id), userPort.fixed_ips[0].ip_address, '255.255.255.0', net]]);

    const detail = (await t.request('GET', '/compute/v2.1/servers/detail?ip=10%5C.10%5C.0%5C.50', { token: member.token })).body.servers;
    assert.deepEqual(detail.map((s: { id: string }) => s.id), [id]);
    assert.equal((await t.request('GET', '/compute/v2.1/servers?ip=10.99.', { token: member.token })).body.servers.length, 0);

    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 204);
    await waitForServer(t, member.token, id, 'DELETED');
    assert.equal((await t.request('GET', `/network/v2.0/ports/${made.id}`, { token: admin })).status, 404, 'the port Nubis made is gone');
    const kept = (await neutron(admin, 'GET', `/ports/${userPort.id}`)).port;
    assert.equal(kept.device_id, '');
    assert.equal(kept.device_owner, '');
    assert.equal(kept['binding:host_id'], '');
    assert.deepEqual(kept.fixed_ips, userPort.fixed_ips, 'the user port keeps its address');
  });

  it('legacy (no networks key below 2.37) boots on the one network; security groups by name', async () => {
    const group = (await neutron(member.token, 'POST', '/security-groups', { security_group: { name: 'nb-sn-web' } })).security_group;
    const res = await create(member.token, { name: 'nb-sn-legacy', security_groups: [{ name: 'nb-sn-web' }] });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body.server.security_groups, [{ name: 'nb-sn-web' }]);
    const server = await waitForServer(t, member.token, res.body.server.id, 'ACTIVE');
    assert.deepEqual(server.security_groups, [{ name: 'nb-sn-web' }]);
    assert.deepEqual(Object.keys(server.addresses as object), ['nb-sn-net']);
    const [port] = (await neutron(admin, 'GET', `/ports?device_id=${res.body.server.id}`)).ports;
    assert.deepEqual(port.security_groups, [group.id]);
    assert.equal(port.fixed_ips[0].subnet_id, subnet);

    // Legacy removeFixedIp (what `openstack server remove fixed ip` sends at 2.1); gone from 2.44.
    const action = (body: unknown, headers: Record<string, string> = {}) =>
      t.request('POST', `/compute/v2.1/servers/${res.body.server.id}/action`, { token: member.token, body, headers });
    const ip = port.fixed_ips[0].ip_address as string;
    assert.match(novaError(await action({ removeFixedIp: { address: '10.10.0.254' } }), 400, 'badRequest'), /doesn't have fixed IP '10\.10\.0\.254'/);
    novaError(await action({ removeFixedIp: { address: ip } }, { 'OpenStack-API-Version': 'compute 2.44' }), 400, 'badRequest');
    assert.equal((await action({ removeFixedIp: { address: ip } })).status, 202);
    assert.deepEqual((await neutron(admin, 'GET', `/ports/${port.id}`)).port.fixed_ips, []);
    // As Nova: the port's network stays listed, with no address.
    assert.deepEqual((await waitForServer(t, member.token, res.body.server.id, 'ACTIVE')).addresses, { 'nb-sn-net': [] });

    const both = await create(member.token, { name: 'nb-sn-both', networks: [{ uuid: net }], security_groups: [{ name: 'default' }, { name: group.id }] });
    assert.equal(both.status, 202, both.text);
    const shown = await waitForServer(t, member.token, both.body.server.id, 'ACTIVE');
    assert.deepEqual(shown.security_groups, [{ name: 'default' }, { name: 'nb-sn-web' }]);
  });

  it('a build whose second port cannot be made fails and leaves no port behind', async () => {
    const solo = await createMemberUser(t, 'nb-sn-solo');
    const { n } = await makeNetwork(solo.token, 'nb-sn-solo-net', '10.12.0.0/24');
    const quota = await t.request('PUT', `/network/v2.0/quotas/${solo.projectId}`, { token: admin, body: { quota: { port: 1 } } });
    assert.equal(quota.status, 200, quota.text);
    const res = await create(solo.token, { name: 'nb-sn-two', networks: [{ uuid: n }, { uuid: n }] });
    assert.equal(res.status, 202, res.text);
    const server = await waitForServer(t, solo.token, res.body.server.id, 'ERROR');
    assert.match(JSON.stringify(server.fault), /Quota exceeded/);
    assert.deepEqual((await neutron(admin, 'GET', `/ports?device_id=${res.body.server.id}`)).ports, [], 'the first port was given back');
  });

  it('a port the host fails to wire fails the build with its reason, and leaves the port unbound', async () => {
    const sync = t.cloud.network.ctx.sync;
    const real = sync.applyHost;
    // Stands in for a dataplane agent that could not wire the port.
    sync.applyHost = async () => {
      const bound = await t.cloud.network.ctx.deps.db.selectFrom('net_port').select('id').where('binding_host_id', '!=', '').execute();
      return { ports: bound.map((p) => ({ id: p.id, status: 'ERROR' as const, reason: 'tap nbt-x: Operation not permitted' })) };
    };
    try {
      const res = await create(member.token, { name: 'nb-sn-doomed', networks: [{ uuid: net }] });
      assert.equal(res.status, 202, res.text);
      await waitForServer(t, member.token, res.body.server.id, 'ERROR');
      // The reason is in the fault's details, which Nova shows admins.
      const seen = (await t.request('GET', `/compute/v2.1/servers/${res.body.server.id}`, { token: admin })).body.server;
      assert.match(seen.fault.details, /tap nbt-x: Operation not permitted/);
      const [port] = (await neutron(admin, 'GET', `/ports?device_id=${res.body.server.id}`)).ports;
      assert.equal(port['binding:host_id'], '', 'unbound after the failed attempt');
    } finally {
      sync.applyHost = real;
    }
  });
});
