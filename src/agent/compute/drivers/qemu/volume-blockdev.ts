// A volume as QEMU block nodes: a protocol node that reaches the data (a local file, an NBD export,
// a Ceph image) and a format node on top that the virtio-blk device uses. The same options serve
// `-blockdev` at boot (as JSON) and QMP `blockdev-add` when hot-plugging, so a volume looks the same
// to the guest however it got there.
import type { VolumeConnection } from '../../../storage/backend.js';

/** QEMU ids of one volume, all derived from its id so boot-time and hot-plugged volumes match. */
export interface VolumeIds {
  /** Protocol node (file / nbd / rbd). */
  protocolNode: string;
  /** Format node (qcow2 or raw); the device's `drive` and the node `block_resize` grows. */
  formatNode: string;
  /** The virtio-blk device id (`vol-<first 11 of the id>`). */
  device: string;
  /** The disk's serial: the guest's /dev/disk/by-id/virtio-<serial>, as Nova sets it. */
  serial: string;
}

export function volumeIds(volumeId: string): VolumeIds {
  // Node names and device ids allow letters, digits, '-', '_' and '.'; a UUID prefix is safe, anything
  // else is refused here rather than by QEMU with a vaguer message.
  if (!/^[0-9A-Za-z][0-9A-Za-z-]*$/.test(volumeId)) throw new Error(`"${volumeId}" is not a volume id`);
  const short = volumeId.slice(0, 11);
  return { protocolNode: `volp-${short}`, formatNode: `volf-${short}`, device: `vol-${short}`, serial: volumeId.slice(0, 20) };
}

/** One `blockdev-add` argument object (BlockdevOptions in QEMU's schema). */
export type BlockdevOptions = Record<string, unknown> & { driver: string; 'node-name': string };

/** The protocol node's options for a connection. */
function protocolNode(conn: VolumeConnection, nodeName: string): BlockdevOptions {
  switch (conn.driver_volume_type) {
    case 'file':
      return { driver: 'file', 'node-name': nodeName, filename: conn.data.path };
    case 'nbd': {
      const d = conn.data;
      const server = 'path' in d ? { type: 'unix', path: d.path } : { type: 'inet', host: d.host, port: String(d.port) };
      return { driver: 'nbd', 'node-name': nodeName, server, export: d.export };
    }
    case 'rbd': {
      const d = conn.data;
      const opts: BlockdevOptions = { driver: 'rbd', 'node-name': nodeName, pool: d.pool, image: d.name };
      if (d.auth_username) opts.user = d.auth_username;
      // Without monitors QEMU reads them from /etc/ceph/ceph.conf.
      if (d.hosts.length) opts.server = d.hosts.map((host, i) => ({ host, port: String(d.ports[i] ?? '6789') }));
      return opts;
    }
    default: {
      const never: never = conn;
      throw new Error(`unsupported volume connection ${(never as { driver_volume_type: string }).driver_volume_type}`);
    }
  }
}

/**
 * The two nodes of a volume, protocol first (the order to add them; delete in reverse). Only a
 * `file` volume can be qcow2: an NBD export and an RBD image already present raw guest data.
 */
export function volumeBlockdevs(volumeId: string, conn: VolumeConnection, readOnly: boolean): [BlockdevOptions, BlockdevOptions] {
  const ids = volumeIds(volumeId);
  const ro = readOnly ? { 'read-only': true } : {};
  const format = conn.driver_volume_type === 'file' ? conn.data.format : 'raw';
  if (format !== 'qcow2' && format !== 'raw') throw new Error(`unsupported volume format ${String(format)}`);
  return [
    { ...protocolNode(conn, ids.protocolNode), ...ro },
    { driver: format, 'node-name': ids.formatNode, file: ids.protocolNode, ...ro },
  ];
}

/** The virtio-blk device's properties (for `device_add`; argv writes the same as `-device`). */
export function volumeDevice(volumeId: string): { driver: 'virtio-blk-pci'; id: string; drive: string; serial: string } {
  const ids = volumeIds(volumeId);
  return { driver: 'virtio-blk-pci', id: ids.device, drive: ids.formatNode, serial: ids.serial };
}

/**
 * PCI slots kept for volumes on the root bus (pci.0). A volume keeps its slot from attach to
 * detach, at boot and when hot-plugged alike: resuming a suspended guest needs every device where
 * it was when the state was saved, and QEMU's own slot choice depends on plug order. Local disks,
 * NICs and VGA take the low slots QEMU picks for them.
 */
export const VOLUME_SLOTS = { first: 0x10, last: 0x1f } as const;

/** A slot for each volume: the one it has in `known` if still valid, else the lowest free one. */
export function assignVolumeSlots(volumeIds: readonly string[], known: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  const used = new Set<number>();
  for (const id of volumeIds) {
    const slot = known[id];
    if (slot !== undefined && slot >= VOLUME_SLOTS.first && slot <= VOLUME_SLOTS.last && !used.has(slot)) { out[id] = slot; used.add(slot); }
  }
  for (const id of volumeIds) {
    if (out[id] !== undefined) continue;
    let slot: number = VOLUME_SLOTS.first;
    while (used.has(slot)) slot++;
    if (slot > VOLUME_SLOTS.last) throw new Error(`a guest takes at most ${VOLUME_SLOTS.last - VOLUME_SLOTS.first + 1} volumes`);
    out[id] = slot;
    used.add(slot);
  }
  return out;
}

/** QEMU's spelling of a slot on pci.0 (`addr=0x10`). */
export const pciAddr = (slot: number) => `0x${slot.toString(16)}`;
