// os-interface on the fake compute driver: list/show views, attach by network (with a fixed IP)
// and by port, the guest's NICs following, detach removing Nubis's port and unbinding the user's,
// policy (another project: 404) and bad input with Nova's statuses.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { tapName } from '../../agent/network/host-state.js';
import type { FakeDriver } from '../../agent/compute/drivers/fake/fake-driver.js';
import { createActiveImage, createFlavor, insertServer, novaError, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';

const NOWHERE = '7e0e0e0e-0000-4000-8000-000000000000';
const VIEW_KEYS = ['fixed_ips', 'mac_addr', 'net_id', 'port_id', 'port_state'];

describe('os-interface', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let stranger: MemberUser;
  let net: string;
  let server: string;
  let base: string;

  const neutron = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await t.request(method, `/network/v2.0${path}`, { token, body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const driver = () => t.cloud.agents.agents[0]!.driver as FakeDriver;
  const list = async () => (await t.request('GET', base, { token: member.token })).body.interfaceAttachments as Array<Record<string, any>>;

  /** Waits until `check` holds (detach finishes after the 202). */
  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  before(async () => {
    t = await startFakeComputeCloud(1);
    admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-if-member');
    stranger = await createMemberUser(t, 'nb-if-stranger');
    const flavor = await createFlavor(t, admin, { name: 'nb-if-flavor' });
    const image = await createActiveImage(t, admin, 'nb-if-img');
    net = (await neutron(member.token, 'POST', '/networks', { network: { name: 'nb-if-net' } })).network.id;
    await neutron(member.token, 'POST', '/subnets', { subnet: { network_id: net, cidr: '10.30.0.0/24', ip_version: 4 } });
    const res = await t.request('POST', '/compute/v2.1/servers', {
      token: member.token, body: { server: { name: 'nb-if-vm', flavorRef: flavor, imageRef: image, networks: [{ uuid: net }] } },
    });
    assert.equal(res.status, 202, res.text);
    server = res.body.server.id;
    base = `/compute/v2.1/servers/${server}/os-interface`;
    await waitForServer(t, member.token, server, 'ACTIVE');
  });
  after(async () => { await t?.close(); });

  it('lists and shows the boot interface as Nova does', async () => {
    const ifs = await list();
    assert.equal(ifs.length, 1);
    assert.deepEqual(Object.keys(ifs[0]!).sort(), VIEW_KEYS);
    assert.equal(ifs[0]!.net_id, net);
    assert.equal(ifs[0]!.port_state, 'DOWN', 'no dataplane agent in this cloud');
    assert.match(ifs[0]!.fixed_ips[0].ip_address, /^10\.30\.0\./);
    const one = await t.request('GET', `${base}/${ifs[0]!.port_id}`, { token: member.token });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.body.interfaceAttachment, ifs[0]);
    novaError(await t.request('GET', `${base}/${NOWHERE}`, { token: member.token }), 404, 'itemNotFound');
  });

  it('attaches by network with a fixed IP and by port; the guest gets the NICs', async () => {
    const byNet = await t.request('POST', base, { token: member.token, body: { interfaceAttachment: { net_id: net, fixed_ips: [{ ip_address: '10.30.0.77' }] } } });
    assert.equal(byNet.status, 200, byNet.text);
    const a = byNet.body.interfaceAttachment;
    assert.deepEqual(Object.keys(a).sort(), VIEW_KEYS);
    assert.deepEqual(a.fixed_ips.map((f: { ip_address: string }) => f.ip_address), ['10.30.0.77']);
    const userPort = (await neutron(member.token, 'POST', '/ports', { port: { network_id: net, name: 'nb-if-user' } })).port;
    const byPort = await t.request('POST', base, { token: member.token, body: { interfaceAttachment: { port_id: userPort.id } } });
    assert.equal(byPort.status, 200, byPort.text);
    assert.equal(byPort.body.interfaceAttachment.port_id, userPort.id);

    assert.equal((await list()).length, 3);
    const taps = driver().nicsOf(server).map((n) => n.tap);
    assert.deepEqual(taps.slice(1), [tapName(a.port_id), tapName(userPort.id)]);
    const port = (await neutron(admin, 'GET', `/ports/${a.port_id}`)).port;
    assert.equal(port.device_id, server);
    assert.equal(port['binding:host_id'], t.cloud.agents.agents[0]!.host);
    const addrs = (await waitForServer(t, member.token, server, 'ACTIVE')).addresses as Record<string, Array<{ addr: string }>>;
    assert.ok(addrs['nb-if-net']!.some((x) => x.addr === '10.30.0.77'));

    // Detach both: Nubis's port goes, the user's stays, unbound.
    assert.equal((await t.request('DELETE', `${base}/${a.port_id}`, { token: member.token })).status, 202);
    assert.equal((await t.request('DELETE', `${base}/${userPort.id}`, { token: member.token })).status, 202);
    await until('both detached', async () => (await list()).length === 1);
    assert.deepEqual(driver().nicsOf(server).map((n) => n.tap), taps.slice(0, 1));
    assert.equal((await t.request('GET', `/network/v2.0/ports/${a.port_id}`, { token: admin })).status, 404);
    const kept = (await neutron(admin, 'GET', `/ports/${userPort.id}`)).port;
    assert.equal(kept.device_id, '');
    assert.equal(kept['binding:host_id'], '');
  });

  it('refuses bad input, unknown networks and ports, and addresses in use, with Nova statuses', async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ interfaceAttachment: { net_id: net, port_id: NOWHERE } }, 400, 'badRequest', /Must not input both network_id and port_id/],
      [{ interfaceAttachment: { fixed_ips: [{ ip_address: '10.30.0.9' }] } }, 400, 'badRequest', /Must input network_id when request IP address/],
      [{ interfaceAttachment: { bogus: 1 } }, 400, 'badRequest', /bogus/],
      [{ interfaceAttachment: { net_id: NOWHERE } }, 404, 'itemNotFound', /could not be found/],
      [{ interfaceAttachment: { port_id: NOWHERE } }, 404, 'itemNotFound', /could not be found/],
    ];
    for (const [body, status, name, re] of cases) {
      assert.match(novaError(await t.request('POST', base, { token: member.token, body }), status, name), re);
    }
    const used = (await list())[0]!.fixed_ips[0].ip_address;
    const res = await t.request('POST', base, { token: member.token, body: { interfaceAttachment: { net_id: net, fixed_ips: [{ ip_address: used }] } } });
    assert.match(novaError(res, 409, 'conflictingRequest'), /already in use/);
    assert.equal((await list()).length, 1, 'nothing was attached');
  });

  it("another project's server is a 404; a stopped server may attach, an unknown port detach is a 404", async () => {
    novaError(await t.request('GET', base, { token: stranger.token }), 404, 'itemNotFound');
    novaError(await t.request('POST', base, { token: stranger.token, body: { interfaceAttachment: { net_id: net } } }), 404, 'itemNotFound');
    novaError(await t.request('DELETE', `${base}/${NOWHERE}`, { token: member.token }), 404, 'itemNotFound');
    for (const over of [{ vm_state: 'error' as const }, { vm_state: 'active' as const, task_state: 'rebooting' as const }, { vm_state: 'shelved_offloaded' as const, host: null }]) {
      const row = await insertServer(t.cloud.compute.ctx.deps.db, member.projectId, member.id, { host: 'nb-if-host', ...over });
      const res = await t.request('POST', `/compute/v2.1/servers/${row.uuid}/os-interface`, { token: member.token, body: { interfaceAttachment: { net_id: net } } });
      assert.match(novaError(res, 409, 'conflictingRequest'), /Cannot 'attach_interface' instance/);
    }
    assert.equal((await t.request('POST', `/compute/v2.1/servers/${server}/action`, { token: member.token, body: { 'os-stop': null } })).status, 202);
    await waitForServer(t, member.token, server, 'SHUTOFF');
    const res = await t.request('POST', base, { token: member.token, body: { interfaceAttachment: { net_id: net } } });
    assert.equal(res.status, 200, res.text);
    assert.equal((await list()).length, 2);
  });
});
