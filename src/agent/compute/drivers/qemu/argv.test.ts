import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { qemuArgv, type LaunchPlan } from './argv.js';

const D = '/var/lib/nubis/instances/8c1f6a52-0a4e-4d8e-9d7e-3f2b1c0d9e8a';
const base: LaunchPlan = {
  uuid: '8c1f6a52-0a4e-4d8e-9d7e-3f2b1c0d9e8a', name: 'vm1', accel: 'tcg', vcpus: 2, memoryMb: 512,
  kernel: null, initrd: null, cmdline: null,
  disks: [{ file: `${D}/disk.qcow2`, format: 'qcow2' }],
  configDrive: null, nics: [],
  console: `${D}/console.log`, qmp: `${D}/qmp.sock`, vnc: { path: `${D}/vnc.sock` }, pidfile: `${D}/qemu.pid`,
  incomingState: null,
};

const COMMON = [
  'qemu-system-x86_64',
  '-name', 'guest=vm1,debug-threads=on',
  '-uuid', '8c1f6a52-0a4e-4d8e-9d7e-3f2b1c0d9e8a',
  '-machine', 'pc', '-accel', 'tcg', '-m', '512', '-smp', '2',
  '-nodefaults', '-no-user-config', '-display', 'none', '-vga', 'std',
  '-vnc', `unix:${D}/vnc.sock`,
  '-chardev', `file,id=serial0,path=${D}/console.log,append=on`,
  '-device', 'isa-serial,chardev=serial0',
  '-qmp', `unix:${D}/qmp.sock,server=on,wait=off`,
  '-daemonize', '-pidfile', `${D}/qemu.pid`,
];

describe('qemuArgv', () => {
  it('whole-disk guest: boots its first virtio disk, no reboot trap', () => {
    assert.deepEqual(qemuArgv(base), [
      ...COMMON,
      '-blockdev', `driver=file,filename=${D}/disk.qcow2,node-name=file0`,
      '-blockdev', 'driver=qcow2,file=file0,node-name=disk0',
      '-device', 'virtio-blk-pci,drive=disk0,id=virtio-disk0,bootindex=1',
    ]);
    assert.ok(!qemuArgv(base).includes('-no-reboot'), 'a guest reboot must reset, not exit');
  });

  it('direct kernel boot with config drive, second disk, NIC and incoming state', () => {
    const argv = qemuArgv({
      ...base, kernel: '/b/k', initrd: '/b/r', cmdline: 'console=ttyS0 root=/dev/vda',
      disks: [...base.disks, { file: `${D}/disk.eph0`, format: 'qcow2' }],
      configDrive: `${D}/config-drive.iso`,
      nics: [{ tap: 'nbt-1234', mac: 'fa:16:3e:00:00:01' }],
      incomingState: `${D}/suspend.state`,
    });
    assert.deepEqual(argv.slice(COMMON.length), [
      '-kernel', '/b/k', '-append', 'console=ttyS0 root=/dev/vda', '-initrd', '/b/r',
      '-blockdev', `driver=file,filename=${D}/disk.qcow2,node-name=file0`,
      '-blockdev', 'driver=qcow2,file=file0,node-name=disk0',
      '-device', 'virtio-blk-pci,drive=disk0,id=virtio-disk0',
      '-blockdev', `driver=file,filename=${D}/disk.eph0,node-name=file1`,
      '-blockdev', 'driver=qcow2,file=file1,node-name=disk1',
      '-device', 'virtio-blk-pci,drive=disk1,id=virtio-disk1',
      '-blockdev', `driver=file,filename=${D}/config-drive.iso,node-name=cdfile,read-only=on`,
      '-blockdev', 'driver=raw,file=cdfile,node-name=configdrive,read-only=on',
      '-device', 'ide-cd,drive=configdrive,bus=ide.1,unit=0,id=config-drive',
      '-netdev', 'tap,id=net-1234,ifname=nbt-1234,script=no,downscript=no',
      '-device', 'virtio-net-pci,netdev=net-1234,mac=fa:16:3e:00:00:01,id=nic-1234,romfile=',
      '-incoming', `exec:cat '${D}/suspend.state'`,
    ]);
  });

  it('kernel without cmdline gets console=ttyS0; commas in values are escaped', () => {
    const argv = qemuArgv({ ...base, name: 'a,b', kernel: '/k', disks: [] });
    assert.equal(argv[argv.indexOf('-append') + 1], 'console=ttyS0');
    assert.equal(argv[argv.indexOf('-name') + 1], 'guest=a,,b,debug-threads=on');
    assert.ok(!argv.includes('-initrd'));
  });

  it('TCP VNC on loopback and kvm', () => {
    const argv = qemuArgv({ ...base, accel: 'kvm', vnc: { host: '127.0.0.1', display: 7 } });
    assert.equal(argv[argv.indexOf('-vnc') + 1], '127.0.0.1:7');
    assert.equal(argv[argv.indexOf('-accel') + 1], 'kvm');
  });
});
