// The L2 dataplane for real, in a namespace standing in for the host: VMs are namespaces joined by
// veths named like their taps; assertions are pings, TCP connections, devices and nft rules read back.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { HostNetworkState, L2Network, VmPort } from '../host-state.js';
import {
  eventuallyPings, execIn, group, ipIn, L2Testbed, neverPings, randomId, rule, vmPort,
} from './dataplane.testbed.js';
import { conntrackZone, LinuxBridgeDataplane } from './linuxbridge-dataplane.js';
import { readLinks } from './link-inventory.js';
import { hostExec } from './host-exec.js';

const root = process.getuid?.() === 0;

/** Accepts one TCP connection on `port` in `ns` and resolves with what the client sent. */
function listenOnce(ns: string, port: number): { received: Promise<string>; stop: () => void } {
  const child = spawn('ip', ['netns', 'exec', ns, 'busybox', 'nc', '-l', '-p', String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
  let data = '';
  child.stdout.on('data', (b: Buffer) => { data += b.toString(); });
  const received = new Promise<string>((resolve) => child.once('exit', () => resolve(data)));
  return { received, stop: () => { if (child.exitCode === null) child.kill(); } };
}

/** True when a TCP connection to address:port carries a line to a listener (busybox nc, 3 s timeout). */
async function tcpDelivers(fromNs: string, toNs: string, address: string, port: number): Promise<boolean> {
  const server = listenOnce(toNs, port);
  try {
    // Retries cover the listener not being up yet; a filtered port never succeeds.
    for (let i = 0; i < 5; i++) {
      const ok = await execIn(fromNs, 'busybox', ['nc', '-w', '3', address, String(port)], 'hello\n').then(() => true, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const got = await Promise.race([server.received, new Promise<string>((r) => setTimeout(() => r(''), 4000))]);
    return got.includes('hello');
  } finally {
    server.stop();
  }
}

const linkSnapshot = async (ns: string): Promise<string> => {
  const links = await readLinks(hostExec(ns));
  return JSON.stringify([...links.values()].map((l) => [l.name, l.ifindex, l.master, l.mtu, l.up, l.mac]).sort());
};

describe('linuxbridge dataplane on one host', { skip: !root && 'needs root', timeout: 300_000 }, () => {
  const tb = new L2Testbed();
  let hostNs: string;
  let dataplane: LinuxBridgeDataplane;
  let net: L2Network;
  let a: VmPort;
  let b: VmPort;
  let vmA: string;
  let vmB: string;
  let state: HostNetworkState;
  const web = group('web0000000-0000', []);
  const peers = group('peers000000-0000', [], []);

  before(async () => {
    ({ ns: hostNs, dataplane } = await tb.host('h'));
    net = { id: randomId(), type: 'vxlan', vni: 5000 + Math.floor(Math.random() * 10000), physicalNetwork: null, mtu: 1450, remoteVteps: [], remoteMacs: [] };
    a = vmPort(net.id, '10.50.0.11', [web.id]);
    b = vmPort(net.id, '10.50.0.12', [web.id]);
    vmA = await tb.vm('a', hostNs, a);
    vmB = await tb.vm('b', hostNs, b);
    state = { host: 'h', networks: [net], ports: [a, b], securityGroups: [web, peers], dhcp: [], routers: [] };
  });
  after(() => tb.cleanup());

  const setRules = (...rules: Parameters<typeof rule>[0][]): void => {
    web.rules = [rule({ direction: 'egress' }), ...rules.map(rule)];
  };

  it('wires the bridge, VXLAN device and ports, and lets ICMP through when a rule allows it', async () => {
    setRules({ protocol: 'icmp' });
    const result = await dataplane.apply(state);
    assert.deepEqual(result.ports.map((p) => p.status), ['ACTIVE', 'ACTIVE']);
    const links = await readLinks(hostExec(hostNs));
    const bridge = `nbr-${net.id.slice(0, 11)}`;
    assert.equal(links.get(bridge)?.kind, 'bridge');
    assert.equal(links.get(bridge)?.mtu, 1450);
    assert.deepEqual(links.get(bridge)?.bridge, { stp: 0, ageing: 30000 });
    assert.equal(links.get(bridge)?.addrGenMode, 'none');
    assert.equal(links.get(`nbx-${net.vni}`)?.master, bridge);
    assert.equal(links.get(`nbx-${net.vni}`)?.vxlan?.port, 4789);
    assert.equal(links.get(a.tap)?.master, bridge);
    assert.equal(links.get(a.tap)?.mac, `fe:${a.mac.slice(3)}`);
    assert.ok(await eventuallyPings(vmA, '10.50.0.12'), 'A pings B');
    assert.ok(await eventuallyPings(vmB, '10.50.0.11'), 'B pings A');
  });

  it('drops ICMP without the rule', async () => {
    setRules();
    await dataplane.apply(state);
    assert.ok(await neverPings(vmA, '10.50.0.12'));
  });

  it('lets a TCP port rule through, with replies by conntrack, and nothing else', async () => {
    setRules({ protocol: 'tcp', portRangeMin: 8080, portRangeMax: 8080 });
    await dataplane.apply(state);
    assert.ok(await tcpDelivers(vmA, vmB, '10.50.0.12', 8080), 'tcp 8080 allowed');
    if ((await dataplane.conntrackMode()) === 'br_netfilter') {
      // The connection was tracked in the network's own zone (tenants may reuse addresses).
      const table = await execIn(hostNs, 'cat', ['/proc/net/nf_conntrack']);
      const entry = table.split('\n').find((l) => l.includes('dst=10.50.0.12') && l.includes('dport=8080'));
      assert.ok(entry, 'connection tracked');
      assert.match(entry, new RegExp(`zone=${conntrackZone(net.id)}\\b`));
    }
    assert.equal(await tcpDelivers(vmA, vmB, '10.50.0.12', 9090), false, 'tcp 9090 filtered');
  });

  it('matches remote groups by their members', async () => {
    setRules({ protocol: 'icmp', remoteGroupId: peers.id });
    peers.members = ['10.50.0.11'];
    await dataplane.apply(state);
    const sets = await execIn(hostNs, 'nft', ['list', 'set', 'bridge', 'nubis', 'sg-peers000000-v4']);
    assert.match(sets, /10\.50\.0\.11/);
    assert.ok(await eventuallyPings(vmA, '10.50.0.12'), 'member pings');
    peers.members = ['10.50.0.99'];
    await dataplane.apply(state);
    assert.ok(await neverPings(vmA, '10.50.0.12'), 'non-member does not');
  });

  it('drops spoofed addresses and MACs, and accepts allowed address pairs', async () => {
    setRules({ protocol: 'icmp' });
    await dataplane.apply(state);
    assert.ok(await eventuallyPings(vmA, '10.50.0.12'));
    await ipIn(vmA, ['addr', 'flush', 'dev', 'eth0']);
    await ipIn(vmA, ['addr', 'add', '10.50.0.21/24', 'dev', 'eth0']);
    assert.ok(await neverPings(vmA, '10.50.0.12'), 'spoofed IP dropped');
    a.allowedAddressPairs = [{ ipAddress: '10.50.0.16/28', mac: a.mac }];
    await dataplane.apply(state);
    assert.ok(await eventuallyPings(vmA, '10.50.0.12'), 'allowed pair passes');
    a.allowedAddressPairs = [{ ipAddress: '10.50.0.16/28', mac: 'fa:16:3e:ee:ee:01' }];
    await dataplane.apply(state);
    await ipIn(vmB, ['neigh', 'flush', 'all']);
    assert.ok(await neverPings(vmA, '10.50.0.12'), 'a pair\'s address with another MAC is dropped');
    a.allowedAddressPairs = [];
    await ipIn(vmA, ['addr', 'flush', 'dev', 'eth0']);
    await ipIn(vmA, ['addr', 'add', '10.50.0.11/24', 'dev', 'eth0']);
    await dataplane.apply(state);
    await ipIn(vmA, ['link', 'set', 'eth0', 'address', 'fa:16:3e:ee:ee:ee']);
    await ipIn(vmB, ['neigh', 'flush', 'all']);
    assert.ok(await neverPings(vmA, '10.50.0.12'), 'spoofed MAC dropped');
    await ipIn(vmA, ['link', 'set', 'eth0', 'address', a.mac]);
    await ipIn(vmB, ['neigh', 'flush', 'all']);
    assert.ok(await eventuallyPings(vmA, '10.50.0.12'), 'own MAC passes again');
  });

  it('lets everything through a port without port security', async () => {
    setRules();
    a.portSecurity = false;
    b.portSecurity = false;
    await dataplane.apply(state);
    assert.ok(await eventuallyPings(vmA, '10.50.0.12'));
    a.portSecurity = true;
    b.portSecurity = true;
  });

  it('passes IPv6 (neighbour discovery and an ICMPv6 rule) and drops a spoofed IPv6 source', async () => {
    setRules({ ethertype: 'IPv6', direction: 'egress' }, { ethertype: 'IPv6', protocol: 'ipv6-icmp' });
    a.fixedIps = ['10.50.0.11', 'fd00:50::11'];
    b.fixedIps = ['10.50.0.12', 'fd00:50::12'];
    await ipIn(vmA, ['addr', 'add', 'fd00:50::11/64', 'dev', 'eth0', 'nodad']);
    await ipIn(vmB, ['addr', 'add', 'fd00:50::12/64', 'dev', 'eth0', 'nodad']);
    await dataplane.apply(state);
    assert.ok(await eventuallyPings(vmA, 'fd00:50::12'), 'A pings B over IPv6');
    await ipIn(vmA, ['addr', 'add', 'fd00:50::66/64', 'dev', 'eth0', 'nodad']);
    const spoofed = await execIn(vmA, 'ping', ['-c', '2', '-W', '2', '-I', 'fd00:50::66', 'fd00:50::12']).then(() => true, () => false);
    assert.equal(spoofed, false, 'spoofed IPv6 source dropped');
    await ipIn(vmA, ['addr', 'del', 'fd00:50::66/64', 'dev', 'eth0']);
  });

  it('changes nothing when the same state is applied again', async () => {
    setRules({ protocol: 'icmp' });
    await dataplane.apply(state);
    const rules = await execIn(hostNs, 'nft', ['list', 'ruleset']);
    const links = await linkSnapshot(hostNs);
    await dataplane.apply(state);
    assert.equal(await execIn(hostNs, 'nft', ['list', 'ruleset']), rules);
    assert.equal(await linkSnapshot(hostNs), links);
  });

  it('removes a port\'s device and rules when it leaves the state', async () => {
    state.ports = [a];
    const result = await dataplane.apply(state);
    assert.deepEqual(result.ports.map((p) => p.id), [a.id]);
    const links = await readLinks(hostExec(hostNs));
    assert.equal(links.has(b.tap), false);
    assert.doesNotMatch(await execIn(hostNs, 'nft', ['list', 'ruleset']), new RegExp(b.tap));
  });

  it('creates real taps QEMU can open, kept down when the port is administratively down', async () => {
    const c = vmPort(net.id, '10.50.0.13', [web.id]);
    const d = { ...vmPort(net.id, '10.50.0.14', [web.id]), adminStateUp: false };
    state.ports = [a, c, d];
    const result = await dataplane.apply(state);
    assert.deepEqual(result.ports.map((p) => p.status), ['ACTIVE', 'ACTIVE', 'DOWN']);
    const links = await readLinks(hostExec(hostNs));
    assert.equal(links.get(c.tap)?.kind, 'tun');
    assert.equal(links.get(c.tap)?.up, true);
    assert.equal(links.get(d.tap)?.up, false);
    const pidFile = `/tmp/nbtest-qemu-${tb.tag}.pid`;
    await execIn(hostNs, 'qemu-system-x86_64', [
      '-nodefaults', '-display', 'none', '-S', '-daemonize', '-pidfile', pidFile,
      '-netdev', `tap,id=n0,ifname=${c.tap},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n0,mac=${c.mac}`,
    ]);
    const { readFile, rm } = await import('node:fs/promises');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    process.kill(pid);
    await rm(pidFile, { force: true });
  });

  it('reports ERROR for a port that cannot be wired, without failing the others', async () => {
    const lost = vmPort(randomId(), '10.51.0.5', []);
    const huge = vmPort(net.id, '10.50.0.15', [], 70000); // beyond any device's maximum MTU
    const fine = vmPort(net.id, '10.50.0.16', []);
    state.ports = [a, lost, huge, fine];
    const result = await dataplane.apply(state);
    const status = (id: string): string | undefined => result.ports.find((p) => p.id === id)?.status;
    assert.equal(status(a.id), 'ACTIVE');
    assert.equal(status(lost.id), 'ERROR');
    assert.equal(status(huge.id), 'ERROR');
    assert.match(result.ports.find((p) => p.id === huge.id)?.reason ?? '', /mtu/i);
    assert.equal(status(fine.id), 'ACTIVE');
    assert.equal((await readLinks(hostExec(hostNs))).get(fine.tap)?.master, `nbr-${net.id.slice(0, 11)}`);
    state.ports = [a];
  });

  it('leaves nothing behind after teardown', async () => {
    await dataplane.teardown();
    const left = [...(await readLinks(hostExec(hostNs))).keys()].filter((n) => n.startsWith('nb'));
    assert.deepEqual(left, []);
    assert.equal((await execIn(hostNs, 'nft', ['list', 'ruleset'])).trim(), '');
  });
});

describe('linuxbridge dataplane with a mapped physical bridge', { skip: !root && 'needs root', timeout: 120_000 }, () => {
  const tb = new L2Testbed();
  after(() => tb.cleanup());

  it('creates the mapped bridge with its address, wires ports into it and removes it on teardown', async () => {
    const { ns, dataplane } = await tb.host('p', { physicalNetworks: { public: { bridge: 'brex', address: '172.31.9.1/24' } } });
    const net: L2Network = { id: randomId(), type: 'flat', vni: null, physicalNetwork: 'public', mtu: 1500, remoteVteps: [], remoteMacs: [] };
    const open = group('open0000000-0000', [rule({ protocol: 'icmp' }), rule({ direction: 'egress' })]);
    const port = vmPort(net.id, '172.31.9.10', [open.id], 1500);
    const vm = await tb.vm('v', ns, port);
    const result = await dataplane.apply({ host: 'h', networks: [net], ports: [port], securityGroups: [open], dhcp: [], routers: [] });
    assert.deepEqual(result.ports.map((p) => p.status), ['ACTIVE']);
    const links = await readLinks(hostExec(ns));
    assert.equal(links.get(port.tap)?.master, 'brex');
    assert.match(await ipIn(ns, ['addr', 'show', 'dev', 'brex']), /172\.31\.9\.1\/24/);
    assert.ok(await eventuallyPings(vm, '172.31.9.1'), 'VM reaches the host through the mapped bridge');
    await dataplane.teardown();
    assert.equal((await readLinks(hostExec(ns))).has('brex'), false);
  });

  it('has the bridge and its host address before any network uses it, and keeps it across applies', async () => {
    const { ns, dataplane } = await tb.host('q', { physicalNetworks: { public: { bridge: 'brex', address: '172.31.8.1/24' } } });
    const empty = { host: 'h', networks: [], ports: [], securityGroups: [], dhcp: [], routers: [] };
    await dataplane.apply(empty);
    const first = (await readLinks(hostExec(ns))).get('brex');
    assert.equal(first?.kind, 'bridge');
    assert.match(await ipIn(ns, ['addr', 'show', 'dev', 'brex']), /172\.31\.8\.1\/24/);
    await dataplane.apply(empty);
    assert.equal((await readLinks(hostExec(ns))).get('brex')?.ifindex, first!.ifindex, 'not removed as a leftover, not remade');
    await dataplane.teardown();
    assert.equal((await readLinks(hostExec(ns))).has('brex'), false);
  });
});
