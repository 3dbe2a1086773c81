import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eui64Address } from './eui64.js';
import { insertSorted, lowestFree, sortedUnique } from './free-address.js';

test('lowest free address skips taken ones and moves to the next pool', () => {
  const pools = [{ start: 10n, end: 12n }, { start: 20n, end: 21n }];
  assert.equal(lowestFree(pools, []), 10n);
  assert.equal(lowestFree(pools, [10n, 11n]), 12n);
  assert.equal(lowestFree(pools, [10n, 11n, 12n]), 20n);
  assert.equal(lowestFree(pools, [1n, 10n, 11n, 12n, 20n, 21n]), null);
  assert.equal(lowestFree(pools, [11n]), 10n);
});

test('overlapping and unsorted pools', () => {
  const pools = [{ start: 15n, end: 30n }, { start: 10n, end: 20n }];
  assert.equal(lowestFree(pools, sortedUnique([10n, 11n, 12n, 13n, 14n, 15n, 16n])), 17n);
});

test('a /8 pool is not walked: the cost follows the taken addresses', () => {
  const pools = [{ start: 1n, end: (1n << 24n) - 2n }];
  const taken = Array.from({ length: 1000 }, (_, i) => BigInt(i + 1));
  assert.equal(lowestFree(pools, taken), 1001n);
});

test('insertSorted keeps order and ignores repeats', () => {
  const s = [1n, 5n, 9n];
  insertSorted(s, 6n); insertSorted(s, 0n); insertSorted(s, 5n); insertSorted(s, 10n);
  assert.deepEqual(s, [0n, 1n, 5n, 6n, 9n, 10n]);
});

test('EUI-64 address from a MAC', () => {
  assert.equal(eui64Address('2001:db8::/64', 'fa:16:3e:12:34:56'), '2001:db8::f816:3eff:fe12:3456');
  assert.equal(eui64Address('10.0.0.0/24', 'fa:16:3e:12:34:56'), null);
});
