// Issue 4 §6 end to end: the real `openstack` CLI against a real `nubis up` whose compute agent
// runs the real QEMU driver (TCG), booting the test guest both ways (kernel+initrd, whole disk)
// and taking one server through every lifecycle action, each checked on the host: the QEMU
// process, its QMP status (through the diagnostics API), and the guest's console markers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { buildTestImage, type TestImage } from '../../src/dev/test-image/build-test-image.js';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import { instanceDirs, killGuests, qemuPid } from '../harness/guest-processes.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;
const skip = process.env.NUBIS_TEST_DATABASE ? 'boots real guests; runs once, in the SQLite pass' : false;

describe('compute end to end: openstack CLI, nubis up, real QEMU guests', { skip, timeout: 1_200_000 }, () => {
  let cloud: CompatCloud;
  let cli: OpenStackCli;
  let image: TestImage;
  let work: string;
  const ids: Record<string, string> = {};

  const show = (name: string) => cli.json<Row>(['server', 'show', name]);
  async function waitFor(name: string, status: string, timeoutMs = 180_000): Promise<Row> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await show(name);
      if (s.status === status && s['OS-EXT-STS:task_state'] === null) return s;
      if (s.status === 'ERROR' && status !== 'ERROR') throw new Error(`${name} went to ERROR: ${JSON.stringify(s.fault)}`);
      if (Date.now() > deadline) throw new Error(`${name} not ${status} in time: ${String(s.status)} / ${String(s['OS-EXT-STS:task_state'])}`);
      await sleep(1000);
    }
  }
  const consoleLog = async (name: string) => (await cli.ok(['console', 'log', 'show', name])).stdout;
  /** Waits for `marker` in what the console printed after `since` (an earlier read of the log; a
   *  log that was started afresh, as after shelve, is read whole). Returns the log. */
  async function waitForMarker(name: string, marker: RegExp, since = '', timeoutMs = 180_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await consoleLog(name);
      const fresh = log.startsWith(since) ? log.slice(since.length) : log;
      if (marker.test(fresh)) return log;
      if (Date.now() > deadline) throw new Error(`${name}: ${marker} not on the console; last lines:\n${log.slice(-1500)}`);
      await sleep(1500);
    }
  }
  /** Runs a CLI action that restarts the guest, waits for `status`, then for the guest to be up again
   *  (its ACPI handler must run before the next power-down is asked for). */
  async function restarting(name: string, args: string[], status: string): Promise<Row> {
    const before = await consoleLog(name);
    await cli.ok(args);
    const s = await waitFor(name, status);
    await waitForMarker(name, /NUBIS-GUEST-READY/, before);
    return s;
  }
  async function qmpState(name: string): Promise<string> {
    const res = await cloud.http('GET', `/compute/v2.1/servers/${ids[name]}/diagnostics`,
      { 'x-auth-token': await adminToken(), 'openstack-api-version': 'compute 2.48' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return String((res.body as Row).state);
  }
  let token = '';
  async function adminToken(): Promise<string> {
    if (!token) token = String((await cli.json<Row>(['token', 'issue'])).id);
    return token;
  }
  const pid = (name: string) => qemuPid(cloud.nubis.stateDir, ids[name]!);

  before(async () => {
    image = await buildTestImage(join(tmpdir(), 'nubis-test-image-cache'));
    work = mkdtempSync(join(tmpdir(), 'nbe2e-'));
    cloud = await startCompatCloud();
    cli = cloud.admin;
    const root = join(work, 'root.raw');
    writeFileSync(root, Buffer.alloc(1024 * 1024));
    const kernel = await cli.json<Row>(['image', 'create', '--disk-format', 'aki', '--container-format', 'aki', '--file', image.kernel, '--public', 'nb-kernel']);
    const ramdisk = await cli.json<Row>(['image', 'create', '--disk-format', 'ari', '--container-format', 'ari', '--file', image.ramdisk, '--public', 'nb-ramdisk']);
    await cli.ok(['image', 'create', '--disk-format', 'ami', '--container-format', 'ami', '--file', root, '--public',
      '--property', `kernel_id=${String(kernel.id)}`, '--property', `ramdisk_id=${String(ramdisk.id)}`,
      '--property', `os_command_line=${image.cmdline}`, 'nb-ami']);
    await cli.ok(['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', image.disk, '--public', 'nb-disk']);
    await cli.ok(['flavor', 'create', '--vcpus', '1', '--ram', '160', '--disk', '1', 'nb.small']);
    await cli.ok(['flavor', 'create', '--vcpus', '2', '--ram', '192', '--disk', '2', 'nb.bigger']);
  });

  after(async () => {
    if (cloud) {
      // Guests outlive `nubis up` by design: kill what a failed test left while the pid files
      // are still there (close() removes the state dir).
      killGuests(cloud.nubis.stateDir);
      await cloud.close();
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('boots the kernel+initrd style to NUBIS-GUEST-READY', async () => {
    const s = await cli.json<Row>(['server', 'create', '--image', 'nb-ami', '--flavor', 'nb.small', '--nic', 'none', '--config-drive', 'true', '--wait', 'nb-kernel-vm']);
    ids['nb-kernel-vm'] = String(s.id);
    assert.equal(s.status, 'ACTIVE');
    assert.ok(pid('nb-kernel-vm'), 'a QEMU process runs the instance');
    await waitForMarker('nb-kernel-vm', /NUBIS-GUEST-READY hostname=nb-kernel-vm/);
    assert.equal(await qmpState('nb-kernel-vm'), 'running');
    await cli.ok(['server', 'delete', '--wait', 'nb-kernel-vm']);
    assert.equal(pid('nb-kernel-vm'), null);
    assert.ok(!instanceDirs(cloud.nubis.stateDir).includes(ids['nb-kernel-vm']!), 'nothing of the instance is left on disk');
  });

  it('boots the whole-disk style with user data on a config drive', async () => {
    const ud = join(work, 'user-data.sh');
    writeFileSync(ud, '#!/bin/sh\necho NB-USER-DATA-RAN\n');
    const s = await cli.json<Row>(['server', 'create', '--image', 'nb-disk', '--flavor', 'nb.small', '--nic', 'none',
      '--config-drive', 'true', '--user-data', ud, '--property', 'role=e2e', '--wait', 'nb-vm']);
    ids['nb-vm'] = String(s.id);
    const log = await waitForMarker('nb-vm', /NUBIS-GUEST-READY hostname=nb-vm/);
    assert.match(log, /NB-USER-DATA-RAN/);
    assert.match(log, /NUBIS-USER-DATA exit=0/);
    assert.match(log, /NUBIS-METADATA source=config-drive/);
  });

  it('stops (ACPI power-down, QEMU gone) and starts again', async () => {
    await cli.ok(['server', 'stop', 'nb-vm']);
    const s = await waitFor('nb-vm', 'SHUTOFF');
    assert.ok([4, 'Shutdown'].includes(s['OS-EXT-STS:power_state'] as number), `power_state ${String(s['OS-EXT-STS:power_state'])}`);
    assert.equal(pid('nb-vm'), null);
    await restarting('nb-vm', ['server', 'start', 'nb-vm'], 'ACTIVE');
    assert.ok(pid('nb-vm'));
  });

  it('reboots soft and hard (the guest boots again each time)', async () => {
    await restarting('nb-vm', ['server', 'reboot', 'nb-vm'], 'ACTIVE');
    await restarting('nb-vm', ['server', 'reboot', '--hard', 'nb-vm'], 'ACTIVE');
  });

  it('pauses and unpauses (QMP stop/cont, same process)', async () => {
    const before = pid('nb-vm');
    await cli.ok(['server', 'pause', 'nb-vm']);
    await waitFor('nb-vm', 'PAUSED');
    assert.equal(await qmpState('nb-vm'), 'paused');
    await cli.ok(['server', 'unpause', 'nb-vm']);
    await waitFor('nb-vm', 'ACTIVE');
    assert.equal(await qmpState('nb-vm'), 'running');
    assert.equal(pid('nb-vm'), before);
  });

  it('suspends to a file and resumes', async () => {
    await cli.ok(['server', 'suspend', 'nb-vm']);
    await waitFor('nb-vm', 'SUSPENDED');
    assert.equal(pid('nb-vm'), null, 'a suspended guest has no process; its state is in a file');
    await cli.ok(['server', 'resume', 'nb-vm']);
    await waitFor('nb-vm', 'ACTIVE');
    assert.ok(pid('nb-vm'));
    assert.equal(await qmpState('nb-vm'), 'running');
  });

  it('locks and unlocks, sets a description and a property, lists it', async () => {
    await cli.ok(['server', 'lock', 'nb-vm']);
    assert.equal((await show('nb-vm')).locked, true);
    await cli.ok(['server', 'unlock', 'nb-vm']);
    assert.equal((await show('nb-vm')).locked, false);
    await cli.ok(['server', 'set', '--description', 'e2e guest', '--property', 'tier=test', 'nb-vm']);
    const listed = await cli.json<Row[]>(['server', 'list', '--long']);
    const mine = listed.find((r) => r.Name === 'nb-vm');
    assert.equal(mine?.Status, 'ACTIVE');
    assert.match(JSON.stringify(mine?.Properties), /tier/);
  });

  it('rebuilds from the image (a fresh root disk, booted again)', async () => {
    await restarting('nb-vm', ['server', 'rebuild', '--image', 'nb-disk', 'nb-vm'], 'ACTIVE');
  });

  it('resizes and reverts, then resizes and confirms', async () => {
    await restarting('nb-vm', ['server', 'resize', '--flavor', 'nb.bigger', 'nb-vm'], 'VERIFY_RESIZE');
    let s = await restarting('nb-vm', ['server', 'resize', 'revert', 'nb-vm'], 'ACTIVE');
    assert.match(JSON.stringify(s.flavor), /nb\.small/);
    const before = await consoleLog('nb-vm');
    await restarting('nb-vm', ['server', 'resize', '--flavor', 'nb.bigger', 'nb-vm'], 'VERIFY_RESIZE');
    await cli.ok(['server', 'resize', 'confirm', 'nb-vm']);
    s = await waitFor('nb-vm', 'ACTIVE');
    assert.match(JSON.stringify(s.flavor), /nb\.bigger/);
    // The guest sees the grown root disk (2 GB) once it runs with the new flavor.
    await waitForMarker('nb-vm', /NUBIS-DISK name=vda bytes=2147483648/, before);
  });

  it('snapshots to the image service and boots a new server from the snapshot', async () => {
    await cli.ok(['server', 'image', 'create', '--name', 'nb-snap', '--wait', 'nb-vm']);
    const img = await cli.json<Row>(['image', 'show', 'nb-snap']);
    assert.equal(img.status, 'active');
    assert.equal(img.disk_format, 'qcow2');
    assert.match(JSON.stringify(img.properties), /"image_type": ?"snapshot"/);
    await cli.ok(['server', 'create', '--image', 'nb-snap', '--flavor', 'nb.bigger', '--nic', 'none', '--config-drive', 'true', '--wait', 'nb-from-snap']);
    await waitForMarker('nb-from-snap', /NUBIS-GUEST-READY hostname=nb-from-snap/);
    await cli.ok(['server', 'delete', '--wait', 'nb-from-snap']);
  });

  it('shelves (snapshot, host freed) and unshelves', async () => {
    await cli.ok(['server', 'shelve', 'nb-vm']);
    const s = await waitFor('nb-vm', 'SHELVED_OFFLOADED');
    assert.equal(s['OS-EXT-SRV-ATTR:host'], null);
    assert.equal(pid('nb-vm'), null);
    await cli.ok(['server', 'unshelve', 'nb-vm']);
    await waitFor('nb-vm', 'ACTIVE');
    await waitForMarker('nb-vm', /NUBIS-GUEST-READY/);
  });

  it('rescues and unrescues', async () => {
    await restarting('nb-vm', ['server', 'rescue', 'nb-vm'], 'RESCUE');
    assert.ok(pid('nb-vm'));
    await restarting('nb-vm', ['server', 'unrescue', 'nb-vm'], 'ACTIVE');
  });

  it('shows the console log by lines and a console URL whose page loads and whose websocket speaks VNC', async () => {
    const tail = (await cli.ok(['console', 'log', 'show', '--lines', '3', 'nb-vm'])).stdout.trim().split('\n');
    assert.ok(tail.length <= 3);
    const url = String((await cli.json<Row>(['console', 'url', 'show', 'nb-vm'])).url);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const u = new URL(url);
    const wsPath = decodeURIComponent(u.searchParams.get('path') ?? '');
    const greeting = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://${u.host}/${wsPath}`, ['binary'], { headers: { origin: `${u.protocol}//${u.host}` } });
      ws.on('message', (d: Buffer) => { resolve(d.toString('latin1')); ws.close(); });
      ws.on('error', reject);
      setTimeout(() => reject(new Error('no VNC greeting')), 15_000);
    });
    assert.match(greeting, /^RFB 003\.00\d/);
  });

  it('lists the actions taken on the server', async () => {
    const events = await cli.json<Row[]>(['server', 'event', 'list', 'nb-vm']);
    const actions = new Set(events.map((e) => e.Action));
    for (const a of ['create', 'stop', 'start', 'reboot', 'pause', 'suspend', 'rebuild', 'resize', 'createImage', 'shelve', 'unshelve', 'rescue']) {
      assert.ok(actions.has(a), `event list has ${a}: ${[...actions].join(',')}`);
    }
  });

  it('deletes the server and leaves nothing of it on the host', async () => {
    await cli.ok(['server', 'delete', '--wait', 'nb-vm']);
    assert.equal(pid('nb-vm'), null);
    assert.ok(!instanceDirs(cloud.nubis.stateDir).includes(ids['nb-vm']!));
  });
});
