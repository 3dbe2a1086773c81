// The QEMU process of a guest, known only by its pidfile: QEMU daemonizes, so it is never our
// child and outlives agent restarts. A pid is trusted only while /proc/<pid>/cmdline still names
// the guest's uuid, so a recycled pid is never signalled.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function readPid(pidfile: string): number | null {
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

/** True if `pid` is a live (not zombie) QEMU whose command line contains `uuid`. */
export function isGuestProcess(pid: number, uuid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.includes('qemu-system')) && argv.some((a) => a.includes(uuid));
  } catch {
    return false;
  }
}

/** The guest's live QEMU pid, or null if it is not running. */
export function livePid(pidfile: string, uuid: string): number | null {
  const pid = readPid(pidfile);
  return pid !== null && isGuestProcess(pid, uuid) ? pid : null;
}

/** Polls until the process is gone; true if it went within `timeoutMs`. */
export async function waitForExit(pid: number, uuid: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isGuestProcess(pid, uuid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGKILLs the guest's QEMU (after checking it is still that guest's) and waits for it to go. */
export async function killGuest(pid: number, uuid: string): Promise<void> {
  if (!isGuestProcess(pid, uuid)) return;
  try { process.kill(pid, 'SIGKILL'); } catch { return; }
  if (!await waitForExit(pid, uuid, 10_000)) throw new Error(`QEMU pid ${pid} of ${uuid} survived SIGKILL`);
}
