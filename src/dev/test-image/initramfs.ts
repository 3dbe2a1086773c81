import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../platform/run.js';
import type { GuestKernel } from './kernel-package.js';

const BUSYBOX = '/bin/busybox'; // from busybox-static: the initramfs has no libc

/** init.sh lives in the source tree (tsc does not copy it); find it from the package root. */
export function initScriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'nubis') {
      return join(dir, 'src', 'dev', 'test-image', 'init.sh');
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the nubis package root (for src/dev/test-image/init.sh)');
    dir = up;
  }
}

/** Writes a gzip'd newc cpio with busybox, /init and the guest modules to `out` (atomically). */
export async function buildInitramfs(kernel: GuestKernel, workDir: string, out: string): Promise<void> {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} missing: install busybox-static (scripts/install-deps.sh)`);
  const root = join(workDir, 'initramfs');
  for (const d of ['bin', 'lib/modules', 'dev', 'proc', 'sys', 'etc', 'tmp', 'run']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  copyFileSync(initScriptPath(), join(root, 'init'));
  chmodSync(join(root, 'init'), 0o755);
  for (const f of readdirSync(kernel.modulesDir)) copyFileSync(join(kernel.modulesDir, f), join(root, 'lib', 'modules', f));

  const tmp = `${out}.tmp-${process.pid}`;
  // Owned by root inside the image whoever builds it; the kernel unpacks it as-is.
  await run('bash', ['-c', 'set -o pipefail; cd "$1" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -6 > "$2"', 'bash', root, tmp]);
  renameSync(tmp, out);
}
