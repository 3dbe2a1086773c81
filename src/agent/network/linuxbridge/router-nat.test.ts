import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouterState } from '../host-state.js';
import { networkOf, routerNatRuleset } from './router-nat.js';
import { wantedRoutes } from './router-routes.js';

const router: RouterState = {
  id: 'r1', namespace: 'nbns-rr1', adminStateUp: true, metadata: true,
  interfaces: [
    { portId: 'iiiiiiii-1111', networkId: 'n1', mac: 'fa:16:3e:00:00:01', addresses: ['10.0.0.1/24', '2001:db8::1/64'], mtu: 1450 },
    { portId: 'iiiiiiii-2222', networkId: 'n2', mac: 'fa:16:3e:00:00:02', addresses: ['10.1.0.1/16'], mtu: 1450 },
  ],
  gateway: { portId: 'gggggggg-0000', networkId: 'ext', mac: 'fa:16:3e:00:00:03', addresses: ['203.0.113.10/24'], mtu: 1500, gatewayIp: '203.0.113.1', snat: true },
  routes: [{ destination: '198.51.100.0/24', nexthop: '10.0.0.254' }, { destination: '192.0.2.7/32', nexthop: '10.0.0.253' }],
  floatingIps: [{ floatingIp: '203.0.113.20', fixedIp: '10.0.0.5' }],
};

describe('router NAT ruleset', () => {
  it('replaces the table atomically: floating IPs first, then SNAT of internal subnets', () => {
    assert.equal(routerNatRuleset(router), `table ip nubis {}
delete table ip nubis
table ip nubis {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr 203.0.113.20 dnat to 10.0.0.5
  }
  chain output {
    type nat hook output priority -100; policy accept;
    ip daddr 203.0.113.20 dnat to 10.0.0.5
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 10.0.0.5 oifname "nbg-gggggggg-00" snat to 203.0.113.20
    iifname != "nbg-gggggggg-00" oifname != "nbg-gggggggg-00" ct status dnat snat to 203.0.113.10
    oifname "nbg-gggggggg-00" ip saddr { 10.0.0.0/24, 10.1.0.0/16 } ip daddr != { 10.0.0.0/24, 10.1.0.0/16 } snat to 203.0.113.10
  }
}
`);
  });

  it('without snat or gateway: only floating IPs, or empty chains', () => {
    const noSnat = routerNatRuleset({ ...router, gateway: { ...router.gateway!, snat: false } });
    assert.doesNotMatch(noSnat, /ip saddr \{ .* snat to/);
    assert.match(noSnat, /snat to 203\.0\.113\.20/);
    assert.doesNotMatch(routerNatRuleset({ ...router, gateway: null }), /nat to/);
  });

  it('networkOf', () => {
    assert.equal(networkOf('10.1.2.3/16'), '10.1.0.0/16');
    assert.equal(networkOf('10.1.2.3/32'), '10.1.2.3/32');
  });

  it('routes: default via the gateway, static routes keyed as ip prints them', () => {
    assert.deepEqual([...wantedRoutes(router)], [
      ['default', { nexthop: '203.0.113.1', dev: 'nbg-gggggggg-00' }],
      ['198.51.100.0/24', { nexthop: '10.0.0.254' }],
      ['192.0.2.7', { nexthop: '10.0.0.253' }],
    ]);
  });
});
