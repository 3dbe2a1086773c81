// Where one guest's files live on the host: <stateDir>/instances/<uuid>/. The directory is the
// guest: observe() lists these directories, destroy() removes one, and spec.json lets the driver
// start QEMU again for calls that pass only the uuid.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuestSpec } from '../../driver.js';
import { assignVolumeSlots } from './volume-blockdev.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every path is built from the uuid, so a malformed one must never reach the filesystem. */
export function assertUuid(uuid: string): void {
  if (!UUID.test(uuid)) throw new Error(`"${uuid}" is not an instance uuid`);
}

export interface GuestPaths {
  dir: string;
  /** The root disk: a qcow2 overlay on the _base image. */
  disk: string;
  /** The root disk as it was before a resize, kept until confirm or revert. */
  resizeBackup: string;
  /** The rescue image's overlay while the guest is rescued. */
  rescueDisk: string;
  ephemeral: string;
  swap: string;
  configDrive: string;
  console: string;
  qmp: string;
  vnc: string;
  pidfile: string;
  /** GuestRecord: the spec without its token and config drive content, and the boot mode. */
  spec: string;
  /** The guest's RAM and device state while suspended. */
  suspendState: string;
}

export function guestPaths(stateDir: string, uuid: string): GuestPaths {
  assertUuid(uuid);
  const dir = join(stateDir, 'instances', uuid);
  const p = (name: string) => join(dir, name);
  const paths: GuestPaths = {
    dir, disk: p('disk.qcow2'), resizeBackup: p('disk.qcow2.resize-backup'), rescueDisk: p('rescue.qcow2'),
    ephemeral: p('disk.eph0'), swap: p('disk.swap'), configDrive: p('config-drive.iso'),
    console: p('console.log'), qmp: p('qmp.sock'), vnc: p('vnc.sock'), pidfile: p('qemu.pid'),
    spec: p('spec.json'), suspendState: p('suspend.state'),
  };
  // sun_path holds 107 bytes; a longer socket path fails inside QEMU with a vaguer message.
  if (Buffer.byteLength(paths.vnc) > 107) throw new Error(`state dir too deep for Unix sockets: ${paths.vnc}`);
  return paths;
}

/** What the driver remembers about a guest between calls (and across agent restarts). */
export interface GuestRecord {
  spec: Omit<GuestSpec, 'authToken' | 'configDrive'>;
  /** `rescue`: boot the rescue disk first, the root disk second. */
  mode: 'normal' | 'rescue';
  /** Each attached volume's PCI slot (volume id → slot), kept from attach to detach. */
  volumeSlots?: Record<string, number>;
}

export function writeRecord(paths: GuestPaths, spec: GuestSpec, mode: GuestRecord['mode']): GuestRecord {
  // The token is the user's and short-lived: it has no business on disk.
  const { authToken: _token, configDrive: _drive, ...rest } = spec;
  const volumes = rest.volumes ?? [];
  // A volume attached before keeps its slot (the guest may be resumed from a saved state).
  const known = readRecord(paths)?.volumeSlots ?? {};
  const volumeSlots = assignVolumeSlots(volumes.map((v) => v.volumeId), known);
  return saveRecord(paths, { spec: { ...rest, volumes }, mode, volumeSlots });
}

export function saveRecord(paths: GuestPaths, record: GuestRecord): GuestRecord {
  const tmp = `${paths.spec}.tmp`;
  writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
  renameSync(tmp, paths.spec);
  return record;
}

export function readRecord(paths: GuestPaths): GuestRecord | null {
  if (!existsSync(paths.spec)) return null;
  const record = JSON.parse(readFileSync(paths.spec, 'utf8')) as GuestRecord;
  // Guests recorded before block storage existed have no `volumes`.
  return { ...record, spec: { ...record.spec, volumes: record.spec.volumes ?? [] } };
}
