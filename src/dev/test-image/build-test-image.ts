import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kernelDeb, unpackKernel } from './kernel-package.js';
import { buildInitramfs } from './initramfs.js';
import { buildDiskImage } from './disk-image.js';

export const TEST_IMAGE_FILES = {
  kernel: 'nubis-test-vmlinuz',
  ramdisk: 'nubis-test-initrd.img',
  disk: 'nubis-test-disk.qcow2',
  manifest: 'nubis-test-image.json',
} as const;

/** Kernel command line baked into the whole-disk image; also what to pass with the aki/ari pair. */
export const TEST_IMAGE_CMDLINE = 'console=tty0 console=ttyS0 panic=5';

export interface TestImage {
  dir: string;
  kernelPackage: string;
  kernelRelease: string;
  /** Absolute paths. */
  kernel: string;
  ramdisk: string;
  disk: string;
  cmdline: string;
}

/**
 * Builds the test guest into outDir: the aki/ari pair and the whole-disk qcow2. The Debian kernel
 * package is cached in outDir/cache, so only the first build downloads.
 */
export async function buildTestImage(outDir: string): Promise<TestImage> {
  const dir = resolve(outDir);
  const cache = join(dir, 'cache');
  mkdirSync(cache, { recursive: true });
  const { deb, package: pkg } = await kernelDeb(cache);
  const kernel = await unpackKernel(cache, deb, pkg);

  const work = mkdtempSync(join(dir, '.build-'));
  try {
    const image: TestImage = {
      dir,
      kernelPackage: pkg,
      kernelRelease: kernel.release,
      kernel: join(dir, TEST_IMAGE_FILES.kernel),
      ramdisk: join(dir, TEST_IMAGE_FILES.ramdisk),
      disk: join(dir, TEST_IMAGE_FILES.disk),
      cmdline: TEST_IMAGE_CMDLINE,
    };
    await buildInitramfs(kernel, work, image.ramdisk);
    copyFileSync(kernel.vmlinuz, join(work, 'vmlinuz'));
    renameSync(join(work, 'vmlinuz'), image.kernel);
    await buildDiskImage({ vmlinuz: kernel.vmlinuz, initrd: image.ramdisk, cmdline: image.cmdline, workDir: work, out: image.disk });
    writeFileSync(join(dir, TEST_IMAGE_FILES.manifest), JSON.stringify(image, null, 2) + '\n');
    return image;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
