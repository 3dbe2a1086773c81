import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitGuestCpu, removeGuestCgroup } from './cgroup.js';

const UUID = '3d0f4c1e-5b6a-4f7e-8a9b-0c1d2e3f4a5b';

// A directory standing in for /sys/fs/cgroup: the files cgroup v2 would hold are plain files here.
describe('guest cgroup (cgroup v2, best effort)', () => {
  let root: string;
  before(() => { root = mkdtempSync(join(tmpdir(), 'nb-cgroup-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('does nothing without a cgroup v2 cpu controller', () => {
    assert.equal(limitGuestCpu(UUID, 1234, 2, root), false);
    writeFileSync(join(root, 'cgroup.controllers'), 'memory pids\n');
    assert.equal(limitGuestCpu(UUID, 1234, 2, root), false);
    assert.ok(!existsSync(join(root, 'nubis')));
  });

  it('enables cpu down the tree, sets cpu.max to the vCPU count and moves the pid', () => {
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    writeFileSync(join(root, 'cgroup.subtree_control'), '');
    // mkdir of a real cgroup creates its control files; here the parent's must exist beforehand.
    const parent = join(root, 'nubis');
    mkdirSync(parent);
    writeFileSync(join(parent, 'cgroup.subtree_control'), '');
    assert.equal(limitGuestCpu(UUID, 1234, 2, root), true);
    const dir = join(parent, `nb-${UUID}`);
    assert.equal(readFileSync(join(dir, 'cpu.max'), 'utf8'), '200000 100000');
    assert.equal(readFileSync(join(dir, 'cgroup.procs'), 'utf8'), '1234');
    assert.equal(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8'), '+cpu');
    removeGuestCgroup(UUID, root); // a non-empty plain directory: left alone, no throw
  });
});
