import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../platform/errors.js';
import {
  canonicalRule, convertEthertype, convertIpPrefix, convertPort, convertProtocol, normalizedCidr, ruleKey,
} from './security-group-rule-input.js';

const refusedAs = (type: string, message?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.type, type);
  if (message) assert.match(err.message, message);
  return true;
};

describe('security group rule input', () => {
  it('converts protocols as Neutron does', () => {
    assert.equal(convertProtocol(undefined), null);
    assert.equal(convertProtocol(null), null);
    assert.equal(convertProtocol('any'), null);
    assert.equal(convertProtocol('TCP'), 'tcp');
    assert.equal(convertProtocol('icmpv6'), 'icmpv6');
    assert.equal(convertProtocol(6), '6');
    assert.equal(convertProtocol('132'), '132');
    assert.equal(convertProtocol(0), '0');
    for (const bad of ['foo', 256, '-1', true, {}, 1.5]) {
      assert.throws(() => convertProtocol(bad), refusedAs('SecurityGroupRuleInvalidProtocol', /not supported/), String(bad));
    }
  });

  it('converts ethertype case-insensitively, IPv4 by default', () => {
    assert.equal(convertEthertype(undefined), 'IPv4');
    assert.equal(convertEthertype('ipv6'), 'IPv6');
    assert.throws(() => convertEthertype('IPv5'), refusedAs('SecurityGroupRuleInvalidEtherType', /'IPv5' not supported/));
    assert.throws(() => convertEthertype(null), refusedAs('SecurityGroupRuleInvalidEtherType'));
  });

  it('converts ports and prefixes', () => {
    assert.equal(convertPort('80'), 80);
    assert.equal(convertPort(null), null);
    for (const bad of [65536, -1, 'x', 1.5]) assert.throws(() => convertPort(bad), refusedAs('SecurityGroupInvalidPortValue'));
    assert.equal(convertIpPrefix('10.0.0.5'), '10.0.0.5/32');
    assert.equal(convertIpPrefix('10.0.0.5/24'), '10.0.0.5/24');
    assert.equal(convertIpPrefix('2001:DB8::0/64'), '2001:db8::/64');
    assert.equal(normalizedCidr('10.0.0.5/24'), '10.0.0.0/24');
    for (const bad of ['10.0.0.1/33', 'nonsense', '10.0.0.0/x', 7]) assert.throws(() => convertIpPrefix(bad), refusedAs('InvalidCIDR', /given as IP prefix/));
  });

  it('checks port ranges per protocol', () => {
    const rule = (protocol: string | null, min: number | null, max: number | null, ethertype: 'IPv4' | 'IPv6' = 'IPv4') =>
      canonicalRule({ direction: 'ingress', ethertype, protocol, port_range_min: min, port_range_max: max });
    assert.deepEqual([rule('tcp', 22, 22).port_range_min, rule('tcp', 22, 22).port_range_max], [22, 22]);
    assert.equal(rule('tcp', 1, 65535).port_range_min, null);
    assert.throws(() => rule('tcp', 30, 20), refusedAs('SecurityGroupInvalidPortRange'));
    assert.throws(() => rule('udp', 30, null), refusedAs('SecurityGroupInvalidPortRange'));
    assert.throws(() => rule('tcp', 0, 20), refusedAs('SecurityGroupInvalidPortValue', /port 0/));
    assert.throws(() => rule(null, 1, 2), refusedAs('SecurityGroupProtocolRequiredWithPorts'));
    assert.throws(() => rule('gre', 1, 2), refusedAs('SecurityGroupInvalidProtocolForPort', /protocol 47/));
    assert.equal(rule('icmp', 8, 0).port_range_min, 8);
    assert.equal(rule('icmp', 8, null).port_range_max, null);
    assert.throws(() => rule('icmp', 256, 0), refusedAs('SecurityGroupInvalidIcmpValue', /ICMP type \(port_range_min\) 256/));
    assert.throws(() => rule('icmp', null, 0), refusedAs('SecurityGroupMissingIcmpType'));
  });

  it('maps legacy IPv6 ICMP spellings and refuses IPv6-only protocols on IPv4', () => {
    const r = (protocol: string, ethertype: 'IPv4' | 'IPv6') => canonicalRule({ direction: 'ingress', ethertype, protocol }).protocol;
    assert.equal(r('icmp', 'IPv6'), 'ipv6-icmp');
    assert.equal(r('icmpv6', 'IPv6'), 'ipv6-icmp');
    assert.equal(r('1', 'IPv6'), '58');
    assert.throws(() => r('ipv6-icmp', 'IPv4'), refusedAs('SecurityGroupEthertypeConflictWithProtocol', /Invalid ethertype IPv4 for protocol ipv6-icmp/));
    assert.throws(() => r('58', 'IPv4'), refusedAs('SecurityGroupEthertypeConflictWithProtocol'));
  });

  it('refuses a prefix of the other family and two remotes', () => {
    assert.throws(() => canonicalRule({ direction: 'ingress', ethertype: 'IPv6', remote_ip_prefix: '10.0.0.0/8' }),
      refusedAs('SecurityGroupRuleParameterConflict', /Conflicting value ethertype IPv6 for CIDR 10.0.0.0\/8/));
    assert.throws(() => canonicalRule({ direction: 'ingress', ethertype: 'IPv4', remote_ip_prefix: '10.0.0.0/8', remote_group_id: 'g' }),
      refusedAs('SecurityGroupMultipleRemoteEntites'));
  });

  it('keys rules so name and number, any prefix and none, compare equal', () => {
    const base = { security_group_id: 'g', direction: 'ingress' as const, ethertype: 'IPv4' as const, port_range_min: 22, port_range_max: 22 };
    assert.equal(ruleKey({ ...base, protocol: 'tcp' }), ruleKey({ ...base, protocol: '6', remote_ip_prefix: '0.0.0.0/0' }));
    assert.notEqual(ruleKey({ ...base, protocol: 'tcp' }), ruleKey({ ...base, protocol: 'udp' }));
    assert.notEqual(ruleKey({ ...base, protocol: 'tcp' }), ruleKey({ ...base, protocol: 'tcp', remote_ip_prefix: '10.0.0.0/8' }));
  });
});
