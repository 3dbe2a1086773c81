// Routers for real: a tenant "VM" namespace ↔ router namespace ↔ an "external" namespace on an
// external bridge, all wired in a namespace standing in for the host. Asserts SNAT, floating IPs
// (DNAT in, SNAT out), routes, metadata, idempotency, admin-down and removal.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type MetadataRequest, routerInterfaceName, routerNamespace, type RouterState } from '../host-state.js';
import { serveMetadataSocket } from './metadata-socket.js';
import { ip, listNamespaces, nsExec } from './namespaces.js';
import { alive, eventually, randomMac, Testbed } from './namespaces.testbed.js';
import { applyRouters, teardownRouters } from './router-namespaces.js';

const root = process.getuid?.() === 0;

describe('routers (namespaces, NAT, floating IPs, metadata)', { skip: !root && 'needs root', timeout: 300_000 }, () => {
  const tb = new Testbed();
  const seen: MetadataRequest[] = [];
  let metadata: { close(): Promise<void> } | undefined;
  let router: RouterState;
  let vm = '';
  let ext = '';

  before(async () => {
    await tb.start();
    metadata = await serveMetadataSocket(tb.context().opts.metadataSocket, async (req) => {
      seen.push(req);
      return { status: 200, contentType: 'text/plain', body: `meta for ${req.sourceIp}` };
    });
    const tenant = await tb.addNetwork(1450);
    const external = await tb.addNetwork(1500);
    vm = await tb.addGuest('vm', tenant, randomMac());
    await ip(vm, ['addr', 'add', '10.88.0.5/24', 'dev', 'nbeth0']);
    await ip(vm, ['route', 'add', 'default', 'via', '10.88.0.1']);
    ext = await tb.addGuest('ext', external, randomMac());
    await ip(ext, ['addr', 'add', '203.0.113.1/24', 'dev', 'nbeth0']);
    await tb.serveWhoAmI(ext, 8080);
    await tb.serveWhoAmI(vm, 8080);
    const id = randomUUID();
    router = {
      id, namespace: routerNamespace(id), adminStateUp: true, metadata: true, routes: [], floatingIps: [],
      interfaces: [{ portId: randomUUID(), networkId: tenant, mac: randomMac(), addresses: ['10.88.0.1/24'], mtu: 1450 }],
      gateway: {
        portId: randomUUID(), networkId: external, mac: randomMac(), addresses: ['203.0.113.10/24'], mtu: 1500,
        gatewayIp: '203.0.113.1', snat: true,
      },
    };
  });

  after(async () => {
    await teardownRouters(tb.context()).catch(() => undefined);
    await metadata?.close();
    await tb.cleanup();
  });

  const ports = (status: string): Array<{ id: string; status: string }> =>
    [...router.interfaces, router.gateway!].map((l) => ({ id: l.portId, status }));
  const natTable = (): Promise<string> => nsExec(router.namespace, 'nft', ['list', 'table', 'ip', 'nubis']);
  const proxyPid = async (): Promise<number> =>
    Number((await readFile(join(tb.stateDir, 'router', router.id, 'metadata-proxy.pid'), 'utf8')).trim());

  it('routes the VM out with its traffic SNATed to the gateway address', async () => {
    assert.deepEqual(await applyRouters([router], tb.context()), ports('ACTIVE'));
    await eventually(() => nsExec(vm, 'ping', ['-c', '1', '-W', '2', '203.0.113.1']), 30_000, 'ping to the external namespace');
    assert.equal(await eventually(() => tb.wget(vm, 'http://203.0.113.1:8080/'), 30_000, 'HTTP to external'), '203.0.113.10');
    assert.match(await natTable(), /oifname "nbg-[0-9a-f-]+" ip saddr 10\.88\.0\.0\/24 ip daddr != 10\.88\.0\.0\/24 snat to 203\.0\.113\.10/);
  });

  it('answers metadata from the router namespace with kind router and the VM address', async () => {
    const body = await eventually(() => tb.wget(vm, 'http://169.254.169.254/latest/meta-data/'), 30_000, 'metadata');
    assert.equal(body, 'meta for 10.88.0.5');
    assert.deepEqual(seen.at(-1), { kind: 'router', id: router.id, sourceIp: '10.88.0.5', method: 'GET', path: '/latest/meta-data/' });
  });

  it('gives the VM a floating IP: reachable from outside, and its outbound traffic shows it', async () => {
    router = { ...router, floatingIps: [{ floatingIp: '203.0.113.20', fixedIp: '10.88.0.5' }] };
    assert.deepEqual(await applyRouters([router], tb.context()), ports('ACTIVE'));
    // Inbound: DNAT to the VM, which sees the real client address.
    assert.equal(await eventually(() => tb.wget(ext, 'http://203.0.113.20:8080/'), 30_000, 'HTTP to the floating IP'), '203.0.113.1');
    // Outbound: the floating IP, not the router's address.
    assert.equal(await tb.wget(vm, 'http://203.0.113.1:8080/'), '203.0.113.20');
    // Hairpin: the VM reaches its own floating IP through the router.
    assert.equal(await tb.wget(vm, 'http://203.0.113.20:8080/'), '203.0.113.10');
  });

  it('reports ERROR for a leg it cannot wire and still serves the others', async () => {
    const lost = { portId: randomUUID(), networkId: randomUUID(), mac: randomMac(), addresses: ['10.99.0.1/24'], mtu: 1500 };
    const outcomes = await applyRouters([{ ...router, interfaces: [...router.interfaces, lost] }], tb.context());
    assert.equal(outcomes.find((o) => o.id === lost.portId)?.status, 'ERROR');
    assert.deepEqual(outcomes.filter((o) => o.id !== lost.portId), ports('ACTIVE'));
    assert.equal(await tb.wget(vm, 'http://203.0.113.1:8080/'), '203.0.113.20');
    await applyRouters([router], tb.context());
    assert.doesNotMatch(await ip(router.namespace, ['link', 'show']), new RegExp(routerInterfaceName(lost.portId)));
  });

  it('sets and removes static routes', async () => {
    router = { ...router, routes: [{ destination: '198.51.100.0/24', nexthop: '203.0.113.1' }] };
    await applyRouters([router], tb.context());
    assert.match(await ip(router.namespace, ['route', 'show', '198.51.100.0/24']), /via 203\.0\.113\.1/);
    router = { ...router, routes: [] };
    await applyRouters([router], tb.context());
    assert.equal((await ip(router.namespace, ['route', 'show', '198.51.100.0/24'])).trim(), '');
    assert.match(await ip(router.namespace, ['route', 'show', 'default']), /via 203\.0\.113\.1/);
  });

  it('is idempotent, and a restarted agent keeps the proxy and the ruleset', async () => {
    const [rules, pid] = [await natTable(), await proxyPid()];
    await applyRouters([router], tb.context());
    await applyRouters([router], tb.context()); // a new context: as after an agent restart
    assert.equal(await natTable(), rules);
    assert.equal(await proxyPid(), pid);
    assert.ok(await alive(pid));
    assert.equal(await tb.wget(vm, 'http://203.0.113.1:8080/'), '203.0.113.20');
  });

  it('takes its legs down when admin-down, and up again', async () => {
    assert.deepEqual(await applyRouters([{ ...router, adminStateUp: false }], tb.context()), ports('DOWN'));
    const leg = routerInterfaceName(router.interfaces[0]!.portId);
    assert.match(await ip(router.namespace, ['link', 'show', leg]), /state DOWN/);
    await assert.rejects(nsExec(vm, 'ping', ['-c', '1', '-W', '1', '203.0.113.1']));
    assert.deepEqual(await applyRouters([router], tb.context()), ports('ACTIVE'));
    await eventually(() => nsExec(vm, 'ping', ['-c', '1', '-W', '2', '203.0.113.1']), 30_000, 'ping after admin-up');
  });

  it('removes the namespace, the proxy and the host legs of a router no longer listed', async () => {
    const pid = await proxyPid();
    await applyRouters([], tb.context());
    assert.equal(await alive(pid), false);
    assert.deepEqual(await listNamespaces(router.namespace), []);
    await eventually(async () => !(await ip(tb.hostNs, ['link', 'show'])).includes('nbv-'), 20_000, 'host veths gone');
  });
});
