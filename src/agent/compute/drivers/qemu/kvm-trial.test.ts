import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { trialBoot } from './kvm-trial.js';

const skip = process.env.NUBIS_TEST_DATABASE ? 'boots a real guest; runs once, in the SQLite pass' : false;

describe('accelerator trial boot', { skip }, () => {
  it('boots the trial guest to its ready marker (checked with tcg, which works everywhere) and cleans up', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nbtrial-'));
    try {
      const r = await trialBoot(join(tmpdir(), 'nubis-test-image-cache'), work, 'tcg', 120_000);
      assert.equal(r.ok, true, r.reason);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('reports a guest that never gets ready as a failed trial', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nbtrial-'));
    try {
      const r = await trialBoot(join(tmpdir(), 'nubis-test-image-cache'), work, 'tcg', 1);
      assert.equal(r.ok, false);
      assert.match(r.reason, /NUBIS-GUEST-READY/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
