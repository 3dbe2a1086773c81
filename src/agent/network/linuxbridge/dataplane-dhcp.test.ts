// The orchestrator with the L3 half: a DHCP server the state asks for is started and a VM behind
// its security groups (which drop all but DHCP, ARP and NDP here) gets its lease through them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { run } from '../../../platform/run.js';
import type { DhcpServer, HostNetworkState, L2Network } from '../host-state.js';
import { dhcpNamespace } from '../host-state.js';
import { L2Testbed, randomId, randomMac, vmPort } from './dataplane.testbed.js';

const root = process.getuid?.() === 0;

describe('linuxbridge dataplane with a DHCP server', { skip: !root && 'needs root', timeout: 180_000 }, () => {
  const tb = new L2Testbed();
  const netId = randomId();
  after(async () => {
    await run('ip', ['netns', 'delete', dhcpNamespace(netId)]).catch(() => undefined);
    await tb.cleanup();
  });

  it('serves a lease to a VM port with no security group rules, then tears it all down', async () => {
    const { ns, dataplane } = await tb.host('d');
    const net: L2Network = { id: netId, type: 'local', vni: null, physicalNetwork: null, mtu: 1500, remoteVteps: [], remoteMacs: [] };
    const port = vmPort(netId, '10.70.0.11', [], 1500);
    const vm = await tb.vm('v', ns, port, null);
    const dhcp: DhcpServer = {
      networkId: netId, namespace: dhcpNamespace(netId), portId: randomId(), mac: randomMac(), addresses: ['10.70.0.2/24'], mtu: 1500,
      subnets: [{ id: randomId(), ipVersion: 4, cidr: '10.70.0.0/24', gatewayIp: null, dnsNameservers: [], hostRoutes: [], ipv6AddressMode: null }],
      hosts: [{ mac: port.mac, ip: '10.70.0.11', hostname: 'vm' }], metadata: false,
    };
    const state: HostNetworkState = { host: 'h', networks: [net], ports: [port], securityGroups: [], dhcp: [dhcp], routers: [] };
    const result = await dataplane.apply(state);
    assert.deepEqual(result.ports.map((p) => [p.id, p.status]), [[port.id, 'ACTIVE'], [dhcp.portId, 'ACTIVE']]);
    // -s /bin/true: report the lease without configuring it.
    const { stdout, stderr } = await promisify(execFile)('ip', ['netns', 'exec', vm, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-t', '10', '-T', '2', '-s', '/bin/true']);
    assert.match(stdout + stderr, /lease of 10\.70\.0\.11 obtained/);

    await dataplane.teardown();
    const namespaces = await run('ip', ['netns', 'list']);
    assert.doesNotMatch(namespaces, new RegExp(dhcpNamespace(netId)));
  });
});
