import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../platform/run.js';
import { GUEST_MODULES } from './modules.js';

/** The kernel and modules the image is built from, unpacked from Debian's linux-image package. */
export interface GuestKernel {
  /** e.g. linux-image-6.1.0-56-amd64 */
  package: string;
  /** e.g. 6.1.0-56-amd64 */
  release: string;
  vmlinuz: string;
  /** Directory of `<module basename>.ko`, plus `order`, the load order. */
  modulesDir: string;
}

const META_PACKAGE = 'linux-image-amd64';

/** The versioned package Debian's linux-image-amd64 metapackage currently depends on. */
async function currentKernelPackage(): Promise<string> {
  const out = await run('apt-cache', ['depends', META_PACKAGE]);
  const m = /Depends:\s*(linux-image-[0-9][\w.+-]*-amd64)\b/.exec(out);
  if (!m) throw new Error(`apt knows no ${META_PACKAGE}; run apt-get update`);
  return m[1]!;
}

function cachedDebs(cacheDir: string, pkg?: string): string[] {
  return readdirSync(cacheDir)
    .filter((f) => f.endsWith('_amd64.deb') && (pkg ? f.startsWith(`${pkg}_`) : f.startsWith('linux-image-')))
    .sort();
}

/**
 * Returns the kernel .deb in cacheDir, downloading it with `apt-get download` when absent. Without
 * a working apt (offline, no lists) the newest cached .deb is used.
 */
export async function kernelDeb(cacheDir: string): Promise<{ deb: string; package: string }> {
  mkdirSync(cacheDir, { recursive: true });
  let pkg: string;
  try {
    pkg = await currentKernelPackage();
  } catch (err) {
    const any = cachedDebs(cacheDir).at(-1);
    if (!any) throw err;
    return { deb: join(cacheDir, any), package: any.split('_')[0]! };
  }
  let found = cachedDebs(cacheDir, pkg).at(-1);
  if (!found) {
    // A private directory, so a concurrent or interrupted download never leaves a partial .deb.
    const tmp = join(cacheDir, `.download-${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    try {
      await run('apt-get', ['download', '-q', pkg], { cwd: tmp });
      const got = readdirSync(tmp).find((f) => f.endsWith('.deb'));
      if (!got) throw new Error(`apt-get download ${pkg} produced no .deb`);
      renameSync(join(tmp, got), join(cacheDir, got));
      found = got;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { deb: join(cacheDir, found), package: pkg };
}

/**
 * Unpacks vmlinuz and GUEST_MODULES from the .deb into cacheDir/<package>/ once; later builds
 * reuse it (dpkg -x of the whole package takes a few seconds).
 */
export async function unpackKernel(cacheDir: string, deb: string, pkg: string): Promise<GuestKernel> {
  const release = pkg.replace(/^linux-image-/, '');
  const dir = join(cacheDir, pkg);
  const kernel: GuestKernel = { package: pkg, release, vmlinuz: join(dir, 'vmlinuz'), modulesDir: join(dir, 'modules') };
  if (existsSync(join(dir, 'complete'))) return kernel;

  const tmp = join(cacheDir, `.unpack-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const root = join(tmp, 'root');
    mkdirSync(tmp, { recursive: true });
    await run('dpkg', ['-x', deb, root]);
    const stage = join(tmp, 'stage');
    mkdirSync(join(stage, 'modules'), { recursive: true });
    copyFileSync(join(root, 'boot', `vmlinuz-${release}`), join(stage, 'vmlinuz'));
    const order: string[] = [];
    for (const rel of GUEST_MODULES) {
      const base = join(root, 'lib', 'modules', release, 'kernel', rel);
      const name = rel.split('/').at(-1)!;
      if (existsSync(`${base}.ko`)) {
        copyFileSync(`${base}.ko`, join(stage, 'modules', `${name}.ko`));
      } else if (existsSync(`${base}.ko.xz`)) {
        // Newer Debian kernels ship compressed modules; busybox insmod wants them plain.
        await run('sh', ['-c', 'xz -d -c "$1" > "$2"', 'sh', `${base}.ko.xz`, join(stage, 'modules', `${name}.ko`)]);
      } else {
        continue; // built into this kernel, or absent: /init skips what it does not find
      }
      order.push(name);
    }
    writeFileSync(join(stage, 'modules', 'order'), order.join('\n') + '\n');
    writeFileSync(join(stage, 'complete'), `${deb}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(stage, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return kernel;
}
