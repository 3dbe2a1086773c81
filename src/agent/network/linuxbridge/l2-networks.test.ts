import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { L2Network } from '../host-state.js';
import { bridgeFor } from './l2-networks.js';
import { wantedFdb } from './vxlan-fdb.js';

const net = (o: Partial<L2Network>): L2Network => ({
  id: 'abcdef01-2345-6789-abcd-ef0123456789', type: 'vxlan', vni: 100, physicalNetwork: null, mtu: 1450,
  remoteVteps: [], remoteMacs: [], ...o,
});
const physicalNetworks = { public: { bridge: 'br-ex', address: '172.24.4.1/24' }, lan: { interface: 'eth1' } };

describe('bridgeFor', () => {
  it('names a tenant network\'s own bridge after its id', () => {
    assert.equal(bridgeFor(net({}), { physicalNetworks }), 'nbr-abcdef01-23');
  });
  it('uses the bridge a flat network\'s physical network is mapped to', () => {
    assert.equal(bridgeFor(net({ type: 'flat', vni: null, physicalNetwork: 'public' }), { physicalNetworks }), 'br-ex');
  });
  it('makes its own bridge for a physical network mapped to an interface (the interface joins it)', () => {
    assert.equal(bridgeFor(net({ type: 'flat', vni: null, physicalNetwork: 'lan' }), { physicalNetworks }), 'nbr-abcdef01-23');
  });
});

describe('wantedFdb', () => {
  it('floods to every remote VTEP and pins each remote MAC to its VTEP', () => {
    const want = wantedFdb(net({ remoteVteps: ['10.0.0.2', '10.0.0.3'], remoteMacs: [{ mac: 'FA:16:3E:00:00:01', vtep: '10.0.0.3' }] }));
    assert.deepEqual([...want].sort(), ['00:00:00:00:00:00 10.0.0.2', '00:00:00:00:00:00 10.0.0.3', 'fa:16:3e:00:00:01 10.0.0.3']);
  });
});
