// Plugging, unplugging and growing a volume on a running QEMU over QMP: blockdev-add of its nodes
// then device_add of a virtio-blk disk; device_del, wait for the guest to let go, blockdev-del.
// Ids come from the volume id (volume-blockdev.ts), so boot-time and hot-plugged volumes are
// handled alike and a retried call finds what an earlier one did.
import type { GuestVolume } from '../../driver.js';
import * as qmp from './qmp/commands.js';
import { QmpCommandError, type QmpWire } from './qmp/wire.js';
import { pciAddr, volumeBlockdevs, volumeDevice, volumeIds } from './volume-blockdev.js';

/** QEMU's answer when the object is already there / already gone: the step is then a no-op. */
const already = (err: unknown, re: RegExp) => err instanceof QmpCommandError && re.test(err.message);
const DUPLICATE = /Duplicate/i;
const MISSING = /not found|DeviceNotFound|Failed to find node/i;

/** Drops block nodes, newest first; a node already gone is fine. */
async function dropNodes(m: QmpWire, nodeNames: string[]): Promise<void> {
  for (const name of nodeNames) {
    try {
      await qmp.blockdevDel(m, name);
    } catch (err) {
      if (!already(err, MISSING)) throw err;
    }
  }
}

/**
 * Adds the volume's nodes and its virtio-blk device (in PCI slot `slot` of pci.0, if given); on
 * failure removes the nodes it added.
 */
export async function plugVolume(m: QmpWire, volume: GuestVolume, slot?: number): Promise<void> {
  const nodes = volumeBlockdevs(volume.volumeId, volume.connection, volume.readOnly);
  const dev = volumeDevice(volume.volumeId);
  const added: string[] = [];
  try {
    for (const node of nodes) {
      try {
        await qmp.blockdevAdd(m, node);
        added.unshift(node['node-name']);
      } catch (err) {
        // A retry after a plug that got this far: the node is there already.
        if (!already(err, DUPLICATE)) throw err;
      }
    }
    try {
      await qmp.deviceAddVirtioBlk(m, dev.id, dev.drive, dev.serial, slot === undefined ? undefined : pciAddr(slot));
    } catch (err) {
      if (already(err, /Duplicate/i)) return;
      throw err;
    }
  } catch (err) {
    await dropNodes(m, added).catch(() => undefined); // nothing half-plugged stays behind
    throw err;
  }
}

/** Resolves when QEMU reports DEVICE_DELETED for `device`; rejects after `timeoutMs`. */
function deviceDeleted(m: QmpWire, device: string, timeoutMs: number): { done: Promise<void>; cancel(): void } {
  let stop = () => undefined as unknown;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => { stop(); reject(new Error(`the guest did not release volume device ${device} within ${timeoutMs} ms`)); }, timeoutMs);
    // virtio-blk-pci also reports its inner virtio-backend (no `device` field): wait for the device itself.
    stop = m.onEvent((e) => {
      if (e.event === 'DEVICE_DELETED' && e.data?.device === device) { clearTimeout(timer); stop(); resolve(); }
    });
    void m.closed.then(() => { clearTimeout(timer); reject(new Error('QMP connection closed while unplugging a volume')); });
  });
  done.catch(() => undefined);
  return { done, cancel: () => { clearTimeout(timer); stop(); } };
}

/**
 * Asks the guest to release the disk, waits for DEVICE_DELETED of it, then drops its nodes. A guest
 * that never lets go fails the call after `timeoutMs`, with the disk still plugged.
 */
export async function unplugVolume(m: QmpWire, volumeId: string, timeoutMs = 30_000): Promise<void> {
  const ids = volumeIds(volumeId);
  const wait = deviceDeleted(m, ids.device, timeoutMs);
  try {
    await qmp.deviceDel(m, ids.device);
    await wait.done;
  } catch (err) {
    wait.cancel();
    if (!already(err, MISSING)) throw err;
  }
  await dropNodes(m, [ids.formatNode, ids.protocolNode]);
}

/** Grows the volume's format node (and so its file or image) to `sizeBytes`; the guest sees it. */
export async function resizeVolume(m: QmpWire, volumeId: string, sizeBytes: number): Promise<void> {
  const { formatNode } = volumeIds(volumeId);
  const node = (await qmp.queryNamedBlockNodes(m)).find((n) => n['node-name'] === formatNode);
  if (!node) throw new Error(`volume ${volumeId} is not plugged into this guest`);
  const current = node.image['virtual-size'];
  // block_resize would shrink a qcow2 too, cutting the guest's data: growing only.
  if (sizeBytes < current) throw new Error(`cannot shrink volume ${volumeId} from ${current} to ${sizeBytes} bytes`);
  if (sizeBytes > current) await qmp.blockResize(m, formatNode, sizeBytes);
}
