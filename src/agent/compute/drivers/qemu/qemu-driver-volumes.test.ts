// Volumes on real guests under QEMU TCG through the driver: hot-plug, the guest's data marks moving
// between guests, extend while attached, detach, cold attach, reboot, boot from volume. Volume files
// are plain qcow2 files in a scratch dir (a `file` connection), as the file backend hands them out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildTestImage, type TestImage } from '../../../../dev/test-image/build-test-image.js';
import { initScriptPath } from '../../../../dev/test-image/initramfs.js';
import { POWER } from '../../../../compute/vm-states.js';
import type { GuestSpec, GuestVolume, ImageRef } from '../../driver.js';
import { imageInfo } from './disks.js';
import { exec } from './exec.js';
import { createQemuDriver, type QemuDriver } from './qemu-driver.js';

const skip = process.env.NUBIS_TEST_DATABASE ? 'no database involved; runs in the SQLite pass' : false;
const MIB = 1024 ** 2;

/** The test image, cached per content of init.sh: the disk markers these tests need live there. */
async function testImage(): Promise<TestImage> {
  const hash = createHash('sha256').update(readFileSync(initScriptPath())).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `nubis-volume-test-image-${hash}`);
  const manifest = join(dir, 'nubis-test-image.json');
  if (existsSync(manifest)) {
    const image = JSON.parse(readFileSync(manifest, 'utf8')) as TestImage;
    if ([image.kernel, image.ramdisk, image.disk].every((f) => existsSync(f))) return image;
  }
  return buildTestImage(dir);
}

describe('QEMU driver: volumes on real guests', { skip, timeout: 900_000 }, () => {
  let image: TestImage;
  let stateDir: string;
  let scratch: string;
  let server: Server;
  let base: string;
  let driver: QemuDriver;
  const files = new Map<string, string>();
  const created: string[] = [];

  before(async () => {
    image = await testImage();
    stateDir = mkdtempSync('/tmp/nb-vol-state-');
    scratch = mkdtempSync(join(tmpdir(), 'nb-vol-scratch-'));
    server = createServer((req, res) => {
      const file = files.get(req.url!);
      if (!file) return void res.writeHead(404).end();
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

  /** A kernel-boot guest with no local disk at all: its volumes are its only disks. */
  function kernelGuest(over: Partial<GuestSpec> = {}): GuestSpec {
    const uuid = randomUUID();
    created.push(uuid);
    return {
      uuid, name: `nb-${uuid.slice(0, 8)}`, hostname: 'nb-vm', vcpus: 1, memoryMb: 256, rootGb: 0, ephemeralGb: 0, swapMb: 0,
      image: null, kernel: ref(image.kernel, 'aki'), ramdisk: ref(image.ramdisk, 'ari'), cmdline: image.cmdline,
      configDrive: null, authToken: 'tok', nics: [], volumes: [], ...over,
    };
  }

  /** A blank qcow2 volume file and the GuestVolume that gives it to a guest. */
  async function blankVolume(sizeBytes: number): Promise<GuestVolume> {
    const volumeId = randomUUID();
    const path = join(scratch, `volume-${volumeId}.qcow2`);
    await exec('qemu-img', ['create', '-q', '-f', 'qcow2', path, String(sizeBytes)]);
    return { volumeId, device: 'vdb', readOnly: false, bootIndex: null, connection: { driver_volume_type: 'file', data: { path, format: 'qcow2', host: 'nb-test' } } };
  }

  const lines = async (uuid: string) => (await driver.consoleOutput(uuid)).split('\n').map((l) => l.replace(/\r$/, ''));
  /** Waits until the console has at least `n` whole lines matching `re`; returns the n-th. */
  async function line(uuid: string, re: RegExp, n = 1, timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = (await lines(uuid)).filter((l) => re.test(l));
      if (hits.length >= n) return hits[n - 1]!;
      if (Date.now() > deadline) throw new Error(`no ${n}× ${re} in console:\n${await driver.consoleOutput(uuid, 30)}`);
      await sleep(250);
    }
  }
  const count = async (uuid: string, re: RegExp) => (await lines(uuid)).filter((l) => re.test(l)).length;
  const READY = /^NUBIS-GUEST-READY /;
  const serialOf = (v: GuestVolume) => v.volumeId.slice(0, 20);
  const fileOf = (v: GuestVolume) => (v.connection as { data: { path: string } }).data.path;
  const disk = (v: GuestVolume, bytes: number) => new RegExp(`^NUBIS-DISK name=vd[a-z] bytes=${bytes} serial=${serialOf(v)}$`);
  const recorded = (uuid: string) => (JSON.parse(readFileSync(join(stateDir, 'instances', uuid, 'spec.json'), 'utf8')) as { spec: GuestSpec }).spec.volumes;

  let a: GuestSpec;
  let b: GuestSpec;
  let vol1: GuestVolume;
  let mark = '';

  it('boots two guests without disks', async () => {
    a = kernelGuest();
    b = kernelGuest();
    await Promise.all([driver.spawn(a), driver.spawn(b)]);
    await Promise.all([line(a.uuid, READY), line(b.uuid, READY)]);
    assert.equal(await count(a.uuid, /^NUBIS-DISK /), 0);
  });

  it('hot-plugs a blank volume: the guest sees its size and serial and writes a mark on it', async (t) => {
    vol1 = await blankVolume(64 * MIB);
    const t0 = Date.now();
    await driver.attachVolume(a.uuid, vol1);
    const seen = await line(a.uuid, disk(vol1, 64 * MIB));
    t.diagnostic(`attach → NUBIS-DISK in ${Date.now() - t0} ms: ${seen}`);
    const marked = await line(a.uuid, new RegExp(`^NUBIS-DISK-MARKED name=vd[a-z] serial=${serialOf(vol1)} mark=NUBIS-MARK:\\S+$`));
    mark = /mark=(\S+)$/.exec(marked)![1]!;
    assert.deepEqual(recorded(a.uuid).map((v) => v.volumeId), [vol1.volumeId]);
    // A retried attach finds it there.
    await driver.attachVolume(a.uuid, vol1);
    assert.equal(recorded(a.uuid).length, 1);
    assert.equal(await count(a.uuid, /^NUBIS-DISK /), 1);
  });

  it('extends the attached volume: QEMU grows the file and the guest sees the new size', async () => {
    await driver.extendVolume(a.uuid, vol1.volumeId, 96 * MIB);
    await line(a.uuid, disk(vol1, 96 * MIB));
    assert.equal((await imageInfo(fileOf(vol1), { format: 'qcow2', shared: true })).virtualSize, 96 * MIB);
  });

  it('detaches: the guest lets go, QEMU closes the file, the record forgets it', async () => {
    await driver.detachVolume(a.uuid, vol1.volumeId);
    await line(a.uuid, /^NUBIS-DISK-REMOVED name=vd[a-z]$/);
    assert.deepEqual(recorded(a.uuid), []);
    // Without -U qemu-img needs the write lock: it succeeds only once QEMU dropped the nodes.
    await exec('qemu-img', ['check', '-q', '-f', 'qcow2', fileOf(vol1)]);
    await driver.detachVolume(a.uuid, vol1.volumeId); // already gone: resolves
  });

  it('attached to a second guest, the volume carries the first guest\'s mark', async () => {
    await driver.attachVolume(b.uuid, vol1);
    await line(b.uuid, disk(vol1, 96 * MIB));
    assert.equal(await line(b.uuid, /^NUBIS-DISK-MARK /), `NUBIS-DISK-MARK name=vda serial=${serialOf(vol1)} mark=${mark}`);
  });

  it('a reboot keeps the hot-plugged volume', async () => {
    // As the conductor does, the reboot's spec lists the guest's volumes.
    await driver.reboot({ ...b, volumes: recorded(b.uuid) }, true);
    await line(b.uuid, READY, 2);
    await line(b.uuid, disk(vol1, 96 * MIB), 2);
    assert.equal(await line(b.uuid, /^NUBIS-DISK-MARK /, 2), `NUBIS-DISK-MARK name=vda serial=${serialOf(vol1)} mark=${mark}`);
  });

  it('suspend and resume after hot-plug and unplug: every volume is back where it was', async () => {
    // vol3 is plugged while vol1 holds the first slot, then vol1 goes: QEMU's own slot choice on a
    // fresh command line would now differ from the live guest, and the saved state would not load.
    const vol3 = await blankVolume(8 * MIB);
    await driver.attachVolume(b.uuid, vol3);
    await line(b.uuid, disk(vol3, 8 * MIB));
    await driver.detachVolume(b.uuid, vol1.volumeId);
    await line(b.uuid, /^NUBIS-DISK-REMOVED name=vda$/);
    await driver.suspend(b.uuid);
    assert.equal((await driver.observe()).find((g) => g.uuid === b.uuid)?.power, POWER.SUSPENDED);
    await driver.resume({ ...b, volumes: recorded(b.uuid) });
    assert.equal((await driver.observe()).find((g) => g.uuid === b.uuid)?.power, POWER.RUNNING);
    assert.equal(await count(b.uuid, READY), 2, 'resumed, not rebooted');
    // The restored guest still has the disk and still answers for it.
    await driver.extendVolume(b.uuid, vol3.volumeId, 12 * MIB);
    await line(b.uuid, disk(vol3, 12 * MIB));
    await driver.detachVolume(b.uuid, vol3.volumeId);
    await line(b.uuid, /^NUBIS-DISK-REMOVED /, 2);
  });

  it('cold attach to a stopped guest, grown while off: the next boot has it at the new size', async () => {
    await driver.powerOff(a.uuid, 30);
    assert.equal((await driver.observe()).find((g) => g.uuid === a.uuid)?.power, POWER.SHUTDOWN);
    const vol2 = await blankVolume(32 * MIB);
    await driver.attachVolume(a.uuid, vol2);
    assert.deepEqual(recorded(a.uuid).map((v) => v.volumeId), [vol2.volumeId]);
    await driver.extendVolume(a.uuid, vol2.volumeId, 48 * MIB); // no QEMU holds it: qemu-img grows it
    assert.equal((await imageInfo(fileOf(vol2), { format: 'qcow2' })).virtualSize, 48 * MIB);
    await driver.powerOn({ ...a, volumes: recorded(a.uuid) });
    await line(a.uuid, READY, 2);
    await line(a.uuid, disk(vol2, 48 * MIB));
    await line(a.uuid, new RegExp(`^NUBIS-DISK-MARKED name=vda serial=${serialOf(vol2)} `));
  });

  it('boots from a volume (no local root disk): the firmware boots the volume\'s bootloader', async (t) => {
    const path = join(scratch, 'boot-volume.qcow2');
    copyFileSync(image.disk, path);
    const volumeId = randomUUID();
    const boot: GuestVolume = { volumeId, device: 'vda', readOnly: false, bootIndex: 0, connection: { driver_volume_type: 'file', data: { path, format: 'qcow2', host: 'nb-test' } } };
    const data = await blankVolume(16 * MIB);
    const c = kernelGuest({ kernel: null, ramdisk: null, cmdline: null, volumes: [boot, data] });
    const t0 = Date.now();
    await driver.spawn(c);
    await line(c.uuid, READY);
    t.diagnostic(`boot from volume: spawn → READY in ${Date.now() - t0} ms`);
    assert.ok(!existsSync(join(stateDir, 'instances', c.uuid, 'disk.qcow2')), 'no local root disk');
    assert.equal(await line(c.uuid, /^NUBIS-DISK name=vda /), `NUBIS-DISK name=vda bytes=${64 * MIB} serial=${serialOf(boot)}`);
    assert.equal(await line(c.uuid, /^NUBIS-DISK name=vdb /), `NUBIS-DISK name=vdb bytes=${16 * MIB} serial=${serialOf(data)}`);
    await line(c.uuid, /^NUBIS-DISK-MARKED name=vdb /);
    assert.equal(await count(c.uuid, /^NUBIS-DISK-MARK(ED)? name=vda /), 0, 'the boot disk is neither blank nor marked');
  });
});
