import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secret } from './ids.js';

describe('secret', () => {
  it('is URL-safe, of the asked entropy, and never starts with a dash (it would read as a CLI option)', () => {
    for (let i = 0; i < 2000; i++) {
      const s = secret(32);
      assert.match(s, /^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/);
    }
  });
});
