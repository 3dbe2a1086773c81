import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseCidr } from './namespaces.js';

describe('normaliseCidr (addresses compared with what `ip` prints)', () => {
  it('adds host prefixes and compresses IPv6', () => {
    assert.equal(normaliseCidr('10.0.0.1'), '10.0.0.1/32');
    assert.equal(normaliseCidr('10.0.0.1/24'), '10.0.0.1/24');
    assert.equal(normaliseCidr('2001:DB8:0:0::2/64'), '2001:db8::2/64');
    assert.equal(normaliseCidr('2001:db8::2'), '2001:db8::2/128');
  });
});
