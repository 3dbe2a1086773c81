// Plugging and unplugging a guest's NIC on a running QEMU over QMP. The tap exists already (the
// network agent made it when the port was bound); the device is virtio-net-pci as at boot, with
// ids from the port so boot-time and hot-plugged NICs are unplugged alike.
import { nicIds } from './argv.js';
import * as qmp from './qmp/commands.js';
import { QmpCommandError, type QmpWire } from './qmp/wire.js';

export interface Nic { tap: string; mac: string }

/** Errors QEMU gives when the object is already there / already gone: the call is then a no-op. */
const already = (err: unknown, re: RegExp) => err instanceof QmpCommandError && re.test(err.message);

export async function plugNic(m: QmpWire, nic: Nic): Promise<void> {
  const id = nicIds(nic.tap);
  try {
    await qmp.netdevAddTap(m, id.netdev, nic.tap);
  } catch (err) {
    if (!already(err, /Duplicate|already/i)) throw err;
  }
  try {
    await qmp.deviceAddVirtioNet(m, id.device, id.netdev, nic.mac);
  } catch (err) {
    if (already(err, /Duplicate|already/i)) return;
    await qmp.netdevDel(m, id.netdev).catch(() => undefined); // nothing half-plugged stays behind
    throw err;
  }
}

/**
 * Asks the guest to release the NIC, waits for QEMU's DEVICE_DELETED for it, then drops the
 * backend. A guest that never lets go (no ACPI hot-plug support) fails the call after `timeoutMs`.
 */
export async function unplugNic(m: QmpWire, nic: Nic, timeoutMs = 30_000): Promise<void> {
  const id = nicIds(nic.tap);
  let stopListening = () => undefined as unknown;
  const deleted = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { stopListening(); reject(new Error(`the guest did not release NIC ${id.device} within ${timeoutMs} ms`)); }, timeoutMs);
    stopListening = m.onEvent((e) => {
      if (e.event === 'DEVICE_DELETED' && e.data?.device === id.device) { clearTimeout(timer); stopListening(); resolve(); }
    });
    void m.closed.then(() => { clearTimeout(timer); reject(new Error('QMP connection closed while unplugging a NIC')); });
  });
  deleted.catch(() => undefined);
  try {
    await qmp.deviceDel(m, id.device);
    await deleted;
  } catch (err) {
    stopListening();
    if (!already(err, /not found|DeviceNotFound/i)) throw err;
  }
  try {
    await qmp.netdevDel(m, id.netdev);
  } catch (err) {
    if (!already(err, /not found|DeviceNotFound/i)) throw err;
  }
}
