// What the real QEMU driver left on the host, read the way an operator would: the instance
// directories under the state dir and the QEMU processes their pid files name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The QEMU pid of an instance if its process is alive and really that instance's QEMU. */
export function qemuPid(stateDir: string, uuid: string): number | null {
  const pidFile = join(stateDir, 'instances', uuid, 'qemu.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('qemu-system') && cmdline.includes(uuid) ? pid : null;
  } catch {
    return null;
  }
}

export function instanceDirs(stateDir: string): string[] {
  const dir = join(stateDir, 'instances');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Kills (SIGKILL, by pid) every QEMU this state dir's instances run: test cleanup only. */
export function killGuests(stateDir: string): void {
  for (const uuid of instanceDirs(stateDir)) {
    const pid = qemuPid(stateDir, uuid);
    if (pid) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ } }
  }
}
