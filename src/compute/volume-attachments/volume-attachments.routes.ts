// Nova's /servers/{server_id}/os-volume_attachments: list, show, attach (200 with the attachment)
// and detach (202); swap (PUT) is refused. Views are Nova's volumeAttachment below 2.70 (no tag).
import type { FastifyPluginAsync } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { forbidden } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import type { ComputeContext } from '../context.js';
import { target } from '../common.js';
import type { InstanceRow } from '../compute.tables.js';
import { checkNotLocked, loadServer } from '../servers/server-load.js';
import { mappingsOf } from '../block-devices/guest-volumes.js';
import {
  attachmentView, attachVolume, checkVolumeState, detachVolume, mappingOfVolume, readAttachBody, swapNotSupported,
} from './volume-attachments.service.js';

type Params = { server_id: string };
type VolumeParams = Params & { volume_id: string };

/** Nova's defaults for these rules, used when the policy in force does not name them. */
const DEFAULTS: Record<string, string> = {
  index: 'project_reader_or_admin', show: 'project_reader_or_admin', create: 'project_member_or_admin',
  delete: 'project_member_or_admin', update: 'project_member_or_admin', swap: 'admin_api',
};

export function volumeAttachmentRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const deps = ctx.deps;

  function enforceRule(auth: AuthContext, row: InstanceRow, action: keyof typeof DEFAULTS): void {
    const name = `os_compute_api:os-volumes-attachments:${action}`;
    const rule = deps.policy.rules().includes(name) ? name : DEFAULTS[action]!;
    if (!deps.policy.allows(auth, rule, target(auth, row.project_id, row.user_id))) throw forbidden(`Policy doesn't allow ${name} to be performed.`);
  }

  const load = async (auth: AuthContext, id: string, action: keyof typeof DEFAULTS) => {
    const row = await loadServer(deps, auth, id);
    enforceRule(auth, row, action);
    return row;
  };

  return async (app) => {
    app.get<{ Params: Params }>('/servers/:server_id/os-volume_attachments', async (req) => {
      const auth = caller(req);
      const row = await load(auth, req.params.server_id, 'index');
      const q = req.query as { limit?: string; offset?: string };
      const all = (await mappingsOf(deps.db, row.uuid)).filter((m) => m.volume_id !== null);
      const offset = Math.max(0, Number.parseInt(q.offset ?? '0', 10) || 0);
      const limit = q.limit !== undefined ? Math.max(0, Number.parseInt(q.limit, 10) || 0) : all.length;
      return { volumeAttachments: all.slice(offset, offset + limit).map(attachmentView) };
    });

    app.get<{ Params: VolumeParams }>('/servers/:server_id/os-volume_attachments/:volume_id', async (req) => {
      const auth = caller(req);
      const row = await load(auth, req.params.server_id, 'show');
      return { volumeAttachment: attachmentView(await mappingOfVolume(ctx, row, req.params.volume_id)) };
    });

    app.post<{ Params: Params }>('/servers/:server_id/os-volume_attachments', async (req) => {
      const auth = caller(req);
      const row = await load(auth, req.params.server_id, 'create');
      checkNotLocked(deps, auth, row);
      const body = readAttachBody(req.body);
      checkVolumeState(row, 'attach_volume');
      const record = () => ctx.conductor.record(row.uuid, auth, 'attach_volume', req.computeRequestId!, row.project_id);
      return { volumeAttachment: await attachVolume(ctx, auth, row, body, record) };
    });

    app.put<{ Params: VolumeParams }>('/servers/:server_id/os-volume_attachments/:volume_id', async (req) => {
      const auth = caller(req);
      const row = await load(auth, req.params.server_id, 'update');
      enforceRule(auth, row, 'swap');
      checkNotLocked(deps, auth, row);
      await mappingOfVolume(ctx, row, req.params.volume_id);
      throw swapNotSupported();
    });

    app.delete<{ Params: VolumeParams }>('/servers/:server_id/os-volume_attachments/:volume_id', async (req, reply) => {
      const auth = caller(req);
      const row = await load(auth, req.params.server_id, 'delete');
      checkNotLocked(deps, auth, row);
      checkVolumeState(row, 'detach_volume');
      const record = () => ctx.conductor.record(row.uuid, auth, 'detach_volume', req.computeRequestId!, row.project_id);
      await detachVolume(ctx, row, req.params.volume_id, record);
      return reply.code(202).send();
    });
  };
}
