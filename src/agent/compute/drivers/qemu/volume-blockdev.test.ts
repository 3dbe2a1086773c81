// A volume's QEMU block nodes and device for each connection type, and the boot order of volumes
// in a guest's launch plan.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestSpec, GuestVolume } from '../../driver.js';
import { qemuArgv } from './argv.js';
import { guestPaths } from './guest-files.js';
import { launchPlan } from './guest-disks.js';
import { assignVolumeSlots, volumeBlockdevs, volumeDevice, volumeIds } from './volume-blockdev.js';

const ID = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('volume block nodes', () => {
  it('ids come from the volume id: nodes, device vol-<11>, serial = first 20', () => {
    assert.deepEqual(volumeIds(ID), { protocolNode: 'volp-5a1b2c3d-4e', formatNode: 'volf-5a1b2c3d-4e', device: 'vol-5a1b2c3d-4e', serial: '5a1b2c3d-4e5f-4a6b-8' });
    assert.deepEqual(volumeDevice(ID), { driver: 'virtio-blk-pci', id: 'vol-5a1b2c3d-4e', drive: 'volf-5a1b2c3d-4e', serial: '5a1b2c3d-4e5f-4a6b-8' });
    assert.throws(() => volumeIds('../x,y'), /not a volume id/);
  });

  it('file: a file node and a qcow2 or raw format node', () => {
    assert.deepEqual(volumeBlockdevs(ID, { driver_volume_type: 'file', data: { path: '/v/a.raw', format: 'raw', host: 'h' } }, true), [
      { driver: 'file', 'node-name': 'volp-5a1b2c3d-4e', filename: '/v/a.raw', 'read-only': true },
      { driver: 'raw', 'node-name': 'volf-5a1b2c3d-4e', file: 'volp-5a1b2c3d-4e', 'read-only': true },
    ]);
  });

  it('nbd over a unix socket or TCP: raw on the export', () => {
    const [unix, fmt] = volumeBlockdevs(ID, { driver_volume_type: 'nbd', data: { path: '/run/nb/v.sock', export: 'volume-1' } }, false);
    assert.deepEqual(unix, { driver: 'nbd', 'node-name': 'volp-5a1b2c3d-4e', server: { type: 'unix', path: '/run/nb/v.sock' }, export: 'volume-1' });
    assert.equal(fmt.driver, 'raw');
    const [inet] = volumeBlockdevs(ID, { driver_volume_type: 'nbd', data: { host: '10.0.0.5', port: 10809, export: 'volume-1' } }, false);
    assert.deepEqual(inet.server, { type: 'inet', host: '10.0.0.5', port: '10809' });
  });

  it('PCI slots: a volume keeps its slot; new ones take the lowest free; at most 16', () => {
    assert.deepEqual(assignVolumeSlots(['a', 'b'], {}), { a: 0x10, b: 0x11 });
    // `a` was detached: `b` stays in 0x11, `c` takes the freed 0x10.
    assert.deepEqual(assignVolumeSlots(['b', 'c'], { a: 0x10, b: 0x11 }), { b: 0x11, c: 0x10 });
    assert.deepEqual(assignVolumeSlots(['x', 'y'], { x: 0x11, y: 0x11 }), { x: 0x11, y: 0x10 }, 'a clash is resolved');
    assert.deepEqual(assignVolumeSlots(['x'], { x: 3 }), { x: 0x10 }, 'out of the range: reassigned');
    const many = Array.from({ length: 16 }, (_, i) => `v${i}`);
    assert.equal(Object.values(assignVolumeSlots(many, {})).at(-1), 0x1f);
    assert.throws(() => assignVolumeSlots([...many, 'one-more'], {}), /at most 16 volumes/);
  });

  it('rbd: pool, image, user and monitors', () => {
    const [rbd, fmt] = volumeBlockdevs(ID, { driver_volume_type: 'rbd', data: { pool: 'volumes', name: 'volume-1', hosts: ['10.0.0.1', '10.0.0.2'], ports: ['6789', '3300'], auth_username: 'cinder' } }, false);
    assert.deepEqual(rbd, { driver: 'rbd', 'node-name': 'volp-5a1b2c3d-4e', pool: 'volumes', image: 'volume-1', user: 'cinder',
      server: [{ host: '10.0.0.1', port: '6789' }, { host: '10.0.0.2', port: '3300' }] });
    assert.equal(fmt.driver, 'raw');
    const [bare] = volumeBlockdevs(ID, { driver_volume_type: 'rbd', data: { pool: 'p', name: 'i', hosts: [], ports: [], auth_username: null } }, false);
    assert.deepEqual(bare, { driver: 'rbd', 'node-name': 'volp-5a1b2c3d-4e', pool: 'p', image: 'i' });
  });
});

describe('volumes in the launch plan', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'nb-volplan-'));
  after(() => rmSync(stateDir, { recursive: true, force: true }));
  const uuid = '8c1f6a52-0a4e-4d8e-9d7e-3f2b1c0d9e8a';
  const paths = guestPaths(stateDir, uuid);
  const vol = (volumeId: string, bootIndex: number | null): GuestVolume => ({
    volumeId, device: 'vdx', readOnly: false, bootIndex, connection: { driver_volume_type: 'file', data: { path: `/v/${volumeId}.qcow2`, format: 'qcow2', host: 'h' } },
  });
  const boot = vol('11111111-1111-4111-8111-111111111111', 0);
  const data = vol('22222222-2222-4222-8222-222222222222', null);
  const spec = { uuid, name: 'vm', hostname: 'vm', vcpus: 1, memoryMb: 256, rootGb: 0, ephemeralGb: 0, swapMb: 0, image: null, kernel: null,
    ramdisk: null, cmdline: null, nics: [], volumes: [data, boot] } as Omit<GuestSpec, 'authToken' | 'configDrive'>;
  const plan = () => launchPlan({ record: { spec, mode: 'normal' }, paths, accel: 'tcg', kernel: null, initrd: null, incoming: false });
  const devices = () => qemuArgv(plan()).filter((a) => a.startsWith('virtio-blk-pci'));

  it('boot from volume: the boot volume is the first disk, with bootindex=1; the others follow', () => {
    assert.deepEqual(devices(), [
      'virtio-blk-pci,drive=volf-11111111-11,id=vol-11111111-11,serial=11111111-1111-4111-8,bus=pci.0,addr=0x11,bootindex=1',
      'virtio-blk-pci,drive=volf-22222222-22,id=vol-22222222-22,serial=22222222-2222-4222-8,bus=pci.0,addr=0x10',
    ]);
    const argv = qemuArgv(plan());
    assert.deepEqual(JSON.parse(argv[argv.indexOf('-blockdev') + 1]!), { driver: 'file', 'node-name': 'volp-11111111-11', filename: '/v/11111111-1111-4111-8111-111111111111.qcow2' });
  });

  it('with local disks, volumes come after them and the local root boots', () => {
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.disk, '');
    writeFileSync(paths.ephemeral, '');
    try {
      assert.deepEqual(devices(), [
        'virtio-blk-pci,drive=disk0,id=virtio-disk0,bootindex=1',
        'virtio-blk-pci,drive=disk1,id=virtio-disk1',
        'virtio-blk-pci,drive=volf-22222222-22,id=vol-22222222-22,serial=22222222-2222-4222-8,bus=pci.0,addr=0x10',
        'virtio-blk-pci,drive=volf-11111111-11,id=vol-11111111-11,serial=11111111-1111-4111-8,bus=pci.0,addr=0x11',
      ]);
    } finally {
      rmSync(paths.disk); rmSync(paths.ephemeral);
    }
  });

  it('a record without volumes (made before block storage) boots as before', () => {
    const { volumes: _v, ...old } = spec;
    const p = launchPlan({ record: { spec: old as typeof spec, mode: 'normal' }, paths, accel: 'tcg', kernel: null, initrd: null, incoming: false });
    assert.deepEqual(p.disks, []);
  });
});
