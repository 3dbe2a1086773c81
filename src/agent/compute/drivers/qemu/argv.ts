// A guest's QEMU command line as data: a pure function from what to boot to argv, golden-tested
// without QEMU. Every choice that shapes the guest's hardware is made here and nowhere else.

import type { BlockdevOptions } from './volume-blockdev.js';

/** A local disk file of the guest (root, ephemeral, swap, rescue). */
export interface FileDiskArg {
  file: string;
  format: 'qcow2' | 'raw';
  readOnly?: boolean;
}

/** A block storage volume: its nodes (protocol first) and its virtio-blk device (volume-blockdev.ts). */
export interface VolumeDiskArg {
  nodes: BlockdevOptions[];
  /** `addr`: its PCI slot on pci.0 (`0x10`), kept while attached (volume-blockdev.ts). */
  device: { id: string; drive: string; serial: string; addr?: string };
}

export type DiskArg = FileDiskArg | VolumeDiskArg;

export interface LaunchPlan {
  uuid: string;
  name: string;
  accel: 'tcg' | 'kvm';
  vcpus: number;
  memoryMb: number;
  /** Direct kernel boot (aki/ari style); without it the first disk boots through its bootloader. */
  kernel: string | null;
  initrd: string | null;
  cmdline: string | null;
  /** virtio-blk disks, in guest order (vda, vdb, …). */
  disks: DiskArg[];
  /** The config drive ISO, attached as an IDE cdrom as Nova does on the pc machine type. */
  configDrive: string | null;
  nics: Array<{ tap: string; mac: string }>;
  console: string;
  qmp: string;
  vnc: { path: string } | { host: string; display: number };
  pidfile: string;
  /** Start paused, waiting for the saved state in this file (resume from suspend). */
  incomingState: string | null;
}

/** Commas in option values are doubled (QEMU's escaping), so no path can inject an option. */
const esc = (v: string) => v.replaceAll(',', ',,');

/**
 * QEMU ids of a NIC: from its port (the tap is nbt-<port id prefix>), so a NIC plugged at boot and
 * one hot-plugged later are found by the same ids when they are unplugged.
 */
export function nicIds(tap: string, index = 0): { netdev: string; device: string } {
  const m = /^nbt-([0-9a-zA-Z-]{1,11})$/.exec(tap);
  return m ? { netdev: `net-${m[1]}`, device: `nic-${m[1]}` } : { netdev: `net${index}`, device: `nic${index}` };
}

export function qemuArgv(p: LaunchPlan): string[] {
  const argv = [
    'qemu-system-x86_64',
    // The uuid in the name and -uuid lets us recognise this process by /proc/<pid>/cmdline.
    '-name', `guest=${esc(p.name || p.uuid)},debug-threads=on`,
    '-uuid', p.uuid,
    '-machine', 'pc',
    '-accel', p.accel,
    '-m', String(p.memoryMb),
    '-smp', String(p.vcpus),
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    '-vga', 'std',
    '-vnc', 'path' in p.vnc ? `unix:${esc(p.vnc.path)}` : `${p.vnc.host}:${p.vnc.display}`,
    // append=on: a reboot (a new QEMU) keeps adding to the same log, as `console log show` expects.
    '-chardev', `file,id=serial0,path=${esc(p.console)},append=on`,
    '-device', 'isa-serial,chardev=serial0',
    '-qmp', `unix:${esc(p.qmp)},server=on,wait=off`,
    '-daemonize',
    '-pidfile', p.pidfile,
  ];
  if (p.kernel) {
    argv.push('-kernel', p.kernel, '-append', p.cmdline ?? 'console=ttyS0');
    if (p.initrd) argv.push('-initrd', p.initrd);
  }
  p.disks.forEach((d, i) => {
    const boot = i === 0 && !p.kernel ? ',bootindex=1' : '';
    if ('nodes' in d) {
      // JSON: nested options (an NBD server, RBD monitors) have no flat key=value spelling.
      for (const node of d.nodes) argv.push('-blockdev', JSON.stringify(node));
      const addr = d.device.addr ? `,bus=pci.0,addr=${esc(d.device.addr)}` : '';
      argv.push('-device', `virtio-blk-pci,drive=${esc(d.device.drive)},id=${esc(d.device.id)},serial=${esc(d.device.serial)}${addr}${boot}`);
      return;
    }
    argv.push(
      '-blockdev', `driver=file,filename=${esc(d.file)},node-name=file${i}${d.readOnly ? ',read-only=on' : ''}`,
      '-blockdev', `driver=${d.format},file=file${i},node-name=disk${i}${d.readOnly ? ',read-only=on' : ''}`,
      '-device', `virtio-blk-pci,drive=disk${i},id=virtio-disk${i}${boot}`,
    );
  });
  if (p.configDrive) {
    argv.push(
      '-blockdev', `driver=file,filename=${esc(p.configDrive)},node-name=cdfile,read-only=on`,
      '-blockdev', 'driver=raw,file=cdfile,node-name=configdrive,read-only=on',
      '-device', 'ide-cd,drive=configdrive,bus=ide.1,unit=0,id=config-drive',
    );
  }
  p.nics.forEach(({ tap, mac }, i) => {
    const id = nicIds(tap, i);
    // romfile= : no PXE option ROM (nothing boots from the network, and ipxe-qemu need not exist).
    argv.push('-netdev', `tap,id=${id.netdev},ifname=${esc(tap)},script=no,downscript=no`,
      '-device', `virtio-net-pci,netdev=${id.netdev},mac=${esc(mac)},id=${id.device},romfile=`);
  });
  // exec: runs through /bin/sh; the path is ours (state dir + uuid) and single-quoted anyway.
  if (p.incomingState) argv.push('-incoming', `exec:cat '${p.incomingState.replaceAll("'", `'\\''`)}'`);
  return argv;
}
