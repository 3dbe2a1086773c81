// The legacy attach actions of POST /volumes/{id}/action (os-reserve, os-attach, os-initialize_connection…),
// over the attachment service. Plugged into the action route by volume-actions.routes.ts.
// The legacy flow: os-reserve (available → attaching) → os-initialize_connection (the export) →
// os-attach (an attachment row, in-use); detach: os-begin_detaching → os-terminate_connection →
// os-detach (the row goes, available when none is left).
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError } from '../../platform/errors.js';
import { attachmentService, beginDetaching, isReadOnly, rollDetaching } from '../attachments/attachment-service.js';
import { readConnector } from '../attachments/attachments.routes.js';
import { badRequest, enforce, isUuid, now, target } from '../common.js';
import { backendOf, type VolumeContext } from '../context.js';
import { invalidVolume, moveVolume, VOLUME_FROM, type VolumeStatus } from '../volume-states.js';
import type { VolumeRow } from '../volume.tables.js';

/** One action: its body (the value under the action's key); returns what to send (and sets the status on `reply`). */
export type ActionHandler = (ctx: VolumeContext, auth: AuthContext, volume: VolumeRow, body: unknown,
  req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const rule = (name: string) => `volume_extension:volume_actions:${name}`;
const allow = (ctx: VolumeContext, auth: AuthContext, volume: VolumeRow, name: string) =>
  enforce(ctx.deps, auth, name.includes(':') ? name : rule(name), target(auth, volume.project_id));

const obj = (body: unknown, action: string): Record<string, unknown> => {
  if (body === null || body === undefined) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest(`Invalid input received: the body of ${action} must be an object.`);
  return body as Record<string, unknown>;
};

/** The volume's status once its attachment rows are as they are now (legacy unreserve/detach). */
async function settleLegacy(ctx: VolumeContext, volumeId: string, from: readonly VolumeStatus[]): Promise<void> {
  await ctx.deps.db.transaction().execute(async (trx) => {
    const left = await trx.selectFrom('volume_attachment').select('attach_status').where('volume_id', '=', volumeId).execute();
    const inUse = left.some((a) => a.attach_status === 'attached');
    await moveVolume(trx, volumeId, from, inUse ? 'in-use' : 'available', { attach_status: inUse ? 'attached' : 'detached' }, 'unreserve')
      .catch((err) => { if (!(err instanceof ApiError) || err.status !== 400) throw err; });
    if (left.length === 0) await trx.deleteFrom('volume_admin_metadata').where('volume_id', '=', volumeId).where('key', '=', 'attached_mode').execute();
  });
}

const accepted = (reply: FastifyReply) => { void reply.code(202); return undefined; };

export const attachActions: Record<string, ActionHandler> = {
  'os-reserve': async (ctx, auth, volume, _body, _req, reply) => {
    allow(ctx, auth, volume, 'reserve');
    const from = volume.multiattach ? ['available', 'in-use'] as const : VOLUME_FROM.attachReserve;
    try {
      await moveVolume(ctx.deps.db, volume.id, from, 'attaching', {}, 'reserve');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        throw invalidVolume(`Volume status must be ${from.join(' or ')} to reserve, but the status is ${volume.status}.`);
      }
      throw err;
    }
    return accepted(reply);
  },

  'os-unreserve': async (ctx, auth, volume, _body, _req, reply) => {
    allow(ctx, auth, volume, 'unreserve');
    // Nothing to do unless it is reserved (Cinder logs and returns).
    if (volume.status === 'attaching') await settleLegacy(ctx, volume.id, ['attaching']);
    return accepted(reply);
  },

  'os-begin_detaching': async (ctx, auth, volume, _body, _req, reply) => {
    allow(ctx, auth, volume, 'begin_detaching');
    await beginDetaching(ctx.deps.db, volume.id);
    return accepted(reply);
  },

  'os-roll_detaching': async (ctx, auth, volume, _body, _req, reply) => {
    allow(ctx, auth, volume, 'roll_detaching');
    await rollDetaching(ctx.deps.db, volume.id);
    return accepted(reply);
  },

  'os-initialize_connection': async (ctx, auth, volume, body, _req, reply) => {
    allow(ctx, auth, volume, 'initialize_connection');
    const b = obj(body, 'os-initialize_connection');
    if (b.connector === undefined) throw badRequest('Must specify connector');
    const connector = readConnector(b.connector);
    if (volume.status === 'maintenance') throw invalidVolume('The volume connection cannot be initialized in maintenance mode.');
    if (!volume.host) throw invalidVolume(`Volume ${volume.id} has no backend yet (status ${volume.status}).`);
    if (await isReadOnly(ctx.deps.db, volume.id)) connector.mode = 'ro';
    const connection = await ctx.agent(backendOf(volume.host)).initializeConnection(volume.id, connector);
    if (connection.driver_volume_type === 'file' && connection.data.host !== connector.host) {
      await ctx.agent(backendOf(volume.host)).terminateConnection(volume.id, connector).catch(() => undefined);
      throw badRequest(`Volume ${volume.id} is on host ${connection.data.host} and cannot be attached to a guest on host ${connector.host}: the file backend serves only its own host.`);
    }
    void reply.code(200);
    return { connection_info: { ...connection, data: { ...connection.data, access_mode: connector.mode } } };
  },

  'os-terminate_connection': async (ctx, auth, volume, body, _req, reply) => {
    allow(ctx, auth, volume, 'terminate_connection');
    const b = obj(body, 'os-terminate_connection');
    if (b.connector === undefined) throw badRequest('Must specify connector');
    const connector = readConnector(b.connector);
    if (volume.host) await ctx.agent(backendOf(volume.host)).terminateConnection(volume.id, connector);
    // Cinder unreserves after terminating: a volume only reserved goes back to available.
    if (volume.status === 'attaching') await settleLegacy(ctx, volume.id, ['attaching']);
    return accepted(reply);
  },

  'os-attach': async (ctx, auth, volume, body, _req, reply) => {
    allow(ctx, auth, volume, 'attach');
    const b = obj(body, 'os-attach');
    const instance = b.instance_uuid ?? null;
    const host = b.host_name ?? null;
    if (instance === null && host === null) throw badRequest('Invalid request to attach volume to an invalid target');
    if (instance !== null && !isUuid(instance)) throw badRequest(`Invalid request to attach volume with an invalid instance_uuid: ${String(instance)}`);
    if (host !== null && typeof host !== 'string') throw badRequest('Invalid input received: host_name must be a string.');
    if (typeof b.mountpoint !== 'string' || b.mountpoint === '') throw badRequest('Must specify mountpoint');
    const mode = b.mode ?? 'rw';
    if (mode !== 'rw' && mode !== 'ro') throw badRequest("Invalid attaching mode 'mode' for volume: it must be rw or ro.");
    if (volume.status === 'maintenance') throw invalidVolume('The volume cannot be attached in maintenance mode.');
    const readOnly = await isReadOnly(ctx.deps.db, volume.id);
    if (readOnly && mode !== 'ro') throw badRequest(`Invalid attaching mode '${mode}' for volume ${volume.id}.`);
    const ts = now();
    await ctx.deps.db.transaction().execute(async (trx) => {
      const from = volume.multiattach ? ['available', 'attaching', 'reserved', 'in-use'] as const : ['available', 'attaching', 'reserved'] as const;
      await moveVolume(trx, volume.id, from, 'in-use', { attach_status: 'attached' }, 'attach');
      await trx.insertInto('volume_attachment').values({
        id: randomUUID(), volume_id: volume.id, instance_uuid: instance as string | null, attached_host: host as string | null,
        mountpoint: b.mountpoint as string, attach_status: 'attached', attach_mode: mode, connector: null, connection_info: null,
        attach_time: ts, detach_time: null, created_at: ts, updated_at: ts,
      }).execute();
      await trx.deleteFrom('volume_admin_metadata').where('volume_id', '=', volume.id).where('key', '=', 'attached_mode').execute();
      await trx.insertInto('volume_admin_metadata').values({ volume_id: volume.id, key: 'attached_mode', value: mode }).execute();
    });
    return accepted(reply);
  },

  'os-detach': async (ctx, auth, volume, body, _req, reply) => {
    allow(ctx, auth, volume, 'detach');
    await detachLegacy(ctx, volume, obj(body, 'os-detach').attachment_id);
    return accepted(reply);
  },

  'os-force_detach': async (ctx, auth, volume, body, _req, reply) => {
    allow(ctx, auth, volume, 'volume_extension:volume_admin_actions:force_detach');
    const b = obj(body, 'os-force_detach');
    if (b.connector !== undefined && b.connector !== null && volume.host) {
      await ctx.agent(backendOf(volume.host)).terminateConnection(volume.id, readConnector(b.connector));
    }
    await detachLegacy(ctx, volume, b.attachment_id, true);
    return accepted(reply);
  },
};

/** Drops the named attachment (or the volume's only one); `force` also from any attach status. */
async function detachLegacy(ctx: VolumeContext, volume: VolumeRow, attachmentId: unknown, force = false): Promise<void> {
  if (volume.status === 'maintenance' && !force) throw invalidVolume('The volume cannot be detached in maintenance mode.');
  if (attachmentId !== undefined && attachmentId !== null && typeof attachmentId !== 'string') throw badRequest('Invalid input received: attachment_id must be a string.');
  const atts = await ctx.deps.db.selectFrom('volume_attachment').select('id').where('volume_id', '=', volume.id).execute();
  let ids: string[];
  if (attachmentId) {
    if (!atts.some((a) => a.id === attachmentId)) throw new ApiError(404, `Volume attachment could not be found with filter: attachment_id = ${attachmentId}.`);
    ids = [attachmentId];
  } else if (atts.length <= 1 || force) {
    ids = atts.map((a) => a.id);
  } else {
    throw badRequest('Invalid volume: Volume is attached to more than one instance: name the attachment_id to detach.');
  }
  const service = attachmentService(ctx);
  for (const id of ids) await service.release(id);
  // Nothing was attached (a reservation only, or a forced detach of a stuck volume): settle it anyway.
  if (ids.length === 0 || force) await settleLegacy(ctx, volume.id, ['attaching', 'reserved', 'in-use', 'detaching']);
}
