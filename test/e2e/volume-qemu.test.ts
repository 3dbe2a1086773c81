// Issue 6 §5 end to end: the real `openstack` CLI against a real `nubis up` (QEMU/TCG guests, the
// `file` volume backend). The test guest reports every virtio disk on its console (NUBIS-DISK with
// size and serial), writes a mark on a blank disk it is given (NUBIS-DISK-MARKED) and reads the mark
// of a disk that has one (NUBIS-DISK-MARK): so data is shown to move between guests, through
// snapshots, backups and images, without a shell in the guest.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { buildTestImage } from '../../src/dev/test-image/build-test-image.js';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import { killGuests } from '../harness/guest-processes.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;
const skip = process.env.NUBIS_TEST_DATABASE ? 'boots real guests; runs once, in the SQLite pass' : false;
const GIB = 1024 ** 3;

describe('block storage end to end: openstack CLI, nubis up, real QEMU guests', { skip, timeout: 1_500_000 }, () => {
  let cloud: CompatCloud;
  let cli: OpenStackCli;
  const vol: Record<string, string> = {};
  let mark = '';

  const serial = (volumeId: string) => volumeId.slice(0, 20);
  const consoleLog = async (server: string) => (await cli.ok(['console', 'log', 'show', server])).stdout;
  /** Waits for `marker` in what the console printed after `since`; returns the first match. */
  async function waitForMarker(server: string, marker: RegExp, since = '', timeoutMs = 180_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await consoleLog(server);
      const fresh = log.startsWith(since) ? log.slice(since.length) : log;
      const m = marker.exec(fresh);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`${server}: ${marker} not on the console; last lines:\n${log.slice(-1500)}`);
      await sleep(1500);
    }
  }
  async function waitVolume(name: string, status: string, timeoutMs = 180_000): Promise<Row> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await cli.json<Row>(['volume', 'show', name]);
      if (v.status === status) return v;
      if (String(v.status).startsWith('error')) throw new Error(`volume ${name} went to ${String(v.status)}`);
      if (Date.now() > deadline) throw new Error(`volume ${name} not ${status} in time: ${String(v.status)}`);
      await sleep(1000);
    }
  }
  async function waitGone(args: string[], timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await cli.run(args)).code === 0) {
      if (Date.now() > deadline) throw new Error(`${args.join(' ')} still exists`);
      await sleep(1000);
    }
  }
  async function boot(name: string, args: string[]): Promise<void> {
    // The config drive gives the guest its hostname (there is no network for a metadata service).
    const s = await cli.json<Row>(['server', 'create', '--flavor', 'nb.vol', '--nic', 'none', '--config-drive', 'true', ...args, '--wait', name]);
    assert.equal(s.status, 'ACTIVE');
    await waitForMarker(name, new RegExp(`NUBIS-GUEST-READY hostname=${name}`));
  }
  async function attach(server: string, volume: string): Promise<string> {
    const before = await consoleLog(server);
    await cli.ok(['server', 'add', 'volume', server, volume]);
    const v = await waitVolume(volume, 'in-use');
    const attachments = v.attachments as Row[];
    assert.equal(attachments.length, 1);
    return before;
  }
  async function detach(server: string, volume: string): Promise<void> {
    const before = await consoleLog(server);
    await cli.ok(['server', 'remove', 'volume', server, volume]);
    await waitVolume(volume, 'available');
    await waitForMarker(server, /NUBIS-DISK-REMOVED name=vd[b-z]/, before);
  }

  before(async () => {
    const image = await buildTestImage(join(tmpdir(), 'nubis-test-image-cache'));
    cloud = await startCompatCloud();
    cli = cloud.admin;
    await cli.ok(['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', image.disk, '--public', 'nb-disk']);
    await cli.ok(['flavor', 'create', '--vcpus', '1', '--ram', '160', '--disk', '1', 'nb.vol']);
    await boot('nb-va', ['--image', 'nb-disk']);
    await boot('nb-vb', ['--image', 'nb-disk']);
  });

  after(async () => {
    if (cloud) {
      killGuests(cloud.nubis.stateDir);
      await cloud.close();
    }
  });

  it('attaches a blank volume to a running guest: the guest sees its size and marks it', async () => {
    const v = await cli.json<Row>(['volume', 'create', '--size', '1', 'nb-vol1']);
    vol['nb-vol1'] = String(v.id);
    await waitVolume('nb-vol1', 'available');
    const before = await attach('nb-va', 'nb-vol1');
    const disk = await waitForMarker('nb-va', new RegExp(`NUBIS-DISK name=(vd[b-z]) bytes=(\\d+) serial=${serial(vol['nb-vol1'])}`), before);
    assert.equal(Number(disk[2]), GIB);
    const marked = await waitForMarker('nb-va', /NUBIS-DISK-MARKED name=vd[b-z] serial=\S+ mark=(\S+)/, before);
    mark = marked[1]!;
    const server = await cli.json<Row>(['server', 'show', 'nb-va']);
    assert.match(JSON.stringify(server.volumes_attached), new RegExp(vol['nb-vol1']!));
  });

  it('detaches it, attaches it to a second guest, and the mark is there', async () => {
    await detach('nb-va', 'nb-vol1');
    const before = await attach('nb-vb', 'nb-vol1');
    const m = await waitForMarker('nb-vb', /NUBIS-DISK-MARK name=vd[b-z] serial=\S+ mark=(\S+)/, before);
    assert.equal(m[1], mark);
  });

  it('extends the volume while in use: the guest sees the new size', async () => {
    const before = await consoleLog('nb-vb');
    await cli.ok(['--os-volume-api-version', '3.42', 'volume', 'set', '--size', '2', 'nb-vol1']);
    await waitForMarker('nb-vb', new RegExp(`NUBIS-DISK name=vd[b-z] bytes=${2 * GIB} serial=${serial(vol['nb-vol1']!)}`), before);
    assert.equal((await waitVolume('nb-vol1', 'in-use')).size, 2);
  });

  it('snapshot → volume from the snapshot: the data is there', async () => {
    await cli.ok(['volume', 'snapshot', 'create', '--volume', 'nb-vol1', '--force', 'nb-snap1']);
    const deadline = Date.now() + 120_000;
    while ((await cli.json<Row>(['volume', 'snapshot', 'show', 'nb-snap1'])).status !== 'available') {
      assert.ok(Date.now() < deadline, 'snapshot available in time');
      await sleep(1000);
    }
    await cli.ok(['volume', 'create', '--snapshot', 'nb-snap1', 'nb-vol2']);
    await waitVolume('nb-vol2', 'available');
    const before = await attach('nb-va', 'nb-vol2');
    const m = await waitForMarker('nb-va', /NUBIS-DISK-MARK name=vd[b-z] serial=\S+ mark=(\S+)/, before);
    assert.equal(m[1], mark);
    await detach('nb-va', 'nb-vol2');
  });

  it('backup → restore to a new volume: the data is there', async () => {
    await detach('nb-vb', 'nb-vol1');
    const b = await cli.json<Row>(['volume', 'backup', 'create', '--name', 'nb-bak1', 'nb-vol1']);
    const deadline = Date.now() + 180_000;
    while ((await cli.json<Row>(['volume', 'backup', 'show', String(b.id)])).status !== 'available') {
      assert.ok(Date.now() < deadline, 'backup available in time');
      await sleep(1000);
    }
    // openstackclient 6.0 sends the restore, then fails printing its answer (a client bug): the
    // restore itself is checked through the volume it makes.
    const restore = await cli.run(['volume', 'backup', 'restore', 'nb-bak1', 'nb-vol3']);
    assert.ok(restore.code === 0 || /cannot unpack non-iterable VolumeBackupsRestore/.test(restore.stderr), restore.stderr);
    await waitVolume('nb-vol3', 'available');
    const before = await attach('nb-vb', 'nb-vol3');
    const m = await waitForMarker('nb-vb', /NUBIS-DISK-MARK name=vd[b-z] serial=\S+ mark=(\S+)/, before);
    assert.equal(m[1], mark);
    await detach('nb-vb', 'nb-vol3');
  });

  it('boots a server from a new volume made from an image (--boot-from-volume); the volume outlives it', async () => {
    await boot('nb-vc', ['--image', 'nb-disk', '--boot-from-volume', '1']);
    const server = await cli.json<Row>(['server', 'show', 'nb-vc']);
    const attached = server.volumes_attached as Array<{ id: string }>;
    assert.equal(attached.length, 1, JSON.stringify(server.volumes_attached));
    const v = await cli.json<Row>(['volume', 'show', attached[0]!.id]);
    assert.equal(v.status, 'in-use');
    assert.equal(v.bootable, 'true');
    await cli.ok(['server', 'delete', '--wait', 'nb-vc']);
    // openstackclient's --boot-from-volume leaves delete_on_termination false (Nova's default): kept.
    await waitVolume(attached[0]!.id, 'available');
    await cli.ok(['volume', 'delete', attached[0]!.id]);
    await waitGone(['volume', 'show', attached[0]!.id]);
  });

  it('with delete_on_termination, the boot volume is removed with the server', async () => {
    // openstackclient 6.0 cannot ask for delete_on_termination on a root volume made from an image
    // (novaclient adds an image mapping of its own next to --block-device): the API request itself.
    const disk = await cli.json<Row>(['image', 'show', 'nb-disk']);
    const flavor = await cli.json<Row>(['flavor', 'show', 'nb.vol']);
    const token = String((await cli.json<Row>(['token', 'issue'])).id);
    const res = await cloud.http('POST', '/compute/v2.1/servers', { 'x-auth-token': token, 'openstack-api-version': 'compute 2.37' }, {
      server: {
        name: 'nb-vd', flavorRef: String(flavor.id), imageRef: '', networks: 'none', config_drive: true,
        block_device_mapping_v2: [{ source_type: 'image', uuid: String(disk.id), destination_type: 'volume', volume_size: 1,
          boot_index: 0, delete_on_termination: true }],
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await waitForMarker('nb-vd', /NUBIS-GUEST-READY hostname=nb-vd/);
    const server = await cli.json<Row>(['server', 'show', 'nb-vd']);
    const bootVolume = (server.volumes_attached as Array<{ id: string }>)[0]!.id;
    assert.equal((await cli.json<Row>(['volume', 'show', bootVolume])).status, 'in-use');
    await cli.ok(['server', 'delete', '--wait', 'nb-vd']);
    await waitGone(['volume', 'show', bootVolume]);
    const files = readdirSync(join(cloud.nubis.stateDir, 'volumes'));
    assert.ok(!files.some((f) => f.includes(bootVolume)), `the volume's file is gone: ${files.join(', ')}`);
  });

  it('uploads a bootable volume to an image and boots a server from that image, then from the volume', async () => {
    await cli.ok(['volume', 'create', '--image', 'nb-disk', '--size', '1', 'nb-bootvol']);
    await waitVolume('nb-bootvol', 'available');
    await cli.ok(['image', 'create', '--volume', 'nb-bootvol', '--disk-format', 'qcow2', 'nb-from-volume']);
    const deadline = Date.now() + 180_000;
    while ((await cli.json<Row>(['image', 'show', 'nb-from-volume'])).status !== 'active') {
      assert.ok(Date.now() < deadline, 'image active in time');
      await sleep(1000);
    }
    await waitVolume('nb-bootvol', 'available');
    await boot('nb-ve', ['--image', 'nb-from-volume']);
    await cli.ok(['server', 'delete', '--wait', 'nb-ve']);
    // The volume itself boots too (server create --volume).
    await boot('nb-vf', ['--volume', 'nb-bootvol']);
    assert.equal((await cli.json<Row>(['volume', 'show', 'nb-bootvol'])).status, 'in-use');
    await cli.ok(['server', 'delete', '--wait', 'nb-vf']);
    await waitVolume('nb-bootvol', 'available');
  });

  it('deleting the volumes removes their files', async () => {
    for (const name of ['nb-vol1', 'nb-vol2', 'nb-vol3', 'nb-bootvol']) {
      if ((await cli.run(['volume', 'show', name])).code !== 0) continue;
      if (name === 'nb-vol1') await cli.ok(['volume', 'snapshot', 'delete', 'nb-snap1']);
      await waitGone(['volume', 'snapshot', 'show', 'nb-snap1']);
      await cli.ok(['volume', 'delete', name]);
      await waitGone(['volume', 'show', name]);
    }
    const dir = join(cloud.nubis.stateDir, 'volumes');
    const left = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('volume-')) : [];
    assert.deepEqual(left, [], 'no volume file is left');
  });
});
