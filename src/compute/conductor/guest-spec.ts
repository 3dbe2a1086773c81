// The GuestSpec a host agent needs, built from the instance row: sizes from its flavor, the boot
// images recorded at build time, and the config drive's content when one was asked for.
import type { ConfigDriveSpec, GuestSpec, GuestVolume, ImageRef } from '../../agent/compute/driver.js';
import type { InstanceFlavor, InstanceRow } from '../compute.tables.js';
import { json } from '../common.js';
import { metaData } from '../metadata/meta-data.js';
import type { CheckedNetworks, GuestNetwork, NetworkAccess, ServerPort } from '../network-access.js';

/** What the instance booted from, recorded in system_metadata.boot so later actions need no lookups. */
export interface BootRecord { image: ImageRef | null; kernel: ImageRef | null; ramdisk: ImageRef | null; cmdline: string | null }

export interface SystemMetadata {
  forced_host?: string | null;
  image_properties?: Record<string, string>;
  boot?: BootRecord;
  shelved_image_id?: string;
  rescue_image?: ImageRef;
  /** Hosts where earlier attempts of the current build failed. */
  failed_hosts?: string[];
  /** The ports the server holds, in NIC order. */
  ports?: ServerPort[];
}

export const systemMetadata = (row: InstanceRow): SystemMetadata => json<SystemMetadata>(row.system_metadata, {});

function configDrive(row: InstanceRow, metadata: Record<string, string>, net: GuestNetwork): ConfigDriveSpec {
  return { metaData: metaData(row, metadata), userData: row.user_data, networkData: net.networkData, vendorData: {} };
}

const NO_NETWORK: GuestNetwork = { nics: [], networkData: { links: [], networks: [], services: [] } };

/** The ports the server holds, in NIC order (recorded by the build and by interface attach/detach). */
export const serverPorts = (row: InstanceRow): ServerPort[] => systemMetadata(row).ports ?? [];

/** The request the API checked (none for `networks: none`). */
export function requestedNetworks(row: InstanceRow): CheckedNetworks {
  const v = json<CheckedNetworks | 'none'>(row.networks, 'none');
  return v === 'none' || typeof v !== 'object' || !Array.isArray(v.nics) ? { nics: [], securityGroupIds: [] } : v;
}

/** The guest's NICs and network_data.json from its ports as they are now. */
export async function guestNetworkOf(network: NetworkAccess, row: InstanceRow): Promise<GuestNetwork> {
  const ports = serverPorts(row);
  return ports.length ? network.guestNetwork(ports.map((p) => p.id)) : NO_NETWORK;
}

export function guestSpec(row: InstanceRow, metadata: Record<string, string>, token: string, flavorOverride?: InstanceFlavor,
  net: GuestNetwork = NO_NETWORK, volumes: GuestVolume[] = []): GuestSpec {
  const flavor = flavorOverride ?? json<InstanceFlavor>(row.flavor, {} as InstanceFlavor);
  const boot = systemMetadata(row).boot ?? { image: null, kernel: null, ramdisk: null, cmdline: null };
  const bootVolume = volumes.some((v) => v.bootIndex === 0);
  return {
    uuid: row.uuid, name: row.name, hostname: row.hostname,
    // Booted from a volume: the volume is the root disk, there is no local one (the flavor's disk is not used, as in Nova).
    vcpus: flavor.vcpus, memoryMb: flavor.ram, rootGb: bootVolume ? 0 : flavor.disk, ephemeralGb: flavor.ephemeral, swapMb: flavor.swap,
    image: bootVolume ? null : boot.image, kernel: boot.kernel, ramdisk: boot.ramdisk, cmdline: boot.cmdline,
    configDrive: row.config_drive === 'True' ? configDrive(row, metadata, net) : null,
    authToken: token, nics: net.nics, volumes,
  };
}

export async function metadataOf(db: import('../compute.tables.js').ComputeDb, uuid: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('compute_instance_metadata').select(['key', 'value']).where('instance_uuid', '=', uuid).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
