// Attaching and detaching a server's volumes (os-volume_attachments), as Nova: the API checks the
// server and the volume, reserves the volume and records the mapping with its device, answers; the
// server's workflow queue then connects the volume to the server's host, has the host plug it
// (hot-plug when running, kept for later boots either way) and completes the attachment. A failure
// unplugs what was plugged and gives the volume back (available again, no mapping).
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import type { ComputeContext } from '../context.js';
import type { BlockDeviceMappingRow, InstanceFlavor, InstanceRow } from '../compute.tables.js';
import { isUuid, json, now } from '../common.js';
import { finishAction, finishEvent, startEvent, type ActionRef } from '../instance-actions/action-log.js';
import type { VmState } from '../vm-states.js';
import { pickDevice } from '../block-devices/device-names.js';
import { bootsFromVolume, guestVolume, mappingsOf } from '../block-devices/guest-volumes.js';

/** Nova allows volume changes in these states, with no task in flight. */
const STATES: readonly VmState[] = ['active', 'paused', 'stopped', 'suspended', 'resized'];

export function checkVolumeState(row: InstanceRow, action: 'attach_volume' | 'detach_volume'): void {
  if (!STATES.includes(row.vm_state) || row.task_state !== null || !row.host) {
    throw conflict(`Cannot '${action}' instance ${row.uuid} while it is in ${row.task_state ? `task_state ${row.task_state}` : `vm_state ${row.vm_state}`}`);
  }
}

export interface AttachRequest { volumeId: string; device: string | null }

const field = (name: string, why: string) => badRequest(`Invalid input for field/attribute ${name}. Value: ${why}`);

export function readAttachBody(body: unknown): AttachRequest {
  const b = (body as { volumeAttachment?: unknown } | null)?.volumeAttachment;
  if (b === undefined || b === null || typeof b !== 'object' || Array.isArray(b)) {
    throw badRequest("Invalid input for field/attribute volumeAttachment. Value: 'volumeAttachment' is a required property");
  }
  const a = b as Record<string, unknown>;
  for (const k of Object.keys(a)) {
    if (!['volumeId', 'device'].includes(k)) throw field('volumeAttachment', `Additional properties are not allowed ('${k}' was unexpected)`);
  }
  if (typeof a.volumeId !== 'string' || !isUuid(a.volumeId)) throw field('volumeId', `${JSON.stringify(a.volumeId)} is not a 'uuid'`);
  let device: string | null = null;
  if (a.device !== undefined && a.device !== null) {
    if (typeof a.device !== 'string' || !/^(\/dev\/x?[a-z]?d?)([a-z]+)[0-9]*$/.test(a.device)) {
      throw field('device', `${JSON.stringify(a.device)} does not match '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'`);
    }
    device = a.device;
  }
  return { volumeId: a.volumeId.toLowerCase(), device };
}

export const attachmentView = (m: BlockDeviceMappingRow) =>
  ({ id: m.volume_id, serverId: m.instance_uuid, volumeId: m.volume_id, device: m.device_name });

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Checks, reserves and records the attachment; the host's part runs in the server's queue. */
export async function attachVolume(ctx: ComputeContext, auth: AuthContext, row: InstanceRow, req: AttachRequest,
  record: () => Promise<ActionRef>): Promise<Record<string, unknown>> {
  const deps = ctx.deps;
  const volume = await deps.volumes.get(auth, req.volumeId);
  if (!volume) throw notFound(`Volume ${req.volumeId} could not be found.`);
  const flavor = json<InstanceFlavor>(row.flavor, {} as InstanceFlavor);
  const local = { bootsFromVolume: await bootsFromVolume(deps.db, row.uuid), ephemeralGb: flavor.ephemeral ?? 0, swapMb: flavor.swap ?? 0 };
  const ts = now();
  const mapping = await deps.db.transaction().execute(async (trx) => {
    // Two attaches to one server must not pick the same device.
    await serializeOn(trx, `bdm:${row.uuid}`);
    const existing = await trx.selectFrom('compute_block_device_mapping').selectAll().where('instance_uuid', '=', row.uuid).execute();
    if (existing.some((m) => m.volume_id === req.volumeId)) throw badRequest(`Invalid volume: volume ${req.volumeId} already attached`);
    const device = pickDevice(req.device, existing.map((m) => m.device_name).filter((d): d is string => d !== null), local);
    if (device === null) throw conflict(`The supplied device path (${req.device}) is in use.`);
    const m: BlockDeviceMappingRow = {
      id: randomUUID(), instance_uuid: row.uuid, source_type: 'volume', destination_type: 'volume', volume_id: req.volumeId,
      attachment_id: null, image_id: null, snapshot_id: null, volume_size: volume.size, device_name: device, boot_index: null,
      delete_on_termination: 0, disk_bus: null, device_type: 'disk', tag: null, volume_type: null, connection_info: null,
      status: 'attaching', created_at: ts, updated_at: ts,
    };
    await trx.insertInto('compute_block_device_mapping').values(m).execute();
    return m;
  });
  try {
    mapping.attachment_id = await deps.volumes.reserve(auth, req.volumeId, row.uuid);
  } catch (err) {
    await deps.db.deleteFrom('compute_block_device_mapping').where('id', '=', mapping.id).execute();
    throw err;
  }
  await deps.db.updateTable('compute_block_device_mapping').set({ attachment_id: mapping.attachment_id }).where('id', '=', mapping.id).execute();
  const action = await record();
  ctx.conductor.run(row.uuid, () => plugVolume(ctx, row.uuid, mapping.id, action));
  return attachmentView(mapping);
}

/** The host's part of an attach; on failure everything is given back and the action records why. */
async function plugVolume(ctx: ComputeContext, uuid: string, mappingId: string, action: ActionRef): Promise<void> {
  const db = ctx.deps.db;
  const m = await db.selectFrom('compute_block_device_mapping').selectAll().where('id', '=', mappingId).executeTakeFirst();
  if (!m?.attachment_id) return;
  const fresh = await db.selectFrom('compute_instance').selectAll().where('uuid', '=', uuid).where('deleted', '=', 0).executeTakeFirst();
  await startEvent(db, action, 'compute_attach_volume', fresh?.host ?? null);
  let plugged = false;
  try {
    if (!fresh?.host) throw new Error(`instance ${uuid} is on no host`);
    const connection = await ctx.deps.volumes.connect(m.attachment_id, { host: fresh.host, mode: 'rw' });
    const connected = { ...m, connection_info: JSON.stringify(connection) };
    await db.updateTable('compute_block_device_mapping').set({ connection_info: connected.connection_info, updated_at: now() }).where('id', '=', m.id).execute();
    plugged = true;
    await ctx.agent(fresh.host).attachVolume(uuid, guestVolume(connected)!);
    await ctx.deps.volumes.complete(m.attachment_id, m.device_name ?? '');
    await db.updateTable('compute_block_device_mapping').set({ status: 'attached', updated_at: now() }).where('id', '=', m.id).execute();
  } catch (err) {
    const message = `Failed to attach volume ${m.volume_id} to ${uuid}: ${errText(err)}`;
    ctx.deps.log.warn({ uuid, volumeId: m.volume_id, err: errText(err) }, 'volume attach failed; rolling back');
    if (plugged && fresh?.host) await ctx.agent(fresh.host).detachVolume(uuid, m.volume_id!).catch(() => undefined);
    await ctx.deps.volumes.release(m.attachment_id).catch((e) => ctx.deps.log.warn({ uuid, err: errText(e) }, 'releasing the volume failed'));
    await db.deleteFrom('compute_block_device_mapping').where('id', '=', m.id).execute();
    await finishEvent(db, action, 'compute_attach_volume', message);
    await finishAction(db, action, message);
    return;
  }
  await finishEvent(db, action, 'compute_attach_volume');
  await finishAction(db, action);
}

/** The server's mapping of the volume, or Nova's 404. */
export async function mappingOfVolume(ctx: ComputeContext, row: InstanceRow, volumeId: string): Promise<BlockDeviceMappingRow> {
  const m = (await mappingsOf(ctx.deps.db, row.uuid)).find((x) => x.volume_id === volumeId.toLowerCase());
  if (!m) throw notFound(`Instance ${row.uuid} is not attached to volume ${volumeId}`);
  return m;
}

/** Checks the volume is the server's (and not its root), begins the detach, queues the host's part. */
export async function detachVolume(ctx: ComputeContext, row: InstanceRow, volumeId: string, record: () => Promise<ActionRef>): Promise<void> {
  const m = await mappingOfVolume(ctx, row, volumeId);
  if (m.boot_index === 0) throw badRequest("Can't detach root device volume");
  if (m.status !== 'attached' || !m.attachment_id) {
    throw badRequest(`Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`);
  }
  await ctx.deps.volumes.beginDetach(m.attachment_id);
  await ctx.deps.db.updateTable('compute_block_device_mapping').set({ status: 'detaching', updated_at: now() }).where('id', '=', m.id).execute();
  const action = await record();
  ctx.conductor.run(row.uuid, () => unplugVolume(ctx, row.uuid, m, action));
}

async function unplugVolume(ctx: ComputeContext, uuid: string, m: BlockDeviceMappingRow, action: ActionRef): Promise<void> {
  const db = ctx.deps.db;
  const fresh = await db.selectFrom('compute_instance').selectAll().where('uuid', '=', uuid).where('deleted', '=', 0).executeTakeFirst();
  await startEvent(db, action, 'compute_detach_volume', fresh?.host ?? null);
  try {
    if (fresh?.host) await ctx.agent(fresh.host).detachVolume(uuid, m.volume_id!);
    await ctx.deps.volumes.release(m.attachment_id!);
    await db.deleteFrom('compute_block_device_mapping').where('id', '=', m.id).execute();
  } catch (err) {
    const message = `Failed to detach volume ${m.volume_id} from ${uuid}: ${errText(err)}`;
    ctx.deps.log.warn({ uuid, volumeId: m.volume_id, err: errText(err) }, 'volume detach failed; rolling back');
    await ctx.deps.volumes.rollDetach(m.attachment_id!).catch(() => undefined);
    await db.updateTable('compute_block_device_mapping').set({ status: 'attached', updated_at: now() }).where('id', '=', m.id).execute();
    await finishEvent(db, action, 'compute_detach_volume', message);
    await finishAction(db, action, message);
    return;
  }
  await finishEvent(db, action, 'compute_detach_volume');
  await finishAction(db, action);
}

/** Nova's 400 for a swap this cloud's drivers cannot do. */
export const swapNotSupported = () => new ApiError(400, 'Swapping the volume of a server is not supported by this cloud.');
