// Real guests under QEMU TCG: the test image booted both ways, through every driver operation.
// One scratch state dir, one loopback HTTP server standing in for the image service.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildTestImage, type TestImage } from '../../../../dev/test-image/build-test-image.js';
import { POWER } from '../../../../compute/vm-states.js';
import type { GuestSpec, ImageRef } from '../../driver.js';
import { imageInfo } from './disks.js';
import { exec } from './exec.js';
import { readPid } from './guest-process.js';
import { createQemuDriver, type QemuDriver } from './qemu-driver.js';

const skip = process.env.NUBIS_TEST_DATABASE ? 'no database involved; runs in the SQLite pass' : false;
const IMAGE_DIR = join(tmpdir(), 'nubis-qemu-driver-image');
const GIB = 1024 ** 3;

/** The test image, built once into a fixed cache dir and reused by later runs. */
async function testImage(): Promise<TestImage> {
  const manifest = join(IMAGE_DIR, 'nubis-test-image.json');
  if (existsSync(manifest)) {
    const image = JSON.parse(readFileSync(manifest, 'utf8')) as TestImage;
    if ([image.kernel, image.ramdisk, image.disk].every((f) => existsSync(f))) return image;
  }
  return buildTestImage(IMAGE_DIR);
}

describe('QEMU driver with real guests', { skip }, () => {
  let image: TestImage;
  let stateDir: string;
  let scratch: string;
  let server: Server;
  let base: string;
  let driver: QemuDriver;
  const files = new Map<string, string>();
  const uploads = new Map<string, { file: string; headers: IncomingHttpHeaders }>();
  const created: string[] = [];

  before(async () => {
    image = await testImage();
    stateDir = mkdtempSync('/tmp/nb-qemu-state-');
    scratch = mkdtempSync(join(tmpdir(), 'nb-qemu-scratch-'));
    server = createServer((req, res) => {
      if (req.method === 'PUT') {
        const file = join(scratch, `upload-${uploads.size}`);
        uploads.set(req.url!, { file, headers: req.headers });
        req.pipe(createWriteStream(file)).on('finish', () => res.writeHead(204).end());
        return;
      }
      const file = files.get(req.url!);
      if (!file || req.headers['x-auth-token'] !== 'tok') return void res.writeHead(file ? 401 : 404).end();
      const body = readFileSync(file);
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    driver = createQemuDriver({ stateDir, host: 'nb-test', accel: 'tcg', reservedHostMemoryMb: 0, shutdownTimeoutSec: 30 });
  });

  after(async () => {
    for (const uuid of created) await driver.destroy(uuid).catch(() => undefined);
    driver?.close();
    server?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function ref(file: string, diskFormat: string): ImageRef {
    const id = randomUUID();
    files.set(`/images/${id}/file`, file);
    return {
      id, url: `${base}/images/${id}/file`, disk_format: diskFormat, container_format: 'bare', size: 0,
      os_hash_algo: 'sha512', os_hash_value: createHash('sha512').update(readFileSync(file)).digest('hex'), properties: {},
    };
  }

  function spec(over: Partial<GuestSpec>): GuestSpec {
    const uuid = randomUUID();
    created.push(uuid);
    return {
      uuid, name: `nb-${uuid.slice(0, 8)}`, hostname: 'nb-vm', vcpus: 1, memoryMb: 256, rootGb: 0, ephemeralGb: 0, swapMb: 0,
      image: null, kernel: null, ramdisk: null, cmdline: null, configDrive: null, authToken: 'tok', nics: [], volumes: [], ...over,
    };
  }

  /** Waits until the console has at least `n` whole lines matching `re`; returns the last one. */
  async function line(uuid: string, re: RegExp, n = 1, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = (await driver.consoleOutput(uuid)).split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => re.test(l));
      if (hits.length >= n) return hits[n - 1]!;
      if (Date.now() > deadline) throw new Error(`no ${n}× ${re} in console:\n${(await driver.consoleOutput(uuid, 30))}`);
      await sleep(200);
    }
  }
  const READY = /^NUBIS-GUEST-READY /;
  const count = async (uuid: string, re: RegExp) => (await driver.consoleOutput(uuid)).split('\n').filter((l) => re.test(l.replace(/\r$/, ''))).length;
  const power = async (uuid: string) => (await driver.observe()).find((g) => g.uuid === uuid);

  it('reports the host inventory', async () => {
    const inv = await driver.inventory();
    assert.equal(inv.hypervisorType, 'QEMU');
    assert.ok(inv.hypervisorVersion >= 7_000_000, String(inv.hypervisorVersion));
    assert.ok(inv.vcpus >= 1 && inv.memoryMb > 0 && inv.localGb > 0);
    assert.deepEqual(inv.capabilities, { hw_architecture: 'x86_64', img_hv_type: 'qemu' });
  });

  it('a failed spawn leaves nothing behind', async () => {
    const bad = { ...ref(image.disk, 'qcow2'), url: `${base}/missing` };
    const s = spec({ image: bad, rootGb: 1 });
    await assert.rejects(driver.spawn(s), /HTTP 404/);
    assert.ok(!existsSync(join(stateDir, 'instances', s.uuid)));
    assert.deepEqual(readdirSync(join(stateDir, '_base')), []);

    // QEMU itself refuses to start (a "kernel" that is not one): disks, config drive and the
    // instance dir it got so far are removed again.
    const junk = join(scratch, 'not-a-kernel');
    writeFileSync(junk, 'not a kernel\n'.repeat(100));
    const s2 = spec({ kernel: ref(junk, 'aki'), rootGb: 1, configDrive: { metaData: {}, userData: null, networkData: {}, vendorData: {} } });
    await assert.rejects(driver.spawn(s2), /qemu-system-x86_64 failed/);
    assert.ok(!existsSync(join(stateDir, 'instances', s2.uuid)));
  });

  describe('kernel + ramdisk guest', () => {
    let g: GuestSpec;
    it('spawns with a config drive: READY with its hostname and uuid, user data ran', async (t) => {
      g = spec({
        kernel: ref(image.kernel, 'aki'), ramdisk: ref(image.ramdisk, 'ari'), cmdline: image.cmdline, rootGb: 1,
        configDrive: {
          metaData: { uuid: 'will-be-set', hostname: 'kvm-one.novalocal' }, userData: Buffer.from('#!/bin/sh\necho "NB-UD host=$(hostname)"\n').toString('base64'),
          networkData: {}, vendorData: {},
        },
      });
      g.configDrive!.metaData.uuid = g.uuid;
      const t0 = Date.now();
      await driver.spawn(g);
      const ready = await line(g.uuid, READY);
      t.diagnostic(`kernel guest: spawn → READY in ${Date.now() - t0} ms`);
      assert.equal(ready, `NUBIS-GUEST-READY hostname=kvm-one.novalocal ips= uuid=${g.uuid}`);
      assert.equal(await line(g.uuid, /^NB-UD /), 'NB-UD host=kvm-one.novalocal');
      assert.equal(await line(g.uuid, /^NUBIS-USER-DATA /), 'NUBIS-USER-DATA exit=0');
      assert.equal(await line(g.uuid, /^NUBIS-DISK name=vda /), `NUBIS-DISK name=vda bytes=${GIB}`);
      assert.deepEqual(await power(g.uuid), { uuid: g.uuid, power: POWER.RUNNING, attached: true });
      assert.deepEqual(await driver.vncAddress(g.uuid), { path: join(stateDir, 'instances', g.uuid, 'vnc.sock') });
      assert.ok(existsSync(join(stateDir, 'instances', g.uuid, 'vnc.sock')), 'QEMU listens for VNC');
      const diag = await driver.diagnostics(g.uuid);
      assert.equal(diag.state, 'running');
      assert.equal(diag.num_cpus, 1);
      assert.deepEqual(diag.memory_details, { maximum: 256, used: 0 });
      assert.ok(!readFileSync(join(stateDir, 'instances', g.uuid, 'spec.json'), 'utf8').includes('"tok"'), 'no token on disk');
    });

    it('pause and unpause', async () => {
      await driver.pause(g.uuid);
      assert.equal((await power(g.uuid))?.power, POWER.PAUSED);
      await driver.unpause(g.uuid);
      assert.equal((await power(g.uuid))?.power, POWER.RUNNING);
    });

    it('suspend to a file and resume without a reboot', async () => {
      await driver.suspend(g.uuid);
      assert.deepEqual(await power(g.uuid), { uuid: g.uuid, power: POWER.SUSPENDED, attached: false });
      await driver.resume(g);
      assert.equal((await power(g.uuid))?.power, POWER.RUNNING);
      assert.ok(!existsSync(join(stateDir, 'instances', g.uuid, 'suspend.state')));
      assert.equal(await count(g.uuid, READY), 1, 'resumed, not rebooted');
      // The restored guest still answers the ACPI button: it really runs.
      await driver.powerOff(g.uuid, 30);
      assert.equal(await line(g.uuid, /^NUBIS-GUEST-POWERDOWN$/), 'NUBIS-GUEST-POWERDOWN');
      assert.deepEqual(await power(g.uuid), { uuid: g.uuid, power: POWER.SHUTDOWN, attached: false });
      // A stopped guest's disk is read directly.
      await driver.snapshot(g.uuid, { url: `${base}/images/snap0/file`, authToken: 'tok', diskFormat: 'qcow2' });
      assert.equal((await imageInfo(uploads.get('/images/snap0/file')!.file, { format: 'qcow2' })).virtualSize, GIB);
      assert.equal((await power(g.uuid))?.power, POWER.SHUTDOWN);
    });

    it('powers on again; the console log keeps the earlier boot', async () => {
      await driver.powerOn(g);
      await line(g.uuid, READY, 2);
      assert.equal(await count(g.uuid, /^NUBIS-GUEST-POWERDOWN$/), 1);
      const last3 = await driver.consoleOutput(g.uuid, 3);
      assert.equal(last3.split('\n').length, 4, last3);
      assert.ok(last3.endsWith('\n'));
    });

    it('soft reboot: ACPI shutdown, then a fresh boot', async () => {
      await driver.reboot(g, false);
      await line(g.uuid, READY, 3);
      assert.equal(await count(g.uuid, /^NUBIS-GUEST-POWERDOWN$/), 2);
    });
  });

  describe('whole-disk guest', () => {
    let g: GuestSpec;
    it('spawns from its own bootloader with the root disk grown to rootGb', async (t) => {
      g = spec({ image: ref(image.disk, 'qcow2'), rootGb: 1 });
      const t0 = Date.now();
      await driver.spawn(g);
      await line(g.uuid, READY);
      t.diagnostic(`whole-disk guest: spawn → READY in ${Date.now() - t0} ms`);
      assert.equal(await line(g.uuid, /^NUBIS-DISK name=vda /), `NUBIS-DISK name=vda bytes=${GIB}`);
    });

    it('snapshot: a standalone qcow2 PUT to the image service, the guest keeps running', async () => {
      const { size } = await driver.snapshot(g.uuid, { url: `${base}/images/snap1/file`, authToken: 'tok', diskFormat: 'qcow2' });
      const up = uploads.get('/images/snap1/file')!;
      assert.equal(up.headers['x-auth-token'], 'tok');
      assert.equal(up.headers['content-type'], 'application/octet-stream');
      const info = await imageInfo(up.file, { format: 'qcow2' });
      assert.equal(info.virtualSize, GIB);
      assert.equal(info.backingFile, null);
      assert.equal(size, readFileSync(up.file).length);
      await exec('qemu-img', ['check', '-q', '-f', 'qcow2', up.file]);
      assert.equal((await power(g.uuid))?.power, POWER.RUNNING);
    });

    it('resize to a bigger disk and more memory, then revert', async () => {
      const bigger = { ...g, rootGb: 2, memoryMb: 384 };
      await driver.resize(bigger, true);
      await line(g.uuid, new RegExp(`^NUBIS-DISK name=vda bytes=${2 * GIB}$`));
      assert.deepEqual((await driver.diagnostics(g.uuid)).memory_details, { maximum: 384, used: 0 });
      assert.ok(existsSync(join(stateDir, 'instances', g.uuid, 'disk.qcow2.resize-backup')));
      await assert.rejects(driver.resize(bigger, true), /confirm or revert/);
      await driver.revertResize(g, true);
      await line(g.uuid, READY, 3);
      await line(g.uuid, new RegExp(`^NUBIS-DISK name=vda bytes=${GIB}$`), 2); // back to the old disk
      assert.ok(!existsSync(join(stateDir, 'instances', g.uuid, 'disk.qcow2.resize-backup')));
      assert.deepEqual((await driver.diagnostics(g.uuid)).memory_details, { maximum: 256, used: 0 });
    });

    // Two more boots (each 10-25 s under TCG on a busy machine): only when asked for.
    const slow = process.env.NUBIS_TEST_SLOW ? false : 'two extra boots; set NUBIS_TEST_SLOW=1 to run';
    it('rescue boots the rescue image with the root disk second; unrescue goes back', { skip: slow }, async () => {
      await driver.rescue(g, ref(image.disk, 'qcow2'));
      await line(g.uuid, READY, 4);
      await line(g.uuid, /^NUBIS-DISK name=vdb /);
      await driver.unrescue(g);
      await line(g.uuid, READY, 5);
      assert.ok(!existsSync(join(stateDir, 'instances', g.uuid, 'rescue.qcow2')));
    });

    it('rebuild from another image, powered off; hard reboot boots it', async () => {
      const before = g;
      const beforeRecord = readFileSync(join(stateDir, 'instances', g.uuid, 'spec.json'), 'utf8');
      const rebuilt = { ...g, image: ref(image.disk, 'qcow2') };
      await driver.rebuild(rebuilt, false);
      assert.equal((await power(g.uuid))?.power, POWER.SHUTDOWN);
      assert.notEqual(readFileSync(join(stateDir, 'instances', g.uuid, 'spec.json'), 'utf8'), beforeRecord);
      await driver.reboot(rebuilt, true);
      await line(g.uuid, READY, slow ? 4 : 6);
      g = rebuilt;
      const removed = driver.cleanImageCache();
      assert.ok(removed.includes(before.image!.id), 'the image it was built from is unused now');
      const kept = readdirSync(join(stateDir, '_base'));
      assert.ok(kept.includes(rebuilt.image.id), 'the image in use stays');
      assert.ok(!kept.some((id) => removed.includes(id)));
    });

    it('observe reports a guest whose QEMU was killed as shut down', async () => {
      const pid = readPid(join(stateDir, 'instances', g.uuid, 'qemu.pid'))!;
      assert.equal((await power(g.uuid))?.power, POWER.RUNNING);
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && (await power(g.uuid))?.attached; i++) await sleep(100);
      assert.deepEqual(await power(g.uuid), { uuid: g.uuid, power: POWER.SHUTDOWN, attached: false });
    });

    it('destroy removes every file; a second destroy resolves', async () => {
      await driver.destroy(g.uuid);
      assert.ok(!existsSync(join(stateDir, 'instances', g.uuid)));
      await driver.destroy(g.uuid);
      assert.equal((await power(g.uuid)), undefined);
    });
  });

  it('a fresh driver re-adopts the running guest', async () => {
    const running = (await driver.observe()).filter((o) => o.power === POWER.RUNNING);
    assert.equal(running.length, 1);
    driver.close(); // QEMU serves one QMP client at a time
    driver = createQemuDriver({ stateDir, host: 'nb-test', accel: 'tcg', reservedHostMemoryMb: 0, shutdownTimeoutSec: 30 });
    assert.deepEqual(await driver.observe(), running);
    await driver.pause(running[0]!.uuid);
    assert.equal((await power(running[0]!.uuid))?.power, POWER.PAUSED);
  });
});
