// Starting and stopping one guest's QEMU, on typed QMP commands only. The runner knows processes,
// sockets and files; which disks to attach is decided by the caller's LaunchPlan.
import { existsSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { qemuArgv, type LaunchPlan } from './argv.js';
import { limitGuestCpu, removeGuestCgroup } from './cgroup.js';
import { exec } from './exec.js';
import type { GuestPaths } from './guest-files.js';
import { killGuest, livePid, waitForExit } from './guest-process.js';
import * as qmp from './qmp/commands.js';
import type { MonitorPool } from './qmp/monitor.js';
import type { QmpWire } from './qmp/wire.js';

export class GuestRunner {
  constructor(private readonly monitors: MonitorPool) {}

  pid(paths: GuestPaths, uuid: string): number | null {
    return livePid(paths.pidfile, uuid);
  }

  monitor(paths: GuestPaths): Promise<QmpWire> {
    return this.monitors.get(paths.qmp);
  }

  /** Starts QEMU for `plan` and returns once the guest runs (after restoring its state, if incoming). */
  async start(paths: GuestPaths, plan: LaunchPlan): Promise<void> {
    this.monitors.drop(paths.qmp);
    rmSync(paths.pidfile, { force: true });
    const [cmd, ...args] = qemuArgv(plan);
    // -daemonize: QEMU returns once the machine is built (or fails with its reason on stderr),
    // and the guest then outlives this agent.
    await exec(cmd!, args);
    const pid = this.pid(paths, plan.uuid);
    if (pid !== null) limitGuestCpu(plan.uuid, pid, plan.vcpus);
    try {
      const m = await this.monitor(paths);
      if (plan.incomingState) await this.finishIncoming(m);
    } catch (e) {
      await this.hardStop(paths, plan.uuid);
      throw e;
    }
  }

  /** ACPI power button, then a hard stop after `timeoutSec`; resolves at once if not running. */
  async powerDown(paths: GuestPaths, uuid: string, timeoutSec: number): Promise<'clean' | 'forced' | 'not-running'> {
    const pid = this.pid(paths, uuid);
    if (pid === null) return 'not-running';
    try {
      const m = await this.monitor(paths);
      // A paused guest cannot see the button: waiting for it would only burn the timeout.
      if ((await qmp.queryStatus(m)).running) {
        await qmp.systemPowerdown(m);
        if (await waitForExit(pid, uuid, timeoutSec * 1000)) { this.monitors.drop(paths.qmp); removeGuestCgroup(uuid); return 'clean'; }
      }
    } catch { /* no monitor: fall through to the hard stop */ }
    await this.hardStop(paths, uuid);
    return 'forced';
  }

  /** Stops QEMU at once: QMP quit, then SIGKILL by pid. Resolves if it is not running. */
  async hardStop(paths: GuestPaths, uuid: string): Promise<void> {
    const pid = this.pid(paths, uuid);
    if (pid !== null) await this.quitOrKill(paths, uuid, pid);
    this.monitors.drop(paths.qmp);
    removeGuestCgroup(uuid);
  }

  private async quitOrKill(paths: GuestPaths, uuid: string, pid: number): Promise<void> {
    try {
      await qmp.quit(await this.monitor(paths));
      if (await waitForExit(pid, uuid, 5000)) return;
    } catch { /* no monitor: kill it */ }
    await killGuest(pid, uuid);
  }

  /** Saves RAM and device state into `paths.suspendState`, then stops QEMU. */
  async saveState(paths: GuestPaths, uuid: string): Promise<void> {
    const m = await this.monitor(paths);
    const wasRunning = (await qmp.queryStatus(m)).running;
    if (wasRunning) await qmp.stop(m);
    const part = `${paths.suspendState}.part`;
    rmSync(part, { force: true });
    rmSync(paths.suspendState, { force: true });
    try {
      // QEMU 7.2 has no file: migration; the mv runs only after cat wrote everything, so the
      // state file exists only when complete.
      const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
      await qmp.migrate(m, `exec:cat > ${q(part)} && mv ${q(part)} ${q(paths.suspendState)}`);
      for (;;) {
        const info = await qmp.queryMigrate(m);
        if (info.status === 'completed') break;
        if (info.status === 'failed' || info.status === 'cancelled') throw new Error(`saving the guest's state failed: ${info['error-desc'] ?? info.status}`);
        await sleep(100);
      }
      const deadline = Date.now() + 30_000;
      while (!existsSync(paths.suspendState)) {
        if (Date.now() > deadline) throw new Error('the saved state file did not appear');
        await sleep(50);
      }
    } catch (e) {
      rmSync(part, { force: true });
      if (wasRunning) await qmp.cont(m).catch(() => undefined);
      throw e;
    }
    await this.hardStop(paths, uuid);
  }

  /** After `-incoming`: waits for the state to be loaded, then lets the vCPUs run. */
  private async finishIncoming(m: QmpWire): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const st = await qmp.queryStatus(m);
      if (st.status !== 'inmigrate') break;
      if (Date.now() > deadline) throw new Error('restoring the guest state timed out');
      await sleep(100);
    }
    const info = await qmp.queryMigrate(m);
    if (info.status === 'failed') throw new Error(`restoring the guest state failed: ${info['error-desc'] ?? 'unknown'}`);
    if (!(await qmp.queryStatus(m)).running) await qmp.cont(m);
  }
}
