import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, formatIp, lastAddress, netmask, normalizeIp, overlaps, parseCidr, parseIp } from './ip.js';

test('IPv4 and IPv6 addresses round-trip in canonical form', () => {
  assert.equal(normalizeIp('10.0.0.1'), '10.0.0.1');
  assert.equal(normalizeIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(normalizeIp('::'), '::');
  assert.equal(normalizeIp('fe80::1:0:0:1'), 'fe80::1:0:0:1');
  assert.equal(normalizeIp('::ffff:1.2.3.4'), '::ffff:102:304');
  assert.equal(normalizeIp('10.0.0.256'), null);
  assert.equal(formatIp(4, parseIp('192.168.1.7')!.value + 1n), '192.168.1.8');
});

test('CIDRs: strict parsing, last address, overlap, membership, netmask', () => {
  assert.equal(parseCidr('10.0.0.1/24', true), null);
  const c = parseCidr('10.0.0.0/24', true)!;
  assert.equal(formatIp(4, lastAddress(c)), '10.0.0.255');
  assert.equal(overlaps(c, parseCidr('10.0.0.128/25')!), true);
  assert.equal(overlaps(c, parseCidr('10.0.1.0/24')!), false);
  assert.equal(overlaps(c, parseCidr('fd00::/64')!), false);
  assert.equal(cidrContains('10.0.0.0/24', '10.0.0.77'), true);
  assert.equal(cidrContains('10.0.0.0/24', '10.0.1.1'), false);
  assert.equal(cidrContains('fd00::/64', 'fd00::5'), true);
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.equal(netmask(24), '255.255.255.0');
});
