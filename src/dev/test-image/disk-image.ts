import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../platform/run.js';

const MBR = '/usr/lib/syslinux/mbr/mbr.bin'; // syslinux-common
const MIB = 1024 * 1024;

export interface DiskImageInput {
  vmlinuz: string;
  initrd: string;
  cmdline: string;
  workDir: string;
  /** Where the qcow2 goes (written atomically). */
  out: string;
  /** Virtual size in MiB. */
  sizeMiB?: number;
}

/**
 * A whole-disk bootable qcow2: one bootable ext4 partition at 1 MiB holding the kernel, the
 * initramfs and extlinux, and syslinux's MBR boot code. Needs root (loop device and mount).
 */
export async function buildDiskImage(input: DiskImageInput): Promise<void> {
  const sizeMiB = input.sizeMiB ?? 64;
  const raw = join(input.workDir, 'disk.raw');
  const mnt = join(input.workDir, 'mnt');
  mkdirSync(mnt, { recursive: true });
  await run('truncate', ['-s', `${sizeMiB}M`, raw]);
  await run('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', raw], { input: 'label: dos\nstart=2048, type=83, bootable\n' });

  const loop = (await run('losetup', ['--find', '--show', '--offset', String(MIB), '--sizelimit', String((sizeMiB - 1) * MIB), raw])).trim();
  let mounted = false;
  try {
    // No 64bit feature: extlinux reads ext4, but not every syslinux release handles 64-bit block numbers.
    await run('mkfs.ext4', ['-q', '-F', '-L', 'nubis-boot', '-O', '^64bit', loop]);
    await run('mount', [loop, mnt]);
    mounted = true;
    copyFileSync(input.vmlinuz, join(mnt, 'vmlinuz'));
    copyFileSync(input.initrd, join(mnt, 'initrd.img'));
    writeFileSync(join(mnt, 'extlinux.conf'), [
      'DEFAULT nubis',
      'PROMPT 0',
      'TIMEOUT 0',
      'LABEL nubis',
      '  LINUX /vmlinuz',
      '  INITRD /initrd.img',
      `  APPEND ${input.cmdline}`,
      '',
    ].join('\n'));
    await run('extlinux', ['--install', mnt]);
  } finally {
    // Always undo in reverse order, and detach only the loop device this build created.
    if (mounted) await run('umount', [mnt]).catch(() => run('umount', ['-l', mnt]));
    await run('losetup', ['--detach', loop]);
  }

  // The MBR boot code (first 440 bytes; the partition table after it stays).
  const mbr = readFileSync(MBR);
  const fd = openSync(raw, 'r+');
  try { writeSync(fd, mbr, 0, Math.min(mbr.length, 440), 0); } finally { closeSync(fd); }

  const tmp = `${input.out}.tmp-${process.pid}`;
  try {
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, tmp]);
    renameSync(tmp, input.out);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(raw, { force: true });
  }
}
