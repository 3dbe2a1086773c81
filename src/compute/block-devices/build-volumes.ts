// A server's volumes through its build and its delete, in the conductor: once a host is chosen each
// volume is made ready (new ones waited for and reserved), connected to that host and handed to the
// spawn; after the spawn each attachment is completed. A failed attempt gives the connections back
// (the next host connects again); a delete releases them and removes volumes marked
// delete_on_termination.
import type { GuestVolume } from '../../agent/compute/driver.js';
import type { ComputeDeps } from '../common.js';
import { now } from '../common.js';
import type { BlockDeviceMappingRow, InstanceRow } from '../compute.tables.js';
import { deleteWhenSettled } from './boot-volumes.js';
import { guestVolume, mappingsOf, ownerAuth } from './guest-volumes.js';

/** How long a build waits for a volume it asked for (image downloads into volumes are slow). */
export const VOLUME_WAIT_MS = 600_000;

/** A volume the build cannot use whatever the host (it failed to be created): no reschedule. */
export class VolumeNotReady extends Error {}

const volumeMappings = (rows: BlockDeviceMappingRow[]) => rows.filter((r) => r.destination_type === 'volume' && r.volume_id);

async function setMapping(deps: ComputeDeps, id: string, set: Partial<BlockDeviceMappingRow>): Promise<void> {
  await deps.db.updateTable('compute_block_device_mapping').set({ ...set, updated_at: now() }).where('id', '=', id).execute();
}

/** New volumes finished and reserved for the server (before placement matters). */
export async function readyBuildVolumes(deps: ComputeDeps, row: InstanceRow, token: string): Promise<void> {
  for (const m of (await mappingsOf(deps.db, row.uuid)).filter((x) => x.destination_type === 'volume')) {
    if (m.attachment_id) continue;
    try {
      if (!m.volume_id) m.volume_id = await createDeferred(deps, row, m, token);
      await deps.volumes.waitUntilAvailable(m.volume_id, VOLUME_WAIT_MS);
    } catch (err) {
      throw new VolumeNotReady(`Volume ${m.volume_id ?? `from image ${m.image_id}`} did not finish being created: ${err instanceof Error ? err.message : String(err)}`);
    }
    const attachmentId = await deps.volumes.reserve(ownerAuth(row), m.volume_id!, row.uuid);
    await setMapping(deps, m.id, { attachment_id: attachmentId });
  }
}

/** A volume from an image the API could not create (it had no token to read the image with). */
async function createDeferred(deps: ComputeDeps, row: InstanceRow, m: BlockDeviceMappingRow, token: string): Promise<string> {
  const id = await deps.volumes.create(ownerAuth(row), {
    sizeGb: m.volume_size ?? 1, imageId: m.image_id, snapshotId: null, sourceVolumeId: null, name: '',
    availabilityZone: row.availability_zone, volumeType: m.volume_type,
  }, token);
  await setMapping(deps, m.id, { volume_id: id });
  return id;
}

/** Connects every volume to `host`; returns them for the spawn, boot volume first. */
export async function connectBuildVolumes(deps: ComputeDeps, row: InstanceRow, host: string, token: string): Promise<GuestVolume[]> {
  await readyBuildVolumes(deps, row, token);
  const out: GuestVolume[] = [];
  for (const m of volumeMappings(await mappingsOf(deps.db, row.uuid))) {
    const connection = await deps.volumes.connect(m.attachment_id!, { host, mode: 'rw' });
    const connected = { ...m, connection_info: JSON.stringify(connection) };
    await setMapping(deps, m.id, { connection_info: connected.connection_info, status: 'attaching' });
    out.push(guestVolume(connected)!);
  }
  return out;
}

/** The guest runs with its volumes: each attachment completed, each mapping attached. */
export async function completeBuildVolumes(deps: ComputeDeps, uuid: string): Promise<void> {
  for (const m of volumeMappings(await mappingsOf(deps.db, uuid))) {
    if (!m.attachment_id || m.status === 'attached') continue;
    await deps.volumes.complete(m.attachment_id, m.device_name ?? '');
    await setMapping(deps, m.id, { status: 'attached' });
  }
}

/** A failed attempt: the volumes go back to available (the next attempt reserves and connects again). */
export async function releaseBuildVolumes(deps: ComputeDeps, uuid: string): Promise<void> {
  for (const m of volumeMappings(await mappingsOf(deps.db, uuid))) {
    if (!m.attachment_id) continue;
    await deps.volumes.release(m.attachment_id)
      .catch((err) => deps.log.warn({ uuid, volumeId: m.volume_id, err: String(err) }, 'releasing a volume after a failed build failed'));
    await setMapping(deps, m.id, { attachment_id: null, connection_info: null, status: 'attaching' });
  }
}

/** The server is gone from its host: every attachment released, delete_on_termination volumes deleted, mappings removed. */
export async function releaseServerVolumes(deps: ComputeDeps, uuid: string): Promise<void> {
  for (const m of await mappingsOf(deps.db, uuid)) {
    try {
      if (m.attachment_id) await deps.volumes.release(m.attachment_id);
      if (m.volume_id && m.delete_on_termination) await deleteWhenSettled(deps, m.volume_id);
    } catch (err) {
      // The server's delete goes on: a volume left behind is the user's to remove, never a stuck server.
      deps.log.warn({ uuid, volumeId: m.volume_id, err: err instanceof Error ? err.message : String(err) }, 'releasing a deleted server\'s volume failed');
    }
    await deps.db.deleteFrom('compute_block_device_mapping').where('id', '=', m.id).execute();
  }
}
