import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQemuVersion } from './inventory.js';

describe('parseQemuVersion', () => {
  it('encodes major.minor.micro as Nova does', () => {
    assert.equal(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright …'), 7_002_022);
    assert.equal(parseQemuVersion('QEMU emulator version 8.1.0'), 8_001_000);
    assert.equal(parseQemuVersion('QEMU emulator version 9.0'), 9_000_000);
    assert.throws(() => parseQemuVersion('something else'), /cannot read the QEMU version/);
  });
});
