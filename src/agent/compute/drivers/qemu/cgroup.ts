// Optional CPU limit per guest through cgroup v2: <root>/nubis/nb-<uuid> with cpu.max set to the
// guest's vCPU count. Best effort by design: on cgroup v1 hosts, in containers with a read-only
// /sys/fs/cgroup, or without the cpu controller, guests simply run unlimited (-smp still bounds
// their vCPU threads).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

function usable(root: string): boolean {
  try {
    return readFileSync(join(root, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu');
  } catch {
    return false; // cgroup v1 or no cgroup filesystem
  }
}

function enableCpu(dir: string): void {
  const ctl = join(dir, 'cgroup.subtree_control');
  if (!readFileSync(ctl, 'utf8').split(/\s+/).includes('cpu')) writeFileSync(ctl, '+cpu');
}

/** Moves the QEMU process into its own cgroup limited to `vcpus` CPUs; false if that was not possible. */
export function limitGuestCpu(uuid: string, pid: number, vcpus: number, root = ROOT): boolean {
  if (!usable(root)) return false;
  try {
    const parent = join(root, 'nubis');
    enableCpu(root);
    mkdirSync(parent, { recursive: true });
    enableCpu(parent);
    const dir = join(parent, `nb-${uuid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpu.max'), `${vcpus * 100_000} 100000`);
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    return true;
  } catch {
    return false;
  }
}

/** Removes the guest's cgroup once its process is gone (a cgroup with members cannot be removed). */
export function removeGuestCgroup(uuid: string, root = ROOT): void {
  const dir = join(root, 'nubis', `nb-${uuid}`);
  try { if (existsSync(dir)) rmdirSync(dir); } catch { /* still has members, or not ours to remove */ }
}
