// A server's volumes as its block device mappings record them: what every GuestSpec carries (so
// stop/start, reboot, resize, rebuild and rescue keep them), what the server view lists, and the
// devices already taken.
import type { GuestVolume } from '../../agent/compute/driver.js';
import type { VolumeConnection } from '../../agent/storage/backend.js';
import type { AuthContext } from '../../platform/auth-context.js';
import type { BlockDeviceMappingRow, ComputeDb, InstanceRow } from '../compute.tables.js';
import { json } from '../common.js';
import { shortDevice } from './device-names.js';

/** Boot volume first, then by device name (the guest's order). */
export const deviceOrder = (a: BlockDeviceMappingRow, b: BlockDeviceMappingRow): number =>
  (a.boot_index === 0 ? -1 : 0) - (b.boot_index === 0 ? -1 : 0) || (a.device_name ?? '').localeCompare(b.device_name ?? '', 'en', { numeric: true });

export async function mappingsOf(db: ComputeDb, uuid: string): Promise<BlockDeviceMappingRow[]> {
  const rows = await db.selectFrom('compute_block_device_mapping').selectAll().where('instance_uuid', '=', uuid).execute();
  return rows.sort(deviceOrder);
}

/** The GuestVolume of a mapping that has a connection. */
export function guestVolume(row: BlockDeviceMappingRow): GuestVolume | null {
  if (!row.volume_id || !row.connection_info) return null;
  return {
    volumeId: row.volume_id, device: shortDevice(row.device_name ?? ''),
    connection: json<VolumeConnection>(row.connection_info, null as never),
    readOnly: false, bootIndex: row.boot_index === 0 ? 0 : null,
  };
}

/** The volumes the guest has (attached, or connected during its build), in device order. */
export async function guestVolumesOf(db: ComputeDb, uuid: string): Promise<GuestVolume[]> {
  return (await mappingsOf(db, uuid))
    .filter((r) => r.status === 'attached' || r.status === 'attaching' && r.boot_index !== null)
    .map(guestVolume).filter((v): v is GuestVolume => v !== null);
}

/** Whether the server's boot disk is a volume. */
export async function bootsFromVolume(db: ComputeDb, uuid: string): Promise<boolean> {
  const row = await db.selectFrom('compute_block_device_mapping').select('id')
    .where('instance_uuid', '=', uuid).where('boot_index', '=', 0).where('destination_type', '=', 'volume').executeTakeFirst();
  return row !== undefined;
}

export interface AttachedVolume { id: string; delete_on_termination: boolean }

/** `os-extended-volumes:volumes_attached` of many servers in one query. */
export async function volumesAttachedOf(db: ComputeDb, uuids: string[]): Promise<Map<string, AttachedVolume[]>> {
  const out = new Map<string, AttachedVolume[]>(uuids.map((u) => [u, []]));
  for (let i = 0; i < uuids.length; i += 5000) {
    const rows = await db.selectFrom('compute_block_device_mapping').selectAll()
      .where('instance_uuid', 'in', uuids.slice(i, i + 5000)).where('volume_id', 'is not', null).execute();
    for (const r of rows.sort(deviceOrder)) out.get(r.instance_uuid)?.push({ id: r.volume_id!, delete_on_termination: r.delete_on_termination === 1 });
  }
  return out;
}

/**
 * The server's owner as block storage sees a request compute makes for them after the API call
 * (reserving a volume the build created): their project, no extra roles.
 */
export const ownerAuth = (row: Pick<InstanceRow, 'user_id' | 'project_id'>): AuthContext => ({
  userId: row.user_id, userName: row.user_id, userDomainId: 'default', projectId: row.project_id,
  system: false, roles: ['member', 'reader'], methods: ['token'],
});
