import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecurityGroupRuleState, SecurityGroupState, VmPort } from '../host-state.js';
import { compileRuleMatch } from './security-group-match.js';
import { compileSecurityRules, linkLocalOf } from './security-group-rules.js';

const rule = (o: Partial<SecurityGroupRuleState>): SecurityGroupRuleState => ({
  id: 'r', direction: 'ingress', ethertype: 'IPv4', protocol: null, portRangeMin: null, portRangeMax: null,
  remoteIpPrefix: null, remoteGroupId: null, ...o,
});
const group = (id: string, rules: SecurityGroupRuleState[], o: Partial<SecurityGroupState> = {}): SecurityGroupState =>
  ({ id, stateful: true, rules, members: [], ...o });
const port = (o: Partial<VmPort> = {}): VmPort => ({
  id: '11111111-2222-3333-4444-555555555555', tap: 'nbt-11111111-22', networkId: 'n', mac: 'fa:16:3e:00:00:01',
  fixedIps: ['10.0.0.5'], adminStateUp: true, portSecurity: true, allowedAddressPairs: [], securityGroupIds: [], mtu: 1450, ...o,
});
const script = (ports: VmPort[], groups: SecurityGroupState[]): string =>
  compileSecurityRules({ ports, securityGroups: groups }, { conntrack: 'bridge', bridges: [] });
const chainOf = (text: string, name: string): string[] => {
  const lines = text.split('\n');
  const start = lines.indexOf(`\tchain ${name} {`);
  assert.notEqual(start, -1, `chain ${name} missing`);
  return lines.slice(start + 1, lines.indexOf('\t}', start)).map((l) => l.trim());
};

const BASICS_OUT = [
  'ether saddr != fa:16:3e:00:00:01 drop',
  'ether type arp arp saddr ether . arp saddr ip != { fa:16:3e:00:00:01 . 0.0.0.0, fa:16:3e:00:00:01 . 10.0.0.5 } drop',
  'ether type arp return',
  'ether type ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 return',
  'ether type ip ether saddr . ip saddr != { fa:16:3e:00:00:01 . 10.0.0.5 } drop',
  'ether type ip6 ip6 saddr :: icmpv6 type { nd-neighbor-solicit, mld-listener-report, mld2-listener-report } return',
  'ether type ip6 ether saddr . ip6 saddr != { fa:16:3e:00:00:01 . fe80::f816:3eff:fe00:1 } drop',
  'ether type ip6 icmpv6 type nd-router-advert drop',
  'ether type ip udp sport 67 drop',
  'ether type ip6 udp sport 547 drop',
  'ether type ip6 icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report } return',
  'ether type ip udp sport 68 udp dport 67 return',
  'ether type ip6 udp sport 546 udp dport 547 return',
];
const BASICS_IN = [
  'ether type arp accept',
  'ether type ip udp sport 67 udp dport 68 accept',
  'ether type ip6 udp sport 547 udp dport 546 accept',
  'ether type ip6 icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect, mld-listener-query } accept',
];

describe('compileSecurityRules', () => {
  it('replaces the table in one transaction even with no ports', () => {
    assert.equal(script([], []), [
      'table bridge nubis', 'delete table bridge nubis', 'table bridge nubis {',
      '\tmap from-vm {', '\t\ttype ifname : verdict', '\t}',
      '\tmap to-vm {', '\t\ttype ifname : verdict', '\t}',
      '\tchain forward {', '\t\ttype filter hook forward priority 0; policy accept;', '\t\tiifname vmap @from-vm', '\t\toifname vmap @to-vm', '\t}',
      '\tchain input {', '\t\ttype filter hook input priority 0; policy accept;', '\t\tiifname vmap @from-vm', '\t}',
      '\tchain output {', '\t\ttype filter hook output priority 0; policy accept;', '\t\toifname vmap @to-vm', '\t}',
      '}', 'table inet nubis', 'delete table inet nubis', '',
    ].join('\n'));
  });

  it('drops all but DHCP, ARP and NDP for a port without groups', () => {
    const text = script([port()], []);
    assert.deepEqual(chainOf(text, 'egress-11111111-22'), [
      ...BASICS_OUT, 'ct state established,related return', 'ct state invalid drop', 'drop',
    ]);
    assert.deepEqual(chainOf(text, 'ingress-11111111-22'), [
      ...BASICS_IN, 'ct state established,related accept', 'ct state invalid drop', 'drop',
    ]);
    assert.match(text, /elements = \{ "nbt-11111111-22" : jump egress-11111111-22 \}/);
    assert.match(text, /elements = \{ "nbt-11111111-22" : jump ingress-11111111-22 \}/);
  });

  it('gives a port without port security no chain at all', () => {
    const text = script([port({ portSecurity: false, securityGroupIds: ['g'] })], [group('g', [rule({})])]);
    assert.doesNotMatch(text, /nbt-11111111-22|egress-|ingress-/);
  });

  it('lets allowed address pairs (CIDRs too) through anti-spoofing, each address with its own MAC', () => {
    const text = script([port({ allowedAddressPairs: [{ ipAddress: '10.9.0.0/24', mac: 'FA:16:3E:00:00:99' }, { ipAddress: 'fd00::7', mac: 'fa:16:3e:00:00:01' }] })], []);
    const chain = chainOf(text, 'egress-11111111-22');
    assert.equal(chain[0], 'ether saddr != { fa:16:3e:00:00:01, fa:16:3e:00:00:99 } drop');
    assert.equal(chain[1], 'ether type arp arp saddr ether . arp saddr ip != { fa:16:3e:00:00:01 . 0.0.0.0, fa:16:3e:00:00:99 . 0.0.0.0, '
      + 'fa:16:3e:00:00:01 . 10.0.0.5, fa:16:3e:00:00:99 . 10.9.0.0/24 } drop');
    assert.equal(chain[4], 'ether type ip ether saddr . ip saddr != { fa:16:3e:00:00:01 . 10.0.0.5, fa:16:3e:00:00:99 . 10.9.0.0/24 } drop');
    assert.equal(chain[6], 'ether type ip6 ether saddr . ip6 saddr != { fa:16:3e:00:00:01 . fe80::f816:3eff:fe00:1, '
      + 'fa:16:3e:00:00:99 . fe80::f816:3eff:fe00:99, fa:16:3e:00:00:01 . fd00::7 } drop');
  });

  it('drops all IPv4 from a port without IPv4 addresses, DHCP discovery aside', () => {
    const chain = chainOf(script([port({ fixedIps: ['fd00::5'] })], []), 'egress-11111111-22');
    assert.equal(chain[1], 'ether type arp arp saddr ether . arp saddr ip != { fa:16:3e:00:00:01 . 0.0.0.0 } drop');
    assert.equal(chain[4], 'ether type ip drop');
  });

  it('unites the groups\' rules, accepting ingress and returning egress', () => {
    const groups = [
      group('g1', [rule({ protocol: 'icmp' }), rule({ direction: 'egress' })]),
      group('g2', [rule({ protocol: 'icmp' }), rule({ protocol: 'tcp', portRangeMin: 22, portRangeMax: 22 })]),
    ];
    const text = script([port({ securityGroupIds: ['g1', 'g2'] })], groups);
    assert.deepEqual(chainOf(text, 'ingress-11111111-22').slice(BASICS_IN.length), [
      'ct state established,related accept', 'ct state invalid drop',
      'ether type ip meta l4proto icmp accept', 'ether type ip tcp dport 22 accept', 'drop',
    ]);
    assert.deepEqual(chainOf(text, 'egress-11111111-22').slice(BASICS_OUT.length), [
      'ct state established,related return', 'ct state invalid drop', 'ether type ip return', 'drop',
    ]);
  });

  it('has no conntrack rules for a port whose groups are all stateless', () => {
    const text = script([port({ securityGroupIds: ['g'] })], [group('g', [rule({ protocol: 'udp', portRangeMin: 53 })], { stateful: false })]);
    assert.deepEqual(chainOf(text, 'ingress-11111111-22').slice(BASICS_IN.length), ['ether type ip udp dport 53 accept', 'drop']);
    assert.doesNotMatch(text, /ct state/);
  });

  it('declares a set per remote group and family with the members', () => {
    const groups = [
      group('g', [rule({ remoteGroupId: 'peers000011-2222' }), rule({ ethertype: 'IPv6', remoteGroupId: 'peers000011-2222' })]),
      group('peers000011-2222', [], { members: ['10.0.0.9', 'fd00::9', '10.0.0.3'] }),
    ];
    const text = script([port({ securityGroupIds: ['g'] })], groups);
    assert.match(text, /\tset sg-peers000011-v4 \{\n\t\ttype ipv4_addr\n\t\telements = \{ 10\.0\.0\.3, 10\.0\.0\.9 \}\n\t\}/);
    assert.match(text, /\tset sg-peers000011-v6 \{\n\t\ttype ipv6_addr\n\t\telements = \{ fd00::9 \}\n\t\}/);
    assert.ok(chainOf(text, 'ingress-11111111-22').includes('ether type ip ip saddr @sg-peers000011-v4 accept'));
    assert.ok(chainOf(text, 'ingress-11111111-22').includes('ether type ip6 ip6 saddr @sg-peers000011-v6 accept'));
  });

  it('copies conntrack state from br_netfilter marks when the kernel has no bridge conntrack', () => {
    const text = compileSecurityRules({ ports: [port()], securityGroups: [] },
      { conntrack: 'br_netfilter', bridges: [{ name: 'nbr-b', zone: 7 }, { name: 'br-ex', zone: null }, { name: 'nbr-a', zone: 3 }] });
    assert.ok(chainOf(text, 'egress-11111111-22').includes('meta mark & 0x00100000 == 0x00100000 return'));
    assert.ok(chainOf(text, 'ingress-11111111-22').includes('meta mark & 0x00200000 == 0x00200000 drop'));
    assert.deepEqual(chainOf(text, 'zone-in'), [
      'type filter hook prerouting priority -300; policy accept;', 'iifname @bridges ct zone set iifname map @zones',
    ]);
    assert.deepEqual(chainOf(text, 'mark-in'), [
      'type filter hook prerouting priority -150; policy accept;',
      'iifname @bridges meta mark set meta mark & 0xffcfffff',
      'iifname @bridges ct state established,related meta mark set meta mark | 0x00100000',
      'iifname @bridges ct state invalid meta mark set meta mark | 0x00200000',
    ]);
    assert.match(text, /\tset bridges \{\n\t\ttype ifname\n\t\telements = \{ "br-ex", "nbr-a", "nbr-b" \}/);
    assert.match(text, /elements = \{ "nbr-a" : 3, "nbr-b" : 7 \}/);
  });
});

describe('compileRuleMatch', () => {
  const cases: Array<[Partial<SecurityGroupRuleState>, string | null]> = [
    [{}, 'ether type ip'],
    [{ ethertype: 'IPv6' }, 'ether type ip6'],
    [{ protocol: 'tcp' }, 'ether type ip meta l4proto tcp'],
    [{ protocol: 'tcp', portRangeMin: 80, portRangeMax: 80 }, 'ether type ip tcp dport 80'],
    [{ protocol: 'udp', portRangeMin: 1000, portRangeMax: 2000 }, 'ether type ip udp dport 1000-2000'],
    [{ protocol: 'sctp', portRangeMin: 9 }, 'ether type ip sctp dport 9'],
    [{ protocol: '6', portRangeMin: 443, portRangeMax: 443 }, 'ether type ip tcp dport 443'],
    [{ protocol: 'icmp', portRangeMin: 8, portRangeMax: 0 }, 'ether type ip icmp type 8 icmp code 0'],
    [{ protocol: 'icmp', portRangeMin: 3 }, 'ether type ip icmp type 3'],
    [{ protocol: 'icmp' }, 'ether type ip meta l4proto icmp'],
    [{ ethertype: 'IPv6', protocol: 'icmp', portRangeMin: 128 }, 'ether type ip6 icmpv6 type 128'],
    [{ ethertype: 'IPv6', protocol: 'ipv6-icmp' }, 'ether type ip6 meta l4proto ipv6-icmp'],
    [{ ethertype: 'IPv6', protocol: 'icmpv6', portRangeMin: 135, portRangeMax: 0 }, 'ether type ip6 icmpv6 type 135 icmpv6 code 0'],
    [{ protocol: 'gre' }, 'ether type ip meta l4proto 47'],
    [{ protocol: '112' }, 'ether type ip meta l4proto 112'],
    [{ protocol: 'nonsense' }, null],
    [{ remoteIpPrefix: '192.168.0.0/16', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22 }, 'ether type ip ip saddr 192.168.0.0/16 tcp dport 22'],
    [{ direction: 'egress', remoteIpPrefix: '10.1.0.0/16' }, 'ether type ip ip daddr 10.1.0.0/16'],
    [{ remoteIpPrefix: '0.0.0.0/0' }, 'ether type ip'],
    [{ ethertype: 'IPv6', remoteIpPrefix: '2001:db8::/32' }, 'ether type ip6 ip6 saddr 2001:db8::/32'],
    [{ ethertype: 'IPv4', remoteIpPrefix: '2001:db8::/32' }, null],
    [{ direction: 'egress', remoteGroupId: 'abcdefghijkl' }, 'ether type ip ip daddr @sg-abcdefghijk-v4'],
  ];
  for (const [partial, expected] of cases) {
    it(`${JSON.stringify(partial)} → ${expected}`, () => assert.equal(compileRuleMatch(rule(partial)), expected));
  }
});

describe('linkLocalOf', () => {
  it('derives the EUI-64 link-local address, flipping the universal/local bit', () => {
    assert.equal(linkLocalOf('fa:16:3e:12:34:56'), 'fe80::f816:3eff:fe12:3456');
    assert.equal(linkLocalOf('00:00:5e:00:53:01'), 'fe80::200:5eff:fe00:5301');
  });
});
