// Issue 4 §6: `nubis up` killed with SIGKILL while servers build and run, then started again on
// the same state dir: every server settles ACTIVE, SHUTOFF or ERROR, no running guest is
// restarted (same QEMU pid), and deleting them all leaves no process and no file behind.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { buildTestImage, type TestImage } from '../../src/dev/test-image/build-test-image.js';
import { instanceDirs, killGuests, qemuPid } from '../harness/guest-processes.js';
import { startNubis, type NubisProcess } from '../harness/nubis-process.js';
import { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;
const skip = process.env.NUBIS_TEST_DATABASE ? 'boots real guests; runs once, in the SQLite pass' : false;

describe('compute survives SIGKILL of nubis up', { skip, timeout: 900_000 }, () => {
  let image: TestImage;
  let stateDir: string;
  let nubis: NubisProcess | undefined;
  let cli: OpenStackCli;

  /** The admin CLI for the server now running (its port changes at each start). */
  function cliFor(p: NubisProcess): OpenStackCli {
    const password = JSON.parse(/password: (".*")/.exec(readFileSync(join(stateDir, 'clouds.yaml'), 'utf8'))![1]!) as string;
    return new OpenStackCli({
      OS_AUTH_URL: p.authUrl, OS_IDENTITY_API_VERSION: '3', OS_REGION_NAME: 'RegionOne', OS_USERNAME: 'admin',
      OS_PASSWORD: password, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_COMPUTE_API_VERSION: '2.64',
    });
  }

  before(async () => {
    image = await buildTestImage(join(tmpdir(), 'nubis-test-image-cache'));
    stateDir = mkdtempSync(join(tmpdir(), 'nbkill-'));
    nubis = await startNubis({ stateDir });
    cli = cliFor(nubis);
    await cli.ok(['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', image.disk, '--public', 'nb-disk']);
    await cli.ok(['flavor', 'create', '--vcpus', '1', '--ram', '160', '--disk', '1', 'nb.small']);
  });

  after(async () => {
    await nubis?.stop().catch(() => undefined);
    if (stateDir) { killGuests(stateDir); rmSync(stateDir, { recursive: true, force: true }); }
  });

  it('settles every server after a restart without restarting running guests, and cleans up on delete', async () => {
    const running = await cli.json<Row>(['server', 'create', '--image', 'nb-disk', '--flavor', 'nb.small', '--nic', 'none', '--wait', 'nb-running']);
    const stopped = await cli.json<Row>(['server', 'create', '--image', 'nb-disk', '--flavor', 'nb.small', '--nic', 'none', '--wait', 'nb-stopped']);
    // Asked to power down before its ACPI handler runs, a guest would wait out the full timeout.
    for (let i = 0; i < 120 && !/NUBIS-GUEST-READY/.test((await cli.ok(['console', 'log', 'show', 'nb-stopped'])).stdout); i++) await sleep(1000);
    await cli.ok(['server', 'stop', 'nb-stopped']);
    for (let i = 0; i < 120 && (await cli.json<Row>(['server', 'show', 'nb-stopped'])).status !== 'SHUTOFF'; i++) await sleep(1000);
    const runningPid = qemuPid(stateDir, String(running.id));
    assert.ok(runningPid, 'nb-running has a QEMU process');
    // Built while the server dies: the API has answered, the conductor is mid-way.
    const building = await cli.json<Row>(['server', 'create', '--image', 'nb-disk', '--flavor', 'nb.small', '--nic', 'none', 'nb-building']);
    process.kill(nubis!.pid, 'SIGKILL');
    await nubis!.stop().catch(() => undefined);

    nubis = await startNubis({ stateDir });
    cli = cliFor(nubis);
    const settled = new Map<string, Row>();
    const deadline = Date.now() + 180_000;
    while (settled.size < 3) {
      for (const name of ['nb-running', 'nb-stopped', 'nb-building']) {
        const s = await cli.json<Row>(['server', 'show', name]);
        if (['ACTIVE', 'SHUTOFF', 'ERROR'].includes(String(s.status)) && s['OS-EXT-STS:task_state'] === null) settled.set(name, s);
      }
      if (Date.now() > deadline) throw new Error(`servers did not settle: ${[...settled.keys()].join(',')}`);
      await sleep(2000);
    }
    assert.equal(settled.get('nb-running')!.status, 'ACTIVE');
    assert.equal(qemuPid(stateDir, String(running.id)), runningPid, 'the running guest was re-adopted, not restarted');
    assert.equal(settled.get('nb-stopped')!.status, 'SHUTOFF');
    assert.equal(qemuPid(stateDir, String(stopped.id)), null);
    const b = settled.get('nb-building')!;
    if (b.status === 'ERROR') assert.equal(qemuPid(stateDir, String(building.id)), null, 'a failed build leaves no process');
    else assert.ok(qemuPid(stateDir, String(building.id)), 'an ACTIVE server has its process');

    for (const name of ['nb-running', 'nb-stopped', 'nb-building']) await cli.ok(['server', 'delete', '--wait', name]);
    for (const id of [running.id, stopped.id, building.id]) assert.equal(qemuPid(stateDir, String(id)), null);
    assert.deepEqual(instanceDirs(stateDir), [], 'no instance files are left');
  });
});
