// The real compute driver: one daemonized QEMU per guest, driven over QMP, its files under
// <stateDir>/instances/<uuid>/. The process and its files are the truth: nothing is kept in
// memory that a restarted agent could not rebuild from them.
import { closeSync, copyFileSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ComputeDriver, ConsoleAddress, GuestSpec, ImageRef, ObservedGuest, SnapshotTarget } from '../../driver.js';
import { POWER, type PowerState } from '../../../../compute/vm-states.js';
import { createOverlay, flatten, GIB, growImage, growVolumeFile } from './disks.js';
import { guestPaths, readRecord, saveRecord, writeRecord, type GuestPaths, type GuestRecord } from './guest-files.js';
import { bootFiles, createGuestDisks, createRootDisk, launchPlan, writeConfigDrive } from './guest-disks.js';
import { GuestRunner } from './guest-runner.js';
import { upload } from './http-transfer.js';
import { ImageCache } from './image-cache.js';
import { hostInventory } from './inventory.js';
import * as qmp from './qmp/commands.js';
import { MonitorPool } from './qmp/monitor.js';
import { plugNic, unplugNic } from './nic-hotplug.js';
import { plugVolume, resizeVolume, unplugVolume } from './volume-hotplug.js';
import { assignVolumeSlots } from './volume-blockdev.js';
import { Revert } from '../../../../platform/revert.js';
import { KeyedQueue } from '../../../../platform/keyed-queue.js';

export interface QemuDriverOptions {
  /** `<stateDir>/instances/<uuid>/` and `<stateDir>/_base/` live here. */
  stateDir: string;
  host: string;
  accel: 'tcg' | 'kvm';
  reservedHostMemoryMb: number;
  /** ACPI wait before a hard stop when the caller gives no timeout (rebuild, resize, rescue, soft reboot). */
  shutdownTimeoutSec?: number;
}

export interface QemuDriver extends ComputeDriver {
  /** Removes cached images no guest on this host uses any more; returns their ids. */
  cleanImageCache(): string[];
  /** Closes the QMP connections (the guests keep running). */
  close(): void;
}

/** QEMU's RunState → Nova's power_state. */
function powerOf(status: string): PowerState {
  switch (status) {
    case 'running': return POWER.RUNNING;
    case 'paused': case 'inmigrate': case 'prelaunch': case 'finish-migrate': case 'postmigrate': case 'save-vm': case 'restore-vm': return POWER.PAUSED;
    case 'suspended': return POWER.SUSPENDED;
    case 'shutdown': return POWER.SHUTDOWN;
    default: return POWER.CRASHED; // internal-error, io-error, guest-panicked, watchdog
  }
}

export function createQemuDriver(opts: QemuDriverOptions): QemuDriver {
  const monitors = new MonitorPool();
  const runner = new GuestRunner(monitors);
  const cache = new ImageCache(opts.stateDir);
  const instancesDir = join(opts.stateDir, 'instances');
  const graceSec = opts.shutdownTimeoutSec ?? 60;
  /** One operation at a time per guest: a reboot must not interleave with a snapshot's pause. */
  const operations = new KeyedQueue();
  const serial = <T>(uuid: string, work: () => Promise<T>): Promise<T> => operations.run(uuid, work);

  const paths = (uuid: string) => guestPaths(opts.stateDir, uuid);

  function existing(uuid: string): { p: GuestPaths; record: GuestRecord } {
    const p = paths(uuid);
    const record = readRecord(p);
    if (!record) throw new Error(`instance ${uuid} is not on host ${opts.host}`);
    return { p, record };
  }

  async function boot(p: GuestPaths, record: GuestRecord, spec: GuestSpec, incoming = false): Promise<void> {
    const files = await bootFiles(cache, spec);
    await runner.start(p, launchPlan({ record, paths: p, accel: opts.accel, ...files, incoming }));
  }

  async function running(uuid: string) {
    const p = paths(uuid);
    if (runner.pid(p, uuid) === null) throw new Error(`instance ${uuid} is not running`);
    return { p, m: await runner.monitor(p) };
  }

  /** Stops the guest (gracefully first), records the new spec, and boots it if asked. */
  async function restartWith(spec: GuestSpec, mode: GuestRecord['mode'], powerOn: boolean, change: (p: GuestPaths) => Promise<void>): Promise<void> {
    const { p } = existing(spec.uuid);
    await runner.powerDown(p, spec.uuid, graceSec);
    rmSync(p.suspendState, { force: true });
    await change(p);
    const record = writeRecord(p, spec, mode);
    if (powerOn) await boot(p, record, spec);
  }

  const driver: QemuDriver = {
    name: 'qemu',
    capabilities: { vncConsole: true, suspendToDisk: true, rescue: true },

    inventory: () => { mkdirSync(opts.stateDir, { recursive: true }); return hostInventory(opts.stateDir); },

    spawn: (spec, signal) => serial(spec.uuid, () => Revert.run(async (r) => {
      const p = paths(spec.uuid);
      if (existsSync(p.dir)) throw new Error(`instance ${spec.uuid} already exists on host ${opts.host}`);
      mkdirSync(p.dir, { recursive: true });
      r.add(() => rmSync(p.dir, { recursive: true, force: true }));
      signal?.throwIfAborted();
      await createGuestDisks(cache, spec, p, r);
      const record = writeRecord(p, spec, 'normal');
      signal?.throwIfAborted();
      r.add(() => runner.hardStop(p, spec.uuid));
      await boot(p, record, spec);
      signal?.throwIfAborted();
    })),

    destroy: (uuid) => serial(uuid, async () => {
      const p = paths(uuid);
      await runner.hardStop(p, uuid);
      rmSync(p.dir, { recursive: true, force: true });
    }),

    powerOff: (uuid, timeoutSec) => serial(uuid, async () => {
      await runner.powerDown(paths(uuid), uuid, timeoutSec);
    }),

    powerOn: (spec) => serial(spec.uuid, async () => {
      const { p, record } = existing(spec.uuid);
      if (runner.pid(p, spec.uuid) !== null) return;
      // As Nova's power-on (a hard reboot): a fresh boot, any saved state is dropped.
      rmSync(p.suspendState, { force: true });
      await boot(p, writeRecord(p, spec, record.mode), spec);
    }),

    reboot: (spec, hard) => serial(spec.uuid, async () => {
      const { p, record } = existing(spec.uuid);
      if (hard) await runner.hardStop(p, spec.uuid);
      // Soft: as Nova, an ACPI shutdown then a fresh start; a guest that ignores the button is
      // stopped hard after the grace period, which is Nova's fallback to a hard reboot.
      else await runner.powerDown(p, spec.uuid, graceSec);
      rmSync(p.suspendState, { force: true });
      await boot(p, writeRecord(p, spec, record.mode), spec);
    }),

    pause: (uuid) => serial(uuid, async () => { await qmp.stop((await running(uuid)).m); }),
    unpause: (uuid) => serial(uuid, async () => { await qmp.cont((await running(uuid)).m); }),

    suspend: (uuid) => serial(uuid, async () => {
      const { p } = await running(uuid);
      await runner.saveState(p, uuid);
    }),

    resume: (spec) => serial(spec.uuid, async () => {
      const { p, record } = existing(spec.uuid);
      if (runner.pid(p, spec.uuid) !== null) return;
      if (!existsSync(p.suspendState)) throw new Error(`instance ${spec.uuid} has no saved state to resume from`);
      await boot(p, writeRecord(p, spec, record.mode), spec, true);
      rmSync(p.suspendState, { force: true });
    }),

    snapshot: (uuid, target) => serial(uuid, () => snapshot(uuid, target)),

    rebuild: (spec, powerOn) => serial(spec.uuid, () => restartWith(spec, 'normal', powerOn, async (p) => {
      await createRootDisk(cache, spec, p);
      rmSync(p.rescueDisk, { force: true });
      await writeConfigDrive(spec, p);
    })),

    resize: (spec, powerOn) => serial(spec.uuid, async () => {
      const { p, record } = existing(spec.uuid);
      if (existsSync(p.resizeBackup)) throw new Error(`instance ${spec.uuid} has a resize to confirm or revert first`);
      await Revert.run(async (r) => {
        r.add(() => saveRecord(p, record));
        await restartWith(spec, record.mode, powerOn, async () => {
          if (!existsSync(p.disk)) return;
          renameSync(p.disk, p.resizeBackup);
          r.add(() => { rmSync(p.disk, { force: true }); renameSync(p.resizeBackup, p.disk); });
          copyFileSync(p.resizeBackup, p.disk);
          if (spec.rootGb > 0) await growImage(p.disk, spec.rootGb * GIB);
        });
      });
    }),

    confirmResize: (uuid) => serial(uuid, async () => { rmSync(paths(uuid).resizeBackup, { force: true }); }),

    revertResize: (spec, powerOn) => serial(spec.uuid, () => {
      const { record } = existing(spec.uuid);
      return restartWith(spec, record.mode, powerOn, async (p) => {
        if (existsSync(p.resizeBackup)) renameSync(p.resizeBackup, p.disk);
      });
    }),

    rescue: (spec, rescueImage) => serial(spec.uuid, () => rescue(spec, rescueImage)),

    unrescue: (spec) => serial(spec.uuid, () => restartWith(spec, 'normal', true, async (p) => {
      rmSync(p.rescueDisk, { force: true });
    })),

    consoleOutput: async (uuid, lines) => {
      const text = tail(existing(uuid).p.console, 4 * 1024 * 1024);
      if (lines === undefined) return text;
      const all = text.split('\n');
      if (all.at(-1) === '') all.pop();
      return all.slice(-lines).join('\n') + (all.length ? '\n' : '');
    },

    vncAddress: async (uuid): Promise<ConsoleAddress> => {
      const { p } = await running(uuid);
      return { path: p.vnc };
    },

    diagnostics: (uuid) => diagnostics(uuid),

    observe: async () => {
      if (!existsSync(instancesDir)) return [];
      const out: ObservedGuest[] = [];
      for (const uuid of readdirSync(instancesDir)) {
        let p: GuestPaths;
        try { p = paths(uuid); } catch { continue; }
        if (runner.pid(p, uuid) === null) {
          out.push({ uuid, power: existsSync(p.suspendState) ? POWER.SUSPENDED : POWER.SHUTDOWN, attached: false });
          continue;
        }
        try {
          const st = await qmp.queryStatus(await runner.monitor(p));
          out.push({ uuid, power: powerOf(st.status), attached: true });
        } catch {
          // Alive but deaf: the reconciler re-attaches later, it never restarts a running guest.
          out.push({ uuid, power: POWER.NOSTATE, attached: false });
        }
      }
      return out;
    },

    attachInterface: (uuid, nic) => serial(uuid, async () => {
      const { p, record } = existing(uuid);
      if (record.spec.nics.some((n) => n.tap === nic.tap)) return;
      if (runner.pid(p, uuid) !== null) await plugNic(await runner.monitor(p), nic);
      // Recorded after the plug: a failed plug leaves the guest as it was.
      saveRecord(p, { ...record, spec: { ...record.spec, nics: [...record.spec.nics, { tap: nic.tap, mac: nic.mac }] } });
    }),

    detachInterface: (uuid, nic) => serial(uuid, async () => {
      const { p, record } = existing(uuid);
      if (runner.pid(p, uuid) !== null) await unplugNic(await runner.monitor(p), nic);
      saveRecord(p, { ...record, spec: { ...record.spec, nics: record.spec.nics.filter((n) => n.tap !== nic.tap) } });
    }),

    attachVolume: (uuid, volume) => serial(uuid, async () => {
      const { p, record } = existing(uuid);
      if (record.spec.volumes.some((v) => v.volumeId === volume.volumeId)) return;
      const volumes = [...record.spec.volumes, volume];
      const volumeSlots = assignVolumeSlots(volumes.map((v) => v.volumeId), record.volumeSlots ?? {});
      // Stopped: recorded only (a cold attach); the next boot's command line has it.
      if (runner.pid(p, uuid) !== null) await plugVolume(await runner.monitor(p), volume, volumeSlots[volume.volumeId]);
      // Recorded after the plug: a failed plug leaves the guest as it was.
      saveRecord(p, { ...record, spec: { ...record.spec, volumes }, volumeSlots });
    }),

    detachVolume: (uuid, volumeId) => serial(uuid, async () => {
      const { p, record } = existing(uuid);
      if (!record.spec.volumes.some((v) => v.volumeId === volumeId)) return;
      // A guest that does not let go fails the call before the record changes: still attached.
      if (runner.pid(p, uuid) !== null) await unplugVolume(await runner.monitor(p), volumeId);
      const volumes = record.spec.volumes.filter((v) => v.volumeId !== volumeId);
      saveRecord(p, { ...record, spec: { ...record.spec, volumes }, volumeSlots: assignVolumeSlots(volumes.map((v) => v.volumeId), record.volumeSlots ?? {}) });
    }),

    extendVolume: (uuid, volumeId, sizeBytes) => serial(uuid, async () => {
      const { p, record } = existing(uuid);
      const volume = record.spec.volumes.find((v) => v.volumeId === volumeId);
      if (!volume) throw new Error(`volume ${volumeId} is not attached to instance ${uuid}`);
      if (runner.pid(p, uuid) !== null) return resizeVolume(await runner.monitor(p), volumeId, sizeBytes);
      // Stopped: the `file` backend leaves an in-use volume's growing to its hypervisor (backend.ts),
      // and no QEMU holds the file now, so it is grown here. NBD exports and RBD images are grown
      // by their backend.
      const c = volume.connection;
      if (c.driver_volume_type === 'file') await growVolumeFile(c.data.path, c.data.format, sizeBytes);
    }),

    cleanImageCache: () => {
      const inUse = new Set<string>();
      if (existsSync(instancesDir)) {
        for (const uuid of readdirSync(instancesDir)) {
          let rec: GuestRecord | null = null;
          try { rec = readRecord(paths(uuid)); } catch { continue; }
          for (const ref of [rec?.spec.image, rec?.spec.kernel, rec?.spec.ramdisk]) if (ref) inUse.add(ref.id);
        }
      }
      // Overlays name their base by path: a rescue or pre-rebuild overlay may still need one.
      for (const id of existsSync(cache.dir) ? readdirSync(cache.dir) : []) {
        if (overlaysReferencing(instancesDir, join(cache.dir, id))) inUse.add(id);
      }
      return cache.cleanUnused(inUse);
    },

    close: () => monitors.closeAll(),
  };

  async function snapshot(uuid: string, target: SnapshotTarget): Promise<{ size: number }> {
    const { p } = existing(uuid);
    if (!existsSync(p.disk)) throw new Error(`instance ${uuid} has no root disk to snapshot`);
    const pid = runner.pid(p, uuid);
    let resume = false;
    if (pid !== null) {
      // `stop` drains and flushes every block device, so the overlay on disk is consistent
      // while we read it; the guest only loses CPU time.
      const m = await runner.monitor(p);
      if ((await qmp.queryStatus(m)).running) { await qmp.stop(m); resume = true; }
    }
    const tmp = join(p.dir, `.snapshot-${Date.now()}.${target.diskFormat === 'raw' ? 'raw' : 'qcow2'}`);
    try {
      try {
        await flatten(p.disk, 'qcow2', tmp, target.diskFormat === 'raw' ? 'raw' : 'qcow2', pid !== null);
      } finally {
        if (resume) await qmp.cont(await runner.monitor(p));
      }
      return { size: await upload(target.url, target.authToken, tmp, 'application/octet-stream') };
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async function rescue(spec: GuestSpec, rescueImage: ImageRef): Promise<void> {
    const base = await cache.fetch(rescueImage, spec.authToken);
    await restartWith(spec, 'rescue', true, async (p) => {
      rmSync(p.rescueDisk, { force: true });
      await createOverlay(base, p.rescueDisk, 0);
    });
  }

  async function diagnostics(uuid: string): Promise<Record<string, unknown>> {
    const { p, record } = existing(uuid);
    const pid = runner.pid(p, uuid);
    const base = {
      driver: 'qemu', hypervisor: 'qemu', hypervisor_os: 'linux', config_drive: existsSync(p.configDrive),
      num_cpus: record.spec.vcpus, num_nics: record.spec.nics.length,
      nic_details: [] as unknown[],
    };
    if (pid === null) {
      return { ...base, state: existsSync(p.suspendState) ? 'suspended' : 'shutdown', uptime: 0, num_disks: 0,
        memory_details: { maximum: record.spec.memoryMb, used: 0 }, cpu_details: [], disk_details: [] };
    }
    const m = await runner.monitor(p);
    const [st, mem, cpuList, blocks] = await Promise.all([qmp.queryStatus(m), qmp.queryMemorySizeSummary(m), qmp.queryCpusFast(m), qmp.queryBlockstats(m)]);
    const disks = blocks.filter((b) => b.qdev || b.device);
    return {
      ...base,
      state: st.status === 'running' ? 'running' : st.status,
      uptime: processUptime(pid),
      num_cpus: cpuList.length,
      num_disks: disks.length,
      memory_details: { maximum: Math.round(mem['base-memory'] / (1024 * 1024)), used: 0 },
      cpu_details: cpuList.map((c) => ({ id: c['cpu-index'], time: null, utilisation: null })),
      disk_details: disks.map((b) => ({
        read_bytes: b.stats.rd_bytes, read_requests: b.stats.rd_operations,
        write_bytes: b.stats.wr_bytes, write_requests: b.stats.wr_operations,
        errors_count: (b.stats.failed_rd_operations ?? 0) + (b.stats.failed_wr_operations ?? 0),
      })),
    };
  }

  return driver;
}

/** The last `max` bytes of a file (the whole file if smaller); '' if it does not exist. */
function tail(file: string, max: number): string {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch { return ''; }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Seconds since the process started (from /proc/<pid>/stat, in clock ticks since boot). */
function processUptime(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]);
    const sysUptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Math.max(0, Math.round(sysUptime - startTicks / 100));
  } catch {
    return 0;
  }
}

/** True if a qcow2 file of some guest names `base` as its backing file (stored in its header). */
function overlaysReferencing(instancesDir: string, base: string): boolean {
  if (!existsSync(instancesDir)) return false;
  const needle = Buffer.from(base);
  for (const uuid of readdirSync(instancesDir)) {
    const dir = join(instancesDir, uuid);
    let names: string[];
    try { names = readdirSync(dir); } catch { continue; }
    for (const name of names.filter((n) => /\.qcow2(\.|$)/.test(n))) {
      const head = Buffer.alloc(64 * 1024);
      let fd: number;
      try { fd = openSync(join(dir, name), 'r'); } catch { continue; }
      try { readSync(fd, head, 0, head.length, 0); } finally { closeSync(fd); }
      if (head.includes(needle)) return true;
    }
  }
  return false;
}
