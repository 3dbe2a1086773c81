// One typed function per QMP command the driver uses (QEMU 7.2's schema); the driver calls these,
// never `execute` with a bare string.
import type { QmpWire } from './wire.js';

/** QEMU's RunState values that matter here (`query-status`). */
export interface StatusInfo { running: boolean; status: string }

export const queryStatus = (m: QmpWire) => m.execute<StatusInfo>('query-status');
/** Pauses the vCPUs; QEMU drains and flushes every block device before answering. */
export const stop = (m: QmpWire) => m.execute<Record<string, never>>('stop');
export const cont = (m: QmpWire) => m.execute<Record<string, never>>('cont');
/** Presses the ACPI power button. */
export const systemPowerdown = (m: QmpWire) => m.execute<Record<string, never>>('system_powerdown');
export const systemReset = (m: QmpWire) => m.execute<Record<string, never>>('system_reset');
export const quit = (m: QmpWire) => m.execute<Record<string, never>>('quit', undefined, 10_000);

/** Starts an outgoing migration (here always to a file, through `exec:`). */
export const migrate = (m: QmpWire, uri: string) => m.execute<Record<string, never>>('migrate', { uri });
export interface MigrationInfo { status?: string; 'error-desc'?: string }
export const queryMigrate = (m: QmpWire) => m.execute<MigrationInfo>('query-migrate');

export interface VncInfo { enabled: boolean; host?: string; service?: string; family?: string }
export const queryVnc = (m: QmpWire) => m.execute<VncInfo>('query-vnc');

export interface BlockStats {
  device: string;
  qdev?: string;
  'node-name'?: string;
  stats: { rd_bytes: number; wr_bytes: number; rd_operations: number; wr_operations: number; failed_rd_operations?: number; failed_wr_operations?: number };
}
export const queryBlockstats = (m: QmpWire) => m.execute<BlockStats[]>('query-blockstats');

export interface CpuInfoFast { 'cpu-index': number; 'thread-id': number }
export const queryCpusFast = (m: QmpWire) => m.execute<CpuInfoFast[]>('query-cpus-fast');

export interface MemorySizeSummary { 'base-memory': number; 'plugged-memory'?: number }
export const queryMemorySizeSummary = (m: QmpWire) => m.execute<MemorySizeSummary>('query-memory-size-summary');

/** Adds a tap backend opened by name (the network agent made the tap; no scripts run). */
export const netdevAddTap = (m: QmpWire, id: string, ifname: string) =>
  m.execute<Record<string, never>>('netdev_add', { type: 'tap', id, ifname, script: 'no', downscript: 'no' });
export const netdevDel = (m: QmpWire, id: string) => m.execute<Record<string, never>>('netdev_del', { id });
/** Plugs a virtio NIC on a netdev; romfile '' as at boot (no PXE ROM). */
export const deviceAddVirtioNet = (m: QmpWire, id: string, netdev: string, mac: string) =>
  m.execute<Record<string, never>>('device_add', { driver: 'virtio-net-pci', id, netdev, mac, romfile: '' });
/** Asks the guest to release a device; it is gone once DEVICE_DELETED names it. */
export const deviceDel = (m: QmpWire, id: string) => m.execute<Record<string, never>>('device_del', { id });

/** Adds one block node (a protocol or format node of a volume). */
export const blockdevAdd = (m: QmpWire, options: Record<string, unknown>) => m.execute<Record<string, never>>('blockdev-add', options);
/** Removes a block node no device and no other node uses any more. */
export const blockdevDel = (m: QmpWire, nodeName: string) => m.execute<Record<string, never>>('blockdev-del', { 'node-name': nodeName });
/** Plugs a virtio disk on a format node; `serial` is what the guest sees as the disk's serial. */
export const deviceAddVirtioBlk = (m: QmpWire, id: string, drive: string, serial: string, addr?: string) =>
  m.execute<Record<string, never>>('device_add', { driver: 'virtio-blk-pci', id, drive, serial, ...(addr ? { bus: 'pci.0', addr } : {}) });
/** Grows a node to `size` bytes (the image file too); the guest's virtio-blk sees the new capacity. */
export const blockResize = (m: QmpWire, nodeName: string, size: number) =>
  m.execute<Record<string, never>>('block_resize', { 'node-name': nodeName, size });

export interface BlockNodeInfo { 'node-name': string; image: { 'virtual-size': number } }
/** Every named block node (not the nodes under them: `flat`), with its image's virtual size. */
export const queryNamedBlockNodes = (m: QmpWire) => m.execute<BlockNodeInfo[]>('query-named-block-nodes', { flat: true });
