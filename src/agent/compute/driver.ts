// The contract between a host's compute agent and whatever runs guests on it. The agent calls
// these in response to bus messages from the conductor; the driver never touches the database.
import type { PowerState } from '../../compute/vm-states.js';
import type { VolumeConnection } from '../storage/backend.js';

/** An image the driver may need to fetch (root disk, kernel, ramdisk, rescue or shelved snapshot). */
export interface ImageRef {
  id: string;
  /** GET it with `X-Auth-Token: token`: the image service's /v2/images/{id}/file. */
  url: string;
  disk_format: string;
  container_format: string;
  size: number;
  /** Glance's multihash (`sha512`) to verify what was downloaded. */
  os_hash_algo: string | null;
  os_hash_value: string | null;
  properties: Record<string, string>;
}

/** The config drive's content (ISO 9660, label config-2), when the user asked for one. */
export interface ConfigDriveSpec {
  metaData: Record<string, unknown>;
  /** User data as the user sent it (base64: the spec travels over the bus as JSON), if any. */
  userData: string | null;
  networkData: Record<string, unknown>;
  vendorData: Record<string, unknown>;
}

/** A guest NIC: the tap the network agent made for its port, and the port's MAC. */
export interface GuestNic { tap: string; mac: string; bridge?: string }

/** A block storage volume given to a guest (at boot, or attached later). */
export interface GuestVolume {
  /** The volume's id: the disk's serial number in the guest (/dev/disk/by-id/virtio-<first 20>). */
  volumeId: string;
  /** Device name Nova reported (`vdb`); the guest may name it differently. */
  device: string;
  /** How to reach the volume (Cinder's connection_info). */
  connection: VolumeConnection;
  readOnly: boolean;
  /** 0 for the boot volume (the guest boots from it; there is then no local root disk), else null. */
  bootIndex: number | null;
}

/** Everything needed to (re)create a guest; sent whole on every call that may start QEMU. */
export interface GuestSpec {
  uuid: string;
  name: string;
  hostname: string;
  vcpus: number;
  memoryMb: number;
  /** Root disk size in GB; 0 = the image's own virtual size. */
  rootGb: number;
  ephemeralGb: number;
  swapMb: number;
  /** The root disk's image (whole-disk), or the kernel/ramdisk pair for direct kernel boot. */
  image: ImageRef | null;
  kernel: ImageRef | null;
  ramdisk: ImageRef | null;
  /** Kernel command line for direct kernel boot (image property `os_command_line`, else console=ttyS0). */
  cmdline: string | null;
  configDrive: ConfigDriveSpec | null;
  /** Token for the image service (the requesting user's, as Nova uses). */
  authToken: string;
  /** Network interfaces (filled by the networking service; empty for `--nic none`). */
  nics: GuestNic[];
  /** Volumes, in device order (the boot volume first); empty without block storage. */
  volumes: GuestVolume[];
}

export interface ObservedGuest {
  uuid: string;
  power: PowerState;
  /** The process is alive and its control channel (QMP) is connected. */
  attached: boolean;
}

export interface HostInventory {
  vcpus: number;
  memoryMb: number;
  localGb: number;
  freeDiskGb: number;
  hypervisorType: string;
  hypervisorVersion: number;
  hostIp: string;
  cpuInfo: Record<string, unknown>;
  /** Facts the image-properties filter matches (`hw_architecture`, `img_hv_type`, …). */
  capabilities: Record<string, string>;
}

/** Where the console proxy connects to reach a guest's VNC server. */
export type ConsoleAddress = { host: string; port: number } | { path: string };

export interface SnapshotTarget {
  /** PUT the data here (the image service's /v2/images/{id}/file) with `X-Auth-Token: token`. */
  url: string;
  authToken: string;
  /** Format to upload (`qcow2`). */
  diskFormat: string;
}

export interface ComputeDriver {
  readonly name: 'qemu' | 'fake';
  readonly capabilities: { vncConsole: boolean; suspendToDisk: boolean; rescue: boolean };
  /** What this host offers the scheduler. */
  inventory(): Promise<HostInventory>;
  /** Builds and boots the guest. If it throws, nothing it created is left on the host. */
  spawn(spec: GuestSpec, signal?: AbortSignal): Promise<void>;
  /** Removes the guest and every file of it; resolves if it is already gone, so retries are safe. */
  destroy(uuid: string): Promise<void>;
  /** ACPI power-down, then hard stop after `timeoutSec`; resolves if already off. */
  powerOff(uuid: string, timeoutSec: number): Promise<void>;
  /** Starts a stopped guest on its existing disk; resolves if already running. */
  powerOn(spec: GuestSpec): Promise<void>;
  reboot(spec: GuestSpec, hard: boolean): Promise<void>;
  pause(uuid: string): Promise<void>;
  unpause(uuid: string): Promise<void>;
  /** Saves the guest's state to a file and stops the process. */
  suspend(uuid: string): Promise<void>;
  /** Restores a suspended guest from its saved state. */
  resume(spec: GuestSpec): Promise<void>;
  /** Uploads a consistent image of the root disk to the target; the guest keeps its power state. */
  snapshot(uuid: string, target: SnapshotTarget): Promise<{ size: number }>;
  /** Replaces the root disk with a fresh one from `spec.image` and boots it (or leaves it off if `powerOn` is false). */
  rebuild(spec: GuestSpec, powerOn: boolean): Promise<void>;
  /** Restarts the guest with the new sizes, keeping the old disk until confirm/revert. */
  resize(spec: GuestSpec, powerOn: boolean): Promise<void>;
  /** Drops what a resize kept for a revert. */
  confirmResize(uuid: string): Promise<void>;
  /** Back to the old disk and sizes (`spec` holds the old flavor). */
  revertResize(spec: GuestSpec, powerOn: boolean): Promise<void>;
  /** Boots the rescue image with the original root disk attached as the second disk. */
  rescue(spec: GuestSpec, rescueImage: ImageRef): Promise<void>;
  unrescue(spec: GuestSpec): Promise<void>;
  /** The serial console log, the last `lines` lines if given. */
  consoleOutput(uuid: string, lines?: number): Promise<string>;
  /** Where the guest's VNC server listens. */
  vncAddress(uuid: string): Promise<ConsoleAddress>;
  diagnostics(uuid: string): Promise<Record<string, unknown>>;
  /** Guests as the host reports them (processes, sockets), never as the database remembers them. */
  observe(): Promise<ObservedGuest[]>;
  /**
   * Adds a NIC (its tap already exists): hot-plugged if the guest runs, and kept for every later
   * boot. Resolves if the NIC is already there.
   */
  attachInterface(uuid: string, nic: GuestNic): Promise<void>;
  /** Removes a NIC (unplugged once the guest released it, if running); resolves if it is not there. */
  detachInterface(uuid: string, nic: GuestNic): Promise<void>;
  /**
   * Gives the guest a volume: hot-plugged (virtio-blk) if it runs, and kept for every later boot.
   * Resolves if the volume is already there; on failure nothing of it is left plugged.
   */
  attachVolume(uuid: string, volume: GuestVolume): Promise<void>;
  /** Takes a volume away (unplugged once the guest released it, if running); resolves if it is not there. */
  detachVolume(uuid: string, volumeId: string): Promise<void>;
  /** Tells a running guest its volume grew to `sizeBytes` (the backend grew it already); no-op when off. */
  extendVolume(uuid: string, volumeId: string, sizeBytes: number): Promise<void>;
}
