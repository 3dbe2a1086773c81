// Two namespaces standing in for two hosts, joined by a veth underlay, each running its own
// dataplane with a VTEP address: a VM on each reaches the other over VXLAN (head-end replication
// to the remote VTEP, static FDB entries for remote MACs).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { HostNetworkState, L2Network } from '../host-state.js';
import { eventuallyPings, group, ipIn, L2Testbed, randomId, rule, vmPort } from './dataplane.testbed.js';
import { hostExec, parseJsonList } from './host-exec.js';

const root = process.getuid?.() === 0;

const fdb = async (ns: string, dev: string): Promise<string[]> =>
  parseJsonList<{ mac: string; dst?: string }>(await hostExec(ns).bridge(['-j', 'fdb', 'show', 'dev', dev]))
    .filter((e) => e.dst).map((e) => `${e.mac} ${e.dst}`).sort();

describe('VXLAN between two hosts', { skip: !root && 'needs root', timeout: 180_000 }, () => {
  const tb = new L2Testbed();
  after(() => tb.cleanup());

  it('carries traffic between VMs on two hosts and keeps the FDB to the state', async () => {
    const octet = 1 + Math.floor(Math.random() * 250);
    const vtep1 = `10.201.${octet}.1`;
    const vtep2 = `10.201.${octet}.2`;
    const h1 = await tb.host('1', { localVtep: vtep1 });
    const h2 = await tb.host('2', { localVtep: vtep2 });
    const u1 = `nbu-${tb.tag}1`;
    await ipIn(h1.ns, ['link', 'add', u1, 'type', 'veth', 'peer', 'name', `nbu-${tb.tag}2`, 'netns', h2.ns]);
    await ipIn(h1.ns, ['addr', 'add', `${vtep1}/24`, 'dev', u1]);
    await ipIn(h1.ns, ['link', 'set', u1, 'up']);
    await ipIn(h2.ns, ['addr', 'add', `${vtep2}/24`, 'dev', `nbu-${tb.tag}2`]);
    await ipIn(h2.ns, ['link', 'set', `nbu-${tb.tag}2`, 'up']);

    const netId = randomId();
    const vni = 20000 + Math.floor(Math.random() * 10000);
    const open = group('open0000000-0000', [rule({ protocol: 'icmp' }), rule({ direction: 'egress' })]);
    const p1 = vmPort(netId, '10.60.0.11', [open.id]);
    const p2 = vmPort(netId, '10.60.0.12', [open.id]);
    const vm1 = await tb.vm('a', h1.ns, p1);
    const vm2 = await tb.vm('b', h2.ns, p2);
    const network = (remoteVtep: string, remoteMac: string): L2Network => ({
      id: netId, type: 'vxlan', vni, physicalNetwork: null, mtu: 1450, remoteVteps: [remoteVtep], remoteMacs: [{ mac: remoteMac, vtep: remoteVtep }],
    });
    const state = (net: L2Network, port: typeof p1): HostNetworkState =>
      ({ host: 'h', networks: [net], ports: [port], securityGroups: [open], dhcp: [], routers: [] });

    const r1 = await h1.dataplane.apply(state(network(vtep2, p2.mac), p1));
    const r2 = await h2.dataplane.apply(state(network(vtep1, p1.mac), p2));
    assert.deepEqual([...r1.ports, ...r2.ports].map((p) => p.status), ['ACTIVE', 'ACTIVE']);
    assert.deepEqual(await fdb(h1.ns, `nbx-${vni}`), [`00:00:00:00:00:00 ${vtep2}`, `${p2.mac} ${vtep2}`].sort());

    assert.ok(await eventuallyPings(vm1, '10.60.0.12'), 'host 1 VM pings host 2 VM');
    assert.ok(await eventuallyPings(vm2, '10.60.0.11'), 'host 2 VM pings host 1 VM');

    // A remote MAC that moved away: its entry goes, the flood entry stays.
    const moved = network(vtep2, 'fa:16:3e:aa:bb:cc');
    await h1.dataplane.apply(state(moved, p1));
    assert.deepEqual(await fdb(h1.ns, `nbx-${vni}`), [`00:00:00:00:00:00 ${vtep2}`, `fa:16:3e:aa:bb:cc ${vtep2}`].sort());

    await h1.dataplane.teardown();
    await h2.dataplane.teardown();
    for (const ns of [h1.ns, h2.ns]) {
      const left = (await ipIn(ns, ['-br', 'link'])).split('\n').filter((l) => /^nb[trx]-/.test(l));
      assert.deepEqual(left, []);
    }
  });
});
