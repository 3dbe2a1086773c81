// The GuestSpec a host agent needs, built from the instance row: sizes from its flavor, the boot
// images recorded at build time, and the config drive's content when one was asked for.
import type { ConfigDriveSpec, GuestSpec, ImageRef } from '../../agent/compute/driver.js';
import type { InstanceFlavor, InstanceRow } from '../compute.tables.js';
import { json } from '../common.js';

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
}

export const systemMetadata = (row: InstanceRow): SystemMetadata => json<SystemMetadata>(row.system_metadata, {});

function configDrive(row: InstanceRow, metadata: Record<string, string>): ConfigDriveSpec {
  const keys = row.key_name && row.key_data ? [{ name: row.key_name, type: 'ssh', data: row.key_data }] : [];
  return {
    metaData: {
      uuid: row.uuid, name: row.name, hostname: row.hostname, launch_index: row.launch_index,
      availability_zone: row.availability_zone ?? 'nova', project_id: row.project_id,
      meta: metadata, public_keys: Object.fromEntries(keys.map((k) => [k.name, k.data])), keys, devices: [],
    },
    userData: row.user_data,
    networkData: { links: [], networks: [], services: [] },
    vendorData: {},
  };
}

export function guestSpec(row: InstanceRow, metadata: Record<string, string>, token: string, flavorOverride?: InstanceFlavor): GuestSpec {
  const flavor = flavorOverride ?? json<InstanceFlavor>(row.flavor, {} as InstanceFlavor);
  const boot = systemMetadata(row).boot ?? { image: null, kernel: null, ramdisk: null, cmdline: null };
  return {
    uuid: row.uuid, name: row.name, hostname: row.hostname,
    vcpus: flavor.vcpus, memoryMb: flavor.ram, rootGb: flavor.disk, ephemeralGb: flavor.ephemeral, swapMb: flavor.swap,
    image: boot.image, kernel: boot.kernel, ramdisk: boot.ramdisk, cmdline: boot.cmdline,
    configDrive: row.config_drive === 'True' ? configDrive(row, metadata) : null,
    authToken: token, nics: [],
  };
}

export async function metadataOf(db: import('../compute.tables.js').ComputeDb, uuid: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('compute_instance_metadata').select(['key', 'value']).where('instance_uuid', '=', uuid).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
