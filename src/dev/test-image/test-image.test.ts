import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestImage, type TestImage } from './build-test-image.js';
import { GuestNetwork } from './guest-network.js';
import { run } from '../../platform/run.js';
import { TestGuest, type TestGuestSpec } from './test-guest.js';

const READY = /^NUBIS-GUEST-READY /;
const MIB = 1024 * 1024;

// The guest touches no database: the PostgreSQL pass of scripts/run-tests.sh would only repeat it.
const skip = process.env.NUBIS_TEST_DATABASE ? 'no database involved; runs in the SQLite pass' : false;

function field(line: string, name: string): string | undefined {
  return new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1];
}

describe('test guest image', { skip }, () => {
  let image: TestImage;
  let scratch: string;
  const guests: TestGuest[] = [];
  const networks: GuestNetwork[] = [];

  before(async () => {
    // A fixed cache dir keeps the downloaded kernel .deb between runs; the image itself is rebuilt
    // every time, so the suite always boots the current init.sh.
    image = await buildTestImage(join(tmpdir(), 'nubis-test-image-cache'));
    scratch = mkdtempSync(join(tmpdir(), 'nubis-guest-test-'));
  });

  after(async () => {
    for (const g of guests) await g.stop();
    for (const n of networks) await n.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function boot(name: string, spec: Omit<TestGuestSpec, 'dir'>): TestGuest {
    const dir = join(scratch, name);
    mkdirSync(dir);
    const g = TestGuest.start({ dir, ...spec });
    guests.push(g);
    return g;
  }

  it('kernel + ramdisk, no NIC, no metadata: READY with defaults, then powers off on the ACPI button', async () => {
    const g = boot('aki-ari', { kernel: image.kernel, initrd: image.ramdisk, cmdline: image.cmdline });
    const ready = await g.waitForLine(READY);
    assert.equal(field(ready, 'hostname'), 'nubis-guest');
    assert.equal(field(ready, 'ips'), '');
    assert.equal(field(ready, 'uuid'), 'none');
    assert.ok(!/^NUBIS-DISK /m.test(g.console()), 'no disk, no NUBIS-DISK line');

    await g.qmp('system_powerdown');
    await g.waitForLine(/^NUBIS-GUEST-POWERDOWN$/, 30_000);
    assert.equal(await g.waitForExit(30_000), 0, 'QEMU exits once the guest powers off');
  });

  it('whole-disk qcow2 boots from its own bootloader and reports disks, grown and hot-plugged', async () => {
    // An overlay, so resizing never touches the built image.
    const root = join(scratch, 'root.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image.disk, '-F', 'qcow2', root]);
    const g = boot('disk', { disks: [root] });
    const ready = await g.waitForLine(READY);
    assert.equal(field(ready, 'uuid'), 'none');
    assert.equal(await g.waitForLine(/^NUBIS-DISK name=vda /), `NUBIS-DISK name=vda bytes=${64 * MIB}`);

    await g.qmp('block_resize', { 'node-name': 'd0', size: 96 * MIB });
    await g.waitForLine(new RegExp(`^NUBIS-DISK name=vda bytes=${96 * MIB}$`), 30_000);

    const extra = join(scratch, 'extra.raw');
    writeFileSync(extra, '');
    await run('truncate', ['-s', '8M', extra]);
    await g.qmp('blockdev-add', { driver: 'raw', 'node-name': 'hp', file: { driver: 'file', filename: extra } });
    await g.qmp('device_add', { driver: 'virtio-blk-pci', drive: 'hp', id: 'hp0' });
    await g.waitForLine(new RegExp(`^NUBIS-DISK name=vdb bytes=${8 * MIB}$`), 30_000);
  });

  it('reads a config-2 drive: hostname, uuid, and runs a shell-script user_data', async () => {
    const cd = join(scratch, 'config-drive-files');
    mkdirSync(join(cd, 'openstack', 'latest'), { recursive: true });
    const uuid = '6f1f2e3a-9c7d-4c59-8d39-2b7a3c1e0f42';
    writeFileSync(join(cd, 'openstack', 'latest', 'meta_data.json'),
      JSON.stringify({ uuid, name: 'cfg', hostname: 'cfg-test.novalocal', availability_zone: 'nova', meta: { a: 'b' } }));
    writeFileSync(join(cd, 'openstack', 'latest', 'user_data'), '#!/bin/sh\necho "USER-DATA-MARKER host=$(hostname)"\n');
    const iso = join(scratch, 'config.iso');
    await run('genisoimage', ['-quiet', '-o', iso, '-V', 'config-2', '-r', '-J', cd]);

    const g = boot('config-drive', { kernel: image.kernel, initrd: image.ramdisk, cmdline: image.cmdline, disks: [iso] });
    const ready = await g.waitForLine(READY);
    assert.equal(field(ready, 'hostname'), 'cfg-test.novalocal');
    assert.equal(field(ready, 'uuid'), uuid);
    assert.equal(field(ready, 'ips'), '');
    assert.equal(await g.waitForLine(/^USER-DATA-MARKER /), 'USER-DATA-MARKER host=cfg-test.novalocal');
    assert.equal(await g.waitForLine(/^NUBIS-USER-DATA /), 'NUBIS-USER-DATA exit=0');
    assert.equal(await g.waitForLine(/^NUBIS-METADATA /), 'NUBIS-METADATA source=config-drive');
    // User data runs before READY, so a test that saw READY can rely on its effects.
    const lines = g.console().split(/\r?\n/);
    assert.ok(lines.findIndex((l) => l.startsWith('USER-DATA-MARKER')) < lines.findIndex((l) => READY.test(l)));
  });

  it('gets an address by DHCP and reads the metadata service (in a private network namespace)', async () => {
    const uuid = 'a3c1e7b2-4f0d-4e8a-9b61-0c2d5e7f9a13';
    const net = await GuestNetwork.start({
      metaData: { uuid, name: 'mds', hostname: 'mds-test.novalocal', availability_zone: 'nova' },
      userData: '#!/bin/sh\necho "USER-DATA-MARKER host=$(hostname)"\n',
    });
    networks.push(net);
    const g = boot('metadata-service', {
      kernel: image.kernel, initrd: image.ramdisk, cmdline: image.cmdline,
      netns: net.netns, nics: [{ tap: net.tap, mac: net.mac }],
    });
    const ready = await g.waitForLine(READY).catch((e: Error) => {
      throw new Error(`${e.message}\ndnsmasq log:\n${net.dnsmasqLog().slice(-2000)}`);
    });
    assert.equal(await g.waitForLine(/^NUBIS-METADATA /), 'NUBIS-METADATA source=metadata-service');
    assert.equal(field(ready, 'hostname'), 'mds-test.novalocal');
    assert.equal(field(ready, 'uuid'), uuid);
    const ip = field(ready, 'ips')!;
    assert.match(ip, new RegExp(`^${net.subnet.replaceAll('.', '\\.')}\\.(1[0-9][0-9])$`), 'one address, from the DHCP range');
    assert.equal(await net.lease(net.mac), ip, "the address is dnsmasq's lease for the guest's MAC");
    assert.equal(await g.waitForLine(/^USER-DATA-MARKER /), 'USER-DATA-MARKER host=mds-test.novalocal');
    assert.equal(await g.waitForLine(/^NUBIS-USER-DATA /), 'NUBIS-USER-DATA exit=0');
    assert.deepEqual(net.requests(), ['/openstack/latest/meta_data.json', '/openstack/latest/user_data']);
    // ping exits non-zero (and exec rejects) unless the guest answers.
    assert.match(await net.exec('ping', ['-c', '1', '-W', '2', ip]), / 1 received/);
  });
});
