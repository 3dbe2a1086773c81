// Cinder's attachment workflow (the 3.44 flow Nova follows, and the legacy actions on top of it):
// reserve → connect (the backend exports the volume to the consumer's host) → complete; detach:
// begin → the host lets go → release. Every volume status change is a conditional UPDATE
// (moveVolume), so two racing reserves of a volume that is not multiattach cannot both win.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Connector, VolumeConnection } from '../../agent/storage/backend.js';
import { ApiError } from '../../platform/errors.js';
import { json, notFound, now } from '../common.js';
import { backendOf, type VolumeContext } from '../context.js';
import { invalidVolume, moveVolume, VOLUME_FROM, type VolumeStatus } from '../volume-states.js';
import type { AttachmentRow, VolumeDb, VolumeRow, VolumeTables } from '../volume.tables.js';

type Db = Kysely<VolumeTables> | Transaction<VolumeTables>;

export interface ReserveOptions {
  /** rw (default) or ro; a volume with admin metadata readonly=True is always attached ro. */
  mode?: 'rw' | 'ro' | null;
}

/** The statuses a volume passes through while attachments come and go. */
const ATTACH_BUSY: readonly VolumeStatus[] = ['reserved', 'attaching', 'in-use', 'detaching'];

export async function loadAttachment(db: Db, id: string): Promise<AttachmentRow> {
  const row = await db.selectFrom('volume_attachment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound.attachment(id);
  return row;
}

async function loadVolume(db: Db, id: string): Promise<VolumeRow> {
  const row = await db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound.volume(id);
  return row;
}

async function adminMeta(db: Db, volumeId: string, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('volume_admin_metadata').select('value').where('volume_id', '=', volumeId).where('key', '=', key).executeTakeFirst();
  return row?.value;
}

async function setAdminMeta(db: Db, volumeId: string, key: string, value: string | null): Promise<void> {
  await db.deleteFrom('volume_admin_metadata').where('volume_id', '=', volumeId).where('key', '=', key).execute();
  if (value !== null) await db.insertInto('volume_admin_metadata').values({ volume_id: volumeId, key, value }).execute();
}

/** Whether the volume's admin metadata makes it read-only (Cinder's `readonly` = 'True'). */
export async function isReadOnly(db: Db, volumeId: string): Promise<boolean> {
  return (await adminMeta(db, volumeId, 'readonly'))?.toLowerCase() === 'true';
}

export class AttachmentService {
  constructor(private readonly ctx: VolumeContext) {}

  private get db(): VolumeDb { return this.ctx.deps.db; }

  /**
   * An attachment row `reserved` for the instance, the volume moved to `reserved` in the same
   * transaction: from available (multiattach volumes also from in-use, reserved or attaching).
   * 409 if the instance holds an attachment of the volume already.
   */
  async reserve(volumeId: string, instanceUuid: string | null, opts: ReserveOptions = {}): Promise<AttachmentRow> {
    return this.db.transaction().execute(async (trx) => {
      const volume = await loadVolume(trx, volumeId);
      if (volume.status.includes('error')) {
        throw invalidVolume(`Volume attachments can not be created if the volume is in an error state. The Volume ${volume.id} currently has a status of: ${volume.status}`);
      }
      if (instanceUuid) {
        const dup = await trx.selectFrom('volume_attachment').select('id')
          .where('volume_id', '=', volumeId).where('instance_uuid', '=', instanceUuid).executeTakeFirst();
        if (dup) throw new ApiError(409, `Volume ${volumeId} is already attached to instance ${instanceUuid}.`);
      }
      const from = volume.multiattach ? VOLUME_FROM.attachReserveMulti : VOLUME_FROM.attachReserve;
      try {
        await moveVolume(trx, volumeId, from, 'reserved', {}, 'reserve');
      } catch (err) {
        if (err instanceof ApiError && err.status === 400) {
          const cur = await trx.selectFrom('volume').select('status').where('id', '=', volumeId).executeTakeFirst();
          const list = from.length === 1 ? from[0] : `${from.slice(0, -1).join(', ')} or ${from.at(-1)}`;
          throw invalidVolume(`Volume ${volumeId} status must be ${list} to reserve, but the current status is ${cur?.status ?? 'deleted'}.`);
        }
        throw err;
      }
      const mode = (await isReadOnly(trx, volumeId)) ? 'ro' : (opts.mode ?? 'rw');
      const ts = now();
      const row: AttachmentRow = {
        id: randomUUID(), volume_id: volumeId, instance_uuid: instanceUuid, attached_host: null, mountpoint: null,
        attach_status: 'reserved', attach_mode: mode, connector: null, connection_info: null,
        attach_time: null, detach_time: null, created_at: ts, updated_at: ts,
      };
      await trx.insertInto('volume_attachment').values(row).execute();
      return row;
    });
  }

  /**
   * Exports the volume to the connector's host (the backend's initializeConnection) and records the
   * connection on the attachment: attachment and volume `attaching` (an attachment already attached
   * keeps its status: a new connector for the same guest). A `file` volume serves its own host only.
   */
  async connect(attachmentId: string, connector: Connector): Promise<VolumeConnection> {
    const att = await loadAttachment(this.db, attachmentId);
    const volume = await loadVolume(this.db, att.volume_id);
    if (volume.status.includes('error')) {
      throw new ApiError(409, `Volume attachments can not be updated if the volume is in an error state. The Volume ${volume.id} currently has a status of: ${volume.status}`);
    }
    if (!volume.host) throw invalidVolume(`Volume ${volume.id} has no backend yet (status ${volume.status}).`);
    const mode = att.attach_mode === 'ro' ? 'ro' : (connector.mode ?? 'rw');
    const wanted: Connector = { host: connector.host, mode };
    const connection = await this.ctx.agent(backendOf(volume.host)).initializeConnection(volume.id, wanted);
    if (connection.driver_volume_type === 'file' && connection.data.host !== connector.host) {
      await this.ctx.agent(backendOf(volume.host)).terminateConnection(volume.id, wanted).catch(() => undefined);
      throw new ApiError(400, `Volume ${volume.id} is on host ${connection.data.host} and cannot be attached to a guest on host ${connector.host}: the file backend serves only its own host.`);
    }
    const attached = att.attach_status === 'attached';
    await this.db.transaction().execute(async (trx) => {
      if (!attached) await moveVolume(trx, volume.id, ATTACH_BUSY, 'attaching', { attach_status: 'attaching' }, 'attach');
      await trx.updateTable('volume_attachment').set({
        attach_status: attached ? 'attached' : 'attaching', connector: JSON.stringify(wanted), connection_info: JSON.stringify(connection),
        attached_host: connector.host, attach_mode: mode, updated_at: now(),
      }).where('id', '=', attachmentId).execute();
    });
    return connection;
  }

  /** The host attached it: attachment `attached` with the device, the volume `in-use`/`attached`. */
  async complete(attachmentId: string, mountpoint: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const att = await loadAttachment(trx, attachmentId);
      await moveVolume(trx, att.volume_id, ATTACH_BUSY, 'in-use', { attach_status: 'attached' }, 'complete the attachment');
      await trx.updateTable('volume_attachment').set({
        attach_status: 'attached', attach_time: att.attach_time ?? now(), mountpoint: mountpoint ?? att.mountpoint, detach_time: null, updated_at: now(),
      }).where('id', '=', attachmentId).execute();
      await setAdminMeta(trx, att.volume_id, 'attached_mode', att.attach_mode);
    });
  }

  /** in-use → detaching before the host unplugs the volume (400 unless in-use and attached). */
  async beginDetach(attachmentId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const att = await loadAttachment(trx, attachmentId);
      await beginDetaching(trx, att.volume_id);
      await trx.updateTable('volume_attachment').set({ attach_status: 'detaching', updated_at: now() }).where('id', '=', attachmentId).execute();
    });
  }

  /** detaching → in-use again (the unplug failed); resolves if the volume is not detaching. */
  async rollDetach(attachmentId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const att = await trx.selectFrom('volume_attachment').selectAll().where('id', '=', attachmentId).executeTakeFirst();
      if (!att) return;
      await rollDetaching(trx, att.volume_id);
      await trx.updateTable('volume_attachment').set({ attach_status: att.connection_info ? 'attached' : att.attach_status, updated_at: now() })
        .where('id', '=', attachmentId).where('attach_status', '=', 'detaching').execute();
    });
  }

  /**
   * Ends the export (if one was made), drops the attachment and settles the volume: available and
   * detached when no attachment is left, else in-use (or reserved). Resolves if already gone.
   * Returns the volume's remaining attachments.
   */
  async release(attachmentId: string): Promise<AttachmentRow[]> {
    const att = await this.db.selectFrom('volume_attachment').selectAll().where('id', '=', attachmentId).executeTakeFirst();
    if (!att) return [];
    const volume = await this.db.selectFrom('volume').selectAll().where('id', '=', att.volume_id).executeTakeFirst();
    if (volume?.host && att.connector) {
      const connector = json<Connector>(att.connector, { host: att.attached_host ?? '', mode: att.attach_mode });
      // The export is the backend's; a failure to end it must not keep the volume stuck attached.
      await this.ctx.agent(backendOf(volume.host)).terminateConnection(volume.id, connector)
        .catch((err) => this.ctx.deps.log.warn({ volumeId: volume.id, err: (err as Error).message }, 'terminate connection failed'));
    }
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('volume_attachment').where('id', '=', attachmentId).execute();
      const left = await trx.selectFrom('volume_attachment').selectAll().where('volume_id', '=', att.volume_id).orderBy('created_at').execute();
      await settle(trx, att.volume_id, left);
      return left;
    });
  }
}

/** The volume's status once its attachments are `left`. */
async function settle(trx: Db, volumeId: string, left: AttachmentRow[]): Promise<void> {
  const [to, attach] = left.length === 0 ? ['available', 'detached'] as const
    : left.some((a) => a.attach_status === 'attached' || a.attach_status === 'detaching') ? ['in-use', 'attached'] as const
      : left.some((a) => a.attach_status === 'attaching') ? ['attaching', 'attaching'] as const : ['reserved', 'detached'] as const;
  try {
    await moveVolume(trx, volumeId, ATTACH_BUSY, to, { attach_status: attach }, 'detach');
  } catch (err) {
    // The volume left the attach statuses meanwhile (an admin's reset-status, a delete): leave it.
    if (!(err instanceof ApiError)) throw err;
  }
  if (left.length === 0) await setAdminMeta(trx, volumeId, 'attached_mode', null);
}

/** Cinder's begin_detaching: in-use (attached) → detaching, else its 400. */
export async function beginDetaching(db: Db, volumeId: string): Promise<void> {
  try {
    await moveVolume(db, volumeId, ['in-use'], 'detaching', {}, 'detach');
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) {
      throw invalidVolume("Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.");
    }
    throw err;
  }
}

/** Cinder's roll_detaching: detaching → in-use; nothing to do from any other status. */
export async function rollDetaching(db: Db, volumeId: string): Promise<void> {
  await db.updateTable('volume').set({ status: 'in-use', updated_at: now() }).where('id', '=', volumeId).where('status', '=', 'detaching').execute();
}

/** The service the volume context serves attachments with (one per context). */
const services = new WeakMap<VolumeContext, AttachmentService>();
export function attachmentService(ctx: VolumeContext): AttachmentService {
  let s = services.get(ctx);
  if (!s) { s = new AttachmentService(ctx); services.set(ctx, s); }
  return s;
}
