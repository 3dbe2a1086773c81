// Cinder's attachments API (3.27+; os-complete 3.44+): create (reserve, and connect when a
// connector is given), list, show, update (connect), complete and delete. Below 3.27 the routes
// answer 404, as Cinder's version-gated resources do.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Connector } from '../../agent/storage/backend.js';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { filtersOf, nextLinks, pageRows, parsePaging, type Query } from '../collection.js';
import { badRequest, enforce, isAdmin, isUuid, notFound, target, unwrap } from '../common.js';
import type { VolumeContext } from '../context.js';
import { has, type Feature } from '../microversions.js';
import { loadVisibleVolume } from '../volumes/volume-access.js';
import type { AttachmentRow, VolumeRow } from '../volume.tables.js';
import { attachmentService, loadAttachment } from './attachment-service.js';
import { attachmentDetail, attachmentSummary } from './attachment-view.js';

type IdParams = { attachment_id: string };

const FILTERS = ['volume_id', 'status', 'attach_status', 'instance_id', 'all_tenants'];
const SORT_KEYS = ['id', 'created_at', 'updated_at', 'volume_id', 'instance_uuid', 'attach_status', 'status'];

/** Cinder's 404 for a resource the requested microversion does not have. */
const gate = (req: FastifyRequest, feature: Feature): void => {
  if (!has(req, feature)) throw new ApiError(404, 'The resource could not be found.');
};

/** A connector as consumers send it (Nova's has initiator, ip, platform…): we need its host. */
export function readConnector(v: unknown): Connector {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest('Invalid input received: connector must be an object.');
  const c = v as Record<string, unknown>;
  if (typeof c.host !== 'string' || c.host === '') throw badRequest("Invalid input received: connector must name the consumer's 'host'.");
  const mode = c.mode === undefined || c.mode === null || c.mode === 'null' ? 'rw' : c.mode;
  if (mode !== 'rw' && mode !== 'ro') throw badRequest(`Invalid input received: connector mode must be rw or ro, got '${String(c.mode)}'.`);
  return { host: c.host, mode };
}

export function attachmentRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const deps = ctx.deps;
  const service = attachmentService(ctx);

  /** The attachment and its volume if the caller may see them (their project's, or admin), else 404. */
  async function visible(auth: AuthContext, id: string, rule: string): Promise<{ att: AttachmentRow; volume: VolumeRow }> {
    const att = await loadAttachment(deps.db, id);
    const volume = await deps.db.selectFrom('volume').selectAll().where('id', '=', att.volume_id).executeTakeFirst();
    if (!volume || (volume.project_id !== auth.projectId && !isAdmin(deps, auth))) throw notFound.attachment(id);
    enforce(deps, auth, rule, target(auth, volume.project_id));
    return { att, volume };
  }

  async function list(req: FastifyRequest, detail: boolean) {
    gate(req, 'attachmentsApi');
    const auth = caller(req);
    enforce(deps, auth, 'volume:attachment_get_all');
    const q = req.query as Query;
    const paging = parsePaging(q, SORT_KEYS);
    const filters = filtersOf(q);
    const admin = isAdmin(deps, auth);
    for (const key of Object.keys(filters)) {
      if (!FILTERS.includes(key) && !admin) throw badRequest(`Invalid filters ${key} are found in query options.`);
    }
    let sel = deps.db.selectFrom('volume_attachment').innerJoin('volume', 'volume.id', 'volume_attachment.volume_id')
      .selectAll('volume_attachment');
    if (!(admin && filters.all_tenants !== undefined)) sel = sel.where('volume.project_id', '=', auth.projectId ?? '');
    if (filters.volume_id) sel = sel.where('volume_attachment.volume_id', '=', filters.volume_id);
    if (filters.instance_id) sel = sel.where('volume_attachment.instance_uuid', '=', filters.instance_id);
    const status = filters.attach_status ?? filters.status;
    if (status) sel = sel.where('volume_attachment.attach_status', '=', status);
    const rows = await sel.execute();
    const page = pageRows(rows, paging, {
      value: (r, key) => (r as unknown as Record<string, unknown>)[key === 'status' ? 'attach_status' : key],
      notFound: notFound.attachment,
    });
    return { attachments: page.items.map(detail ? attachmentDetail : attachmentSummary), ...nextLinks(req, deps.config.publicUrl, 'attachments', page.next) };
  }

  return async (app) => {
    app.post('/attachments', async (req) => {
      gate(req, 'attachmentsApi');
      const auth = caller(req);
      const body = unwrap(req.body, 'attachment');
      const allowed = ['volume_uuid', 'instance_uuid', 'connector', ...(has(req, 'attachmentMode') ? ['mode'] : [])];
      for (const k of Object.keys(body)) if (!allowed.includes(k)) throw badRequest(`Invalid input for field/attribute attachment. Additional properties are not allowed ('${k}' was unexpected)`);
      if (!isUuid(body.volume_uuid)) throw badRequest("Invalid input for field/attribute volume_uuid. Value: 'volume_uuid' must be a volume's UUID.");
      const instance = body.instance_uuid;
      if (instance !== undefined && instance !== null && !isUuid(instance)) throw badRequest('Invalid input for field/attribute instance_uuid. Value: it must be a UUID or null.');
      const mode = body.mode;
      if (mode !== undefined && mode !== null && mode !== 'null' && mode !== 'rw' && mode !== 'ro') throw badRequest(`Invalid input for field/attribute mode. Value: '${String(mode)}' is not one of 'rw', 'ro'.`);
      const connector = body.connector === undefined || body.connector === null ? null : readConnector(body.connector);
      const volume = await loadVisibleVolume(deps, auth, body.volume_uuid);
      enforce(deps, auth, 'volume:attachment_create', target(auth, volume.project_id));
      const att = await service.reserve(volume.id, (instance as string | null | undefined) ?? null, { mode: mode === 'rw' || mode === 'ro' ? mode : null });
      if (connector) {
        try {
          await service.connect(att.id, connector);
        } catch (err) {
          // A refused connection must not leave the reservation behind (Cinder's create is one call).
          await service.release(att.id).catch(() => undefined);
          throw err;
        }
      }
      return { attachment: attachmentDetail(await loadAttachment(deps.db, att.id)) };
    });

    app.get('/attachments', (req) => list(req, false));
    app.get('/attachments/detail', (req) => list(req, true));

    app.get<{ Params: IdParams }>('/attachments/:attachment_id', async (req) => {
      gate(req, 'attachmentsApi');
      const { att } = await visible(caller(req), req.params.attachment_id, 'volume:attachment_get');
      return { attachment: attachmentDetail(att) };
    });

    app.put<{ Params: IdParams }>('/attachments/:attachment_id', async (req) => {
      gate(req, 'attachmentsApi');
      const auth = caller(req);
      const body = unwrap(req.body, 'attachment');
      if (body.connector === undefined) throw badRequest("Invalid input for field/attribute attachment. Value: 'connector' is a required property");
      const connector = readConnector(body.connector);
      const { att } = await visible(auth, req.params.attachment_id, 'volume:attachment_update');
      await service.connect(att.id, connector);
      return { attachment: attachmentDetail(await loadAttachment(deps.db, att.id)) };
    });

    app.post<{ Params: IdParams }>('/attachments/:attachment_id/action', async (req, reply) => {
      gate(req, 'attachmentComplete');
      const auth = caller(req);
      const body = req.body;
      if (!body || typeof body !== 'object' || Array.isArray(body) || !('os-complete' in body) || Object.keys(body).length !== 1) {
        throw badRequest('Invalid input received: the action body must be {"os-complete": null}.');
      }
      const { att } = await visible(auth, req.params.attachment_id, 'volume:attachment_complete');
      await service.complete(att.id, att.mountpoint);
      return reply.code(204).send();
    });

    app.delete<{ Params: IdParams }>('/attachments/:attachment_id', async (req) => {
      gate(req, 'attachmentsApi');
      const auth = caller(req);
      const { att } = await visible(auth, req.params.attachment_id, 'volume:attachment_delete');
      await refuseWhileComputeUsesIt(ctx, att);
      const left = await service.release(att.id);
      return { attachments: left.map(attachmentSummary) };
    });
  };
}

/**
 * Cinder's fix for bug #2004555: a user may not delete an attachment a server still uses (the guest
 * would keep the device); only compute, detaching through its own API, releases it. Compute's
 * record of it is its block device mapping naming this attachment.
 */
async function refuseWhileComputeUsesIt(ctx: VolumeContext, att: AttachmentRow): Promise<void> {
  if (!att.instance_uuid || !att.connection_info) return;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = ctx.deps.db as any;
  const bdm = await db.selectFrom('compute_block_device_mapping').select('id')
    .where('attachment_id', '=', att.id).where('instance_uuid', '=', att.instance_uuid).executeTakeFirst()
    .catch(() => undefined);
  if (bdm) throw new ApiError(409, `Detach volume from instance ${att.instance_uuid} using the Compute API`);
}
