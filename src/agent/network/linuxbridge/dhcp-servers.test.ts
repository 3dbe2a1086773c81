// DHCP servers for real: a namespace standing in for the host with the network's bridge, "VM"
// namespaces on it, dnsmasq in the DHCP namespace, and busybox udhcpc asking for leases.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { dhcpNamespace, type DhcpServer, type MetadataRequest } from '../host-state.js';
import { dhcpPaths } from './dhcp-config.js';
import { applyDhcp, teardownDhcp } from './dhcp-servers.js';
import { serveMetadataSocket } from './metadata-socket.js';
import { ip, listNamespaces, nsExec } from './namespaces.js';
import { alive, eventually, randomMac, Testbed } from './namespaces.testbed.js';

const root = process.getuid?.() === 0;

describe('DHCP servers (dnsmasq in a namespace)', { skip: !root && 'needs root', timeout: 240_000 }, () => {
  const tb = new Testbed();
  const seen: MetadataRequest[] = [];
  let metadata: { close(): Promise<void> } | undefined;
  let networkId = '';
  let server: DhcpServer;
  let vm = '';
  const vmMac = randomMac();

  before(async () => {
    await tb.start();
    metadata = await serveMetadataSocket(tb.context().opts.metadataSocket, async (req) => {
      seen.push(req);
      return { status: 200, contentType: 'text/plain', body: `hello ${req.sourceIp}` };
    });
    networkId = await tb.addNetwork(1400);
    vm = await tb.addGuest('vm', networkId, vmMac);
    server = {
      networkId, namespace: dhcpNamespace(networkId), portId: randomUUID(), mac: randomMac(),
      addresses: ['10.77.0.2/24'], mtu: 1400, metadata: true,
      subnets: [{
        id: randomUUID(), ipVersion: 4, cidr: '10.77.0.0/24', gatewayIp: '10.77.0.1', dnsNameservers: ['10.77.0.53'],
        hostRoutes: [{ destination: '192.168.99.0/24', nexthop: '10.77.0.254' }], ipv6AddressMode: null,
      }],
      hosts: [{ mac: vmMac, ip: '10.77.0.5', hostname: 'vm-one' }],
    };
  });

  after(async () => {
    await teardownDhcp(tb.context()).catch(() => undefined);
    await metadata?.close();
    await tb.cleanup();
  });

  const dnsmasqPid = async (): Promise<number> => Number((await readFile(dhcpPaths(tb.stateDir, networkId).pid, 'utf8')).trim());
  const proxyPid = async (): Promise<number> =>
    Number((await readFile(`${dhcpPaths(tb.stateDir, networkId).dir}/metadata-proxy.pid`, 'utf8')).trim());

  it('leases exactly the reserved address with the MTU, router, DNS and classless routes', async () => {
    const outcomes = await applyDhcp([server], tb.context());
    assert.deepEqual(outcomes, [{ id: server.portId, status: 'ACTIVE' }]);
    const lease = await tb.udhcpc(vm);
    assert.ok(lease, `no lease; dnsmasq says: ${await readFile(dhcpPaths(tb.stateDir, networkId).log, 'utf8').catch(() => '')}`);
    assert.equal(lease.ip, '10.77.0.5');
    assert.equal(lease.subnet, '255.255.255.0');
    assert.equal(lease.mtu, '1400');
    assert.equal(lease.router, '10.77.0.1');
    assert.equal(lease.dns?.trim(), '10.77.0.53');
    assert.equal(lease.domain, 'openstacklocal');
    assert.equal(lease.staticroutes, '192.168.99.0/24 10.77.0.254 169.254.169.254/32 10.77.0.2 0.0.0.0/0 10.77.0.1');
  });

  it('gives nothing to a MAC without a reservation', async () => {
    const stranger = await tb.addGuest('st', networkId, randomMac());
    assert.equal(await tb.udhcpc(stranger, 'nbeth0', 2), undefined);
  });

  it('answers metadata from the DHCP namespace with kind network and the source address', async () => {
    await ip(vm, ['addr', 'add', '10.77.0.5/24', 'dev', 'nbeth0']);
    await ip(vm, ['route', 'add', '169.254.169.254/32', 'via', '10.77.0.2']);
    const body = await eventually(() => tb.wget(vm, 'http://169.254.169.254/openstack/latest/meta_data.json'), 30_000, 'metadata answer');
    assert.equal(body, 'hello 10.77.0.5');
    assert.deepEqual(seen.at(-1), { kind: 'network', id: networkId, sourceIp: '10.77.0.5', method: 'GET', path: '/openstack/latest/meta_data.json' });
  });

  it('is idempotent, and a restarted agent adopts the running dnsmasq and proxy', async () => {
    const [d1, p1] = [await dnsmasqPid(), await proxyPid()];
    assert.deepEqual(await applyDhcp([server], tb.context()), [{ id: server.portId, status: 'ACTIVE' }]);
    assert.deepEqual([await dnsmasqPid(), await proxyPid()], [d1, p1]);
    const restarted = tb.context(); // new objects, same state dir: what an agent restart sees
    await applyDhcp([server], restarted);
    assert.deepEqual([await dnsmasqPid(), await proxyPid()], [d1, p1]);
    assert.ok(await alive(d1));
    assert.ok(await alive(p1));
  });

  it('reports ERROR for a server it cannot wire, keeps the others, and removes it once unlisted', async () => {
    const lost = randomUUID(); // no bridge for this network
    const broken: DhcpServer = { ...server, networkId: lost, namespace: dhcpNamespace(lost), portId: randomUUID(), metadata: false };
    const pid = await dnsmasqPid();
    const outcomes = await applyDhcp([server, broken], tb.context());
    assert.deepEqual(outcomes[0], { id: server.portId, status: 'ACTIVE' });
    assert.equal(outcomes[1]?.status, 'ERROR');
    assert.match(outcomes[1]?.reason ?? '', /nbr-/);
    assert.equal(await dnsmasqPid(), pid);
    await applyDhcp([server], tb.context());
    assert.deepEqual(await listNamespaces(dhcpNamespace(lost)), []);
    await assert.rejects(access(dhcpPaths(tb.stateDir, lost).dir));
  });

  it('reloads changed reservations without a restart', async () => {
    const pid = await dnsmasqPid();
    server = { ...server, hosts: [{ mac: vmMac, ip: '10.77.0.6', hostname: 'vm-one' }] };
    await applyDhcp([server], tb.context());
    assert.equal(await dnsmasqPid(), pid);
    const lease = await eventually(async () => {
      const l = await tb.udhcpc(vm);
      return l?.ip === '10.77.0.6' ? l : undefined;
    }, 60_000, 'lease of the new reservation');
    assert.equal(lease?.ip, '10.77.0.6');
  });

  it('restarts for a new subnet and advertises a SLAAC prefix to the VM', async () => {
    const pid = await dnsmasqPid();
    server = {
      ...server, addresses: [...server.addresses, '2001:db8:77::2/64'],
      subnets: [...server.subnets, {
        id: randomUUID(), ipVersion: 6, cidr: '2001:db8:77::/64', gatewayIp: '2001:db8:77::1', dnsNameservers: [],
        hostRoutes: [], ipv6AddressMode: 'slaac',
      }],
    };
    assert.deepEqual(await applyDhcp([server], tb.context()), [{ id: server.portId, status: 'ACTIVE' }]);
    assert.notEqual(await dnsmasqPid(), pid);
    assert.equal(await alive(pid), false);
    await eventually(async () => /inet6 2001:db8:77:/.test(await ip(vm, ['-6', 'addr', 'show', 'dev', 'nbeth0'])), 60_000, 'SLAAC address');
  });

  it('removes dnsmasq, the proxy, the namespace and the files of a server no longer listed', async () => {
    const [d, p] = [await dnsmasqPid(), await proxyPid()];
    await applyDhcp([], tb.context());
    assert.equal(await alive(d), false);
    assert.equal(await alive(p), false);
    assert.equal((await listNamespaces(dhcpNamespace(networkId))).includes(dhcpNamespace(networkId)), false);
    await assert.rejects(access(dhcpPaths(tb.stateDir, networkId).dir));
    // The host end goes with the namespace (the kernel frees it asynchronously).
    await eventually(async () => !(await nsExec(tb.hostNs, 'ip', ['link', 'show'])).includes('nbv-'), 20_000, 'host veth gone');
  });
});
