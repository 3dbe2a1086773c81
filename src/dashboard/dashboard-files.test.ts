// Reading the built dashboard by URL path: only files inside the build folder, only known types,
// hashed assets marked immutable.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dashboardBuilt, dashboardFile } from './dashboard-files.js';

describe('dashboard files', () => {
  let dir: string;
  let root: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbdashf-'));
    root = join(dir, 'web');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'favicon.svg'), '<svg/>');
    writeFileSync(join(root, 'assets', 'app-1.js'), 'js');
    writeFileSync(join(root, 'assets', 'app-1.css'), 'css');
    writeFileSync(join(root, 'assets', 'run.sh'), 'sh');
    writeFileSync(join(dir, 'secret.js'), 'secret');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('knows whether the app is built', () => {
    assert.equal(dashboardBuilt(root), true);
    assert.equal(dashboardBuilt(join(dir, 'none')), false);
  });

  it('reads assets with their type; assets are immutable, other files not', async () => {
    const js = await dashboardFile(root, 'assets/app-1.js');
    assert.equal(js?.body.toString(), 'js');
    assert.match(js!.type, /^text\/javascript/);
    assert.equal(js!.immutable, true);
    assert.match((await dashboardFile(root, 'assets/app-1.css'))!.type, /^text\/css/);
    const icon = await dashboardFile(root, 'favicon.svg');
    assert.equal(icon?.type, 'image/svg+xml');
    assert.equal(icon?.immutable, false);
    assert.equal((await dashboardFile(root, '/index.html'))?.body.toString(), '<!doctype html>');
  });

  it('refuses anything outside the folder, unknown types and missing files', async () => {
    for (const p of ['../secret.js', 'assets/../../secret.js', '/../secret.js', 'assets/../../../../etc/passwd',
      '..\\secret.js', 'assets/\0.js', 'assets/run.sh', 'assets/none.js', 'assets', '']) {
      assert.equal(await dashboardFile(root, p), null, p);
    }
  });
});
