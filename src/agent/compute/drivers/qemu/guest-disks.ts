// A guest's disks from its spec: the root overlay on the cached image, blank ephemeral and swap
// disks, the config drive; and the LaunchPlan that attaches them in guest order.
import { existsSync, renameSync, rmSync } from 'node:fs';
import type { GuestSpec, GuestVolume } from '../../driver.js';
import type { DiskArg, LaunchPlan, VolumeDiskArg } from './argv.js';
import { buildConfigDrive } from './config-drive.js';
import { createBlank, createOverlay, GIB } from './disks.js';
import type { GuestPaths, GuestRecord } from './guest-files.js';
import type { ImageCache } from './image-cache.js';
import type { Revert } from '../../../../platform/revert.js';
import { assignVolumeSlots, pciAddr, volumeBlockdevs, volumeDevice } from './volume-blockdev.js';

/**
 * Writes a fresh root disk to `paths.disk` (through a temporary name, so a failure leaves the old
 * one). Without a root image (kernel style with no disk image) it is blank, or absent at 0 GB.
 */
export async function createRootDisk(cache: ImageCache, spec: GuestSpec, paths: GuestPaths): Promise<void> {
  const tmp = `${paths.disk}.new`;
  rmSync(tmp, { force: true });
  try {
    if (spec.image) {
      const base = await cache.fetch(spec.image, spec.authToken);
      await createOverlay(base, tmp, spec.rootGb * GIB);
    } else if (spec.rootGb > 0) {
      await createBlank(tmp, spec.rootGb * GIB);
    } else {
      rmSync(paths.disk, { force: true });
      return;
    }
    renameSync(tmp, paths.disk);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Every disk of a new guest; each file created is registered on `r` for removal on failure. */
export async function createGuestDisks(cache: ImageCache, spec: GuestSpec, paths: GuestPaths, r: Revert): Promise<void> {
  r.add(() => rmSync(paths.disk, { force: true }));
  await createRootDisk(cache, spec, paths);
  if (spec.ephemeralGb > 0) {
    r.add(() => rmSync(paths.ephemeral, { force: true }));
    await createBlank(paths.ephemeral, spec.ephemeralGb * GIB);
  }
  if (spec.swapMb > 0) {
    r.add(() => rmSync(paths.swap, { force: true }));
    await createBlank(paths.swap, spec.swapMb * 1024 * 1024);
  }
  await writeConfigDrive(spec, paths);
  r.add(() => rmSync(paths.configDrive, { force: true }));
  // Kernel and ramdisk are read straight from the cache; fetching them now fails early.
  await bootFiles(cache, spec);
}

/** (Re)writes the config drive, or removes a stale one if the spec has none. */
export async function writeConfigDrive(spec: GuestSpec, paths: GuestPaths): Promise<void> {
  rmSync(paths.configDrive, { force: true });
  if (spec.configDrive) await buildConfigDrive(spec.configDrive, paths.configDrive);
}

/** The cached kernel and ramdisk of a direct-kernel-boot guest (downloaded if the cache lost them). */
export async function bootFiles(cache: ImageCache, spec: GuestSpec): Promise<{ kernel: string | null; initrd: string | null }> {
  const kernel = spec.kernel ? (await cache.fetch(spec.kernel, spec.authToken)).path : null;
  const initrd = spec.ramdisk ? (await cache.fetch(spec.ramdisk, spec.authToken)).path : null;
  return { kernel, initrd };
}

export interface PlanInputs {
  record: GuestRecord;
  paths: GuestPaths;
  accel: 'tcg' | 'kvm';
  kernel: string | null;
  initrd: string | null;
  incoming: boolean;
}

export function launchPlan({ record, paths, accel, kernel, initrd, incoming }: PlanInputs): LaunchPlan {
  const { spec } = record;
  const disks: DiskArg[] = [];
  const rescue = record.mode === 'rescue';
  const volumes = spec.volumes ?? [];
  // A boot volume stands in for the local root disk (boot from volume has none): first disk, the
  // one the firmware boots. Next to a local root disk it is just another volume.
  const localRoot = existsSync(paths.disk);
  const bootVolume = localRoot ? undefined : volumes.find((v) => v.bootIndex === 0);
  const slots = assignVolumeSlots(volumes.map((v) => v.volumeId), record.volumeSlots ?? {});
  // Rescue boots the rescue image from its own bootloader, the guest's root disk second.
  if (rescue) disks.push({ file: paths.rescueDisk, format: 'qcow2' });
  if (bootVolume) disks.push(volumeDisk(bootVolume, slots[bootVolume.volumeId]));
  if (localRoot) disks.push({ file: paths.disk, format: 'qcow2' });
  if (existsSync(paths.ephemeral)) disks.push({ file: paths.ephemeral, format: 'qcow2' });
  if (existsSync(paths.swap)) disks.push({ file: paths.swap, format: 'qcow2' });
  for (const v of volumes) if (v !== bootVolume) disks.push(volumeDisk(v, slots[v.volumeId]));
  return {
    uuid: spec.uuid,
    name: spec.name,
    accel,
    vcpus: spec.vcpus,
    memoryMb: spec.memoryMb,
    kernel: rescue ? null : kernel,
    initrd: rescue ? null : initrd,
    cmdline: spec.cmdline,
    disks,
    configDrive: existsSync(paths.configDrive) ? paths.configDrive : null,
    nics: spec.nics.map(({ tap, mac }) => ({ tap, mac })),
    console: paths.console,
    qmp: paths.qmp,
    vnc: { path: paths.vnc },
    pidfile: paths.pidfile,
    incomingState: incoming ? paths.suspendState : null,
  };
}

/** A volume as a LaunchPlan disk: the same nodes and device a hot-plug would add. */
export function volumeDisk(v: GuestVolume, slot?: number): VolumeDiskArg {
  const { id, drive, serial } = volumeDevice(v.volumeId);
  return { nodes: volumeBlockdevs(v.volumeId, v.connection, v.readOnly), device: { id, drive, serial, ...(slot === undefined ? {} : { addr: pciAddr(slot) }) } };
}
