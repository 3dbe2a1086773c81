import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { networkData, type NetworkDataSubnet } from './network-data.js';

const v4: NetworkDataSubnet = {
  id: 's4', ipVersion: 4, cidr: '10.0.0.0/24', gatewayIp: '10.0.0.1', enableDhcp: false,
  dnsNameservers: ['10.0.0.53', '9.9.9.9'], hostRoutes: [{ destination: '192.168.0.0/16', nexthop: '10.0.0.254' }],
};
const v6: NetworkDataSubnet = { id: 's6', ipVersion: 6, cidr: 'fd00:1::/64', gatewayIp: null, enableDhcp: true, dnsNameservers: ['9.9.9.9'], hostRoutes: [] };

describe('network_data.json', () => {
  it('has a link per port and a network per address, routes and DNS as Nova writes them', () => {
    const doc = networkData([
      { id: 'p1', tap: 'nbt-p1', mac: 'fa:16:3e:00:00:01', mtu: 1450, networkId: 'n1', fixedIps: [{ ip: '10.0.0.5', subnet: v4 }, { ip: 'fd00:1::5', subnet: v6 }] },
      { id: 'p2', tap: 'nbt-p2', mac: 'fa:16:3e:00:00:02', mtu: 1500, networkId: 'n2', fixedIps: [] },
    ]);
    assert.deepEqual(doc.links, [
      { id: 'nbt-p1', vif_id: 'p1', type: 'bridge', mtu: 1450, ethernet_mac_address: 'fa:16:3e:00:00:01' },
      { id: 'nbt-p2', vif_id: 'p2', type: 'bridge', mtu: 1500, ethernet_mac_address: 'fa:16:3e:00:00:02' },
    ]);
    assert.deepEqual(doc.networks, [
      {
        id: 'network0', type: 'ipv4', link: 'nbt-p1', ip_address: '10.0.0.5', netmask: '255.255.255.0', network_id: 'n1',
        routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.0.0.1' }, { network: '192.168.0.0', netmask: '255.255.0.0', gateway: '10.0.0.254' }],
        services: [{ type: 'dns', address: '10.0.0.53' }, { type: 'dns', address: '9.9.9.9' }],
      },
      {
        id: 'network1', type: 'ipv6_dhcp', link: 'nbt-p1', ip_address: 'fd00:1::5', netmask: 'ffff:ffff:ffff:ffff:0:0:0:0', network_id: 'n1',
        routes: [], services: [{ type: 'dns', address: '9.9.9.9' }],
      },
    ]);
    assert.deepEqual(doc.services, [{ type: 'dns', address: '10.0.0.53' }, { type: 'dns', address: '9.9.9.9' }]);
  });

  it('is empty without ports', () => {
    assert.deepEqual(networkData([]), { links: [], networks: [], services: [] });
  });
});
