// Boot from volume at the API: the mappings' volumes, images and sizes checked before any row is
// written, then, once the servers exist, existing volumes reserved for them and new volumes created
// as the user (so quota and size refusals are the create's 4xx), one mapping row each. If anything
// is refused, everything done so far is undone and the servers' rows removed.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, badRequest } from '../../platform/errors.js';
import type { ComputeDeps } from '../common.js';
import { now } from '../common.js';
import type { BlockDeviceMappingRow, InstanceFlavor, InstanceRow } from '../compute.tables.js';
import type { ImageView } from '../image-access.js';
import type { VolumeInfo } from '../volume-access.js';
import { bootMapping, type BdmRequest } from './bdm-input.js';
import { pickDevice, vdName } from './device-names.js';

const invalid = (why: string) => badRequest(`Block Device Mapping is Invalid: ${why}`);

export interface CheckedDevices {
  bdms: BdmRequest[];
  /** The server boots from a volume (no local root disk, no image on the instance). */
  bootFromVolume: boolean;
  /** Image properties the scheduler and the guest see (from the boot volume's image metadata or image). */
  imageProperties: Record<string, string>;
}

/** Nova's API checks of the mappings that need lookups; no writes. */
export async function checkBlockDevices(deps: ComputeDeps, auth: AuthContext, bdms: BdmRequest[], maxCount: number): Promise<CheckedDevices> {
  const boot = bootMapping(bdms);
  let imageProperties: Record<string, string> = {};
  if (maxCount > 1 && bdms.some((m) => m.sourceType === 'volume')) throw badRequest('Cannot attach one or more volumes to multiple instances');
  for (const m of bdms) {
    if (m.destinationType !== 'volume') continue;
    if (m.sourceType === 'volume') {
      const v = await deps.volumes.get(auth, m.uuid!);
      if (!v) throw invalid(`failed to get volume ${m.uuid}.`);
      checkReservable(v);
      if (m === boot) {
        if (!v.bootable) throw badRequest(`Block Device ${v.id} is not bootable.`);
        imageProperties = v.imageMetadata;
      }
    } else if (m.sourceType === 'image') {
      const image = await deps.images.get(auth, m.uuid!);
      if (!image) throw invalid(`failed to get image ${m.uuid}.`);
      if (image.status !== 'active') throw badRequest(`Image ${image.id} is not active.`);
      checkImageFitsVolume(image, m.volumeSize!);
      if (m === boot) imageProperties = image.properties;
    }
  }
  return { bdms, bootFromVolume: boot?.destinationType === 'volume', imageProperties };
}

/** Nova's early refusal of a volume that cannot be reserved (block storage refuses again, atomically). */
function checkReservable(v: VolumeInfo): void {
  const ok = v.status === 'available' || (v.multiattach && ['in-use', 'reserved', 'attaching'].includes(v.status));
  if (!ok) throw badRequest(`Invalid volume: Volume ${v.id} status must be available${v.multiattach ? ', in-use, reserved or attaching' : ''} to reserve, but the current status is ${v.status}.`);
}

function checkImageFitsVolume(image: ImageView, sizeGb: number): void {
  const bytes = sizeGb * 1024 ** 3;
  const imageBytes = Math.max(image.size ?? 0, image.virtual_size ?? 0);
  if (imageBytes > bytes) throw badRequest(`Volume is smaller than the image. Volume size is ${bytes} bytes, image is ${imageBytes} bytes.`);
  if (image.min_disk > sizeGb) {
    throw badRequest(`Volume is smaller than the minimum size specified in image metadata. Volume size is ${bytes} bytes, minimum size is ${image.min_disk * 1024 ** 3} bytes.`);
  }
}

/** What was done for one server, to undo on a later refusal. */
interface Done { attachments: string[]; created: string[] }

/**
 * Reserves and creates the servers' volumes and writes their mapping rows. On a refusal: releases
 * what was reserved, deletes what was created, removes the servers' rows, and rethrows.
 */
export async function provisionBlockDevices(deps: ComputeDeps, auth: AuthContext, rows: InstanceRow[], checked: CheckedDevices,
  authToken: string): Promise<void> {
  const done: Done = { attachments: [], created: [] };
  try {
    for (const row of rows) await provisionOne(deps, auth, row, checked, authToken, done);
  } catch (err) {
    for (const a of done.attachments) await deps.volumes.release(a).catch(() => undefined);
    for (const id of done.created) await deleteWhenSettled(deps, id).catch((e) => deps.log.warn({ volumeId: id, err: String(e) }, 'could not delete a volume of a refused server'));
    await removeServerRows(deps, rows.map((r) => r.uuid));
    throw err;
  }
}

async function provisionOne(deps: ComputeDeps, auth: AuthContext, row: InstanceRow, checked: CheckedDevices, token: string, done: Done): Promise<void> {
  const flavor = JSON.parse(row.flavor) as InstanceFlavor;
  const local = { bootsFromVolume: checked.bootFromVolume, ephemeralGb: flavor.ephemeral, swapMb: flavor.swap };
  const used: string[] = [];
  const ts = now();
  for (const m of checked.bdms) {
    if (m.destinationType !== 'volume') continue;
    const device = m.bootIndex === 0 ? vdName(0) : pickDevice(m.deviceName, used, local) ?? pickDevice(null, used, local)!;
    used.push(device);
    let volumeId: string | null;
    let attachmentId: string | null = null;
    if (m.sourceType === 'image' && !token) {
      // Without the user's token the image cannot be read now: the build creates it (it has the token).
      volumeId = null;
    } else if (m.sourceType === 'volume') {
      volumeId = m.uuid!;
      attachmentId = await deps.volumes.reserve(auth, volumeId, row.uuid);
      done.attachments.push(attachmentId);
    } else {
      volumeId = await deps.volumes.create(auth, {
        sizeGb: m.volumeSize ?? 0, imageId: m.sourceType === 'image' ? m.uuid : null, snapshotId: m.sourceType === 'snapshot' ? m.uuid : null,
        sourceVolumeId: null, name: '', availabilityZone: row.availability_zone, volumeType: m.volumeType,
      }, token).catch((err) => { throw asCreateError(err); });
      done.created.push(volumeId);
    }
    const bdm: BlockDeviceMappingRow = {
      id: randomUUID(), instance_uuid: row.uuid, source_type: m.sourceType, destination_type: 'volume', volume_id: volumeId,
      attachment_id: attachmentId, image_id: m.sourceType === 'image' ? m.uuid : null, snapshot_id: m.sourceType === 'snapshot' ? m.uuid : null,
      volume_size: m.volumeSize, device_name: device, boot_index: m.bootIndex, delete_on_termination: m.deleteOnTermination ? 1 : 0,
      disk_bus: m.diskBus, device_type: m.deviceType ?? 'disk', tag: null, volume_type: m.volumeType, connection_info: null,
      status: 'attaching', created_at: ts, updated_at: ts,
    };
    await deps.db.insertInto('compute_block_device_mapping').values(bdm).execute();
  }
}

/** Block storage's refusals of a boot volume as Nova answers them: 4xx kept, anything else a 500. */
function asCreateError(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 413) return new ApiError(403, `Quota exceeded for volumes: ${err.message}`);
  if (err.status === 404) return invalid(err.message);
  return err;
}

/** Deletes a volume made for a server, once its creation ended (a volume in `creating` cannot be deleted). */
export async function deleteWhenSettled(deps: ComputeDeps, volumeId: string, timeoutMs = 120_000): Promise<void> {
  try {
    await deps.volumes.delete(volumeId);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    await deps.volumes.waitUntilAvailable(volumeId, timeoutMs).catch(() => undefined);
    await deps.volumes.delete(volumeId);
  }
}

/** A refused create leaves no server behind. */
async function removeServerRows(deps: ComputeDeps, uuids: string[]): Promise<void> {
  if (uuids.length === 0) return;
  await deps.db.transaction().execute(async (trx) => {
    const actions = await trx.selectFrom('compute_instance_action').select('id').where('instance_uuid', 'in', uuids).execute();
    if (actions.length) await trx.deleteFrom('compute_instance_action_event').where('action_id', 'in', actions.map((a) => a.id)).execute();
    await trx.deleteFrom('compute_instance_action').where('instance_uuid', 'in', uuids).execute();
    await trx.deleteFrom('compute_block_device_mapping').where('instance_uuid', 'in', uuids).execute();
    await trx.deleteFrom('compute_instance_metadata').where('instance_uuid', 'in', uuids).execute();
    await trx.deleteFrom('compute_instance_tag').where('instance_uuid', 'in', uuids).execute();
    await trx.deleteFrom('compute_server_group_member').where('instance_uuid', 'in', uuids).execute();
    await trx.deleteFrom('compute_instance').where('uuid', 'in', uuids).execute();
  });
}
