// /messages (3.3+): what went wrong with a project's asynchronous requests. List (paged from 3.5),
// show and delete; a project sees its own messages, admins all of them.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { caller } from '../../platform/http/auth-hook.js';
import { ApiError } from '../../platform/errors.js';
import { compareVersions } from '../../platform/http/microversion.js';
import { checkFilterNames, filtersOf, nextLinks, pageRows, parsePaging, type Query } from '../collection.js';
import { enforce, isAdmin, isoMicro, links, notFound, target, type VolumeDeps } from '../common.js';
import type { VolumeContext } from '../context.js';
import { has } from '../microversions.js';
import type { VolumeMessageRow } from '../volume.tables.js';
import { removeExpiredMessages } from './user-messages.js';

type Params = { message_id: string };

/** Cinder's resource_filters.json entry for messages. */
const FILTERS = ['resource_uuid', 'resource_type', 'event_id', 'request_id', 'message_level'] as const;
const SORT_KEYS = ['id', 'created_at', 'expires_at', 'event_id', 'message_level', 'resource_type', 'resource_uuid', 'request_id'];

/** Cinder's message view; `guaranteed_until` is Cinder's name for the expiry, `expires_at` the column's. */
export function messageView(deps: VolumeDeps, projectId: string, m: VolumeMessageRow): Record<string, unknown> {
  return {
    id: m.id,
    event_id: m.event_id,
    user_message: m.user_message,
    message_level: m.message_level,
    created_at: isoMicro(m.created_at),
    guaranteed_until: isoMicro(m.expires_at),
    expires_at: isoMicro(m.expires_at),
    request_id: m.request_id,
    links: links(deps.config.publicUrl, projectId, 'messages', m.id),
    ...(m.resource_type ? { resource_type: m.resource_type } : {}),
    ...(m.resource_uuid ? { resource_uuid: m.resource_uuid } : {}),
  };
}

/** Below 3.3 the messages API does not exist: Cinder answers a bare 404. */
function requireMessages(req: FastifyRequest): void {
  if (!has(req, 'messages')) throw new ApiError(404, 'The resource could not be found.');
}

async function loadMessage(deps: VolumeDeps, auth: AuthContext, id: string): Promise<VolumeMessageRow> {
  const row = await deps.db.selectFrom('volume_message').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.project_id !== auth.projectId && !isAdmin(deps, auth)) || row.expires_at < new Date().toISOString()) {
    throw notFound.message(id);
  }
  return row;
}

export function messageRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get<{ Params: { project_id: string } }>('/messages', async (req) => {
      requireMessages(req);
      const auth = caller(req);
      enforce(deps, auth, 'message:get_all');
      await removeExpiredMessages(deps);
      const q = req.query as Query;
      // Paging and filters arrived in 3.5; before, every parameter is ignored.
      const paged = compareVersions(req.volumeVersion!, { major: 3, minor: 5 }) >= 0;
      const paging = parsePaging(paged ? q : {}, SORT_KEYS);
      const admin = isAdmin(deps, auth);
      const filters = paged ? checkFilterNames(filtersOf(q), FILTERS, { admin, version: req.volumeVersion! }) : {};
      let query = deps.db.selectFrom('volume_message').selectAll();
      // Admins see every project's messages, as Cinder's admin context does.
      if (!admin) query = query.where('project_id', '=', auth.projectId ?? '');
      for (const key of FILTERS) if (filters[key] !== undefined) query = query.where(key, '=', filters[key]!);
      const rows = await query.execute();
      const page = pageRows(rows, paging, { notFound: notFound.message });
      return {
        messages: page.items.map((m) => messageView(deps, req.params.project_id, m)),
        ...nextLinks(req, deps.config.publicUrl, 'messages', page.next),
      };
    });

    app.get<{ Params: Params & { project_id: string } }>('/messages/:message_id', async (req) => {
      requireMessages(req);
      const auth = caller(req);
      const row = await loadMessage(deps, auth, req.params.message_id);
      enforce(deps, auth, 'message:get', target(auth, row.project_id));
      return { message: messageView(deps, req.params.project_id, row) };
    });

    app.delete<{ Params: Params }>('/messages/:message_id', async (req, reply) => {
      requireMessages(req);
      const auth = caller(req);
      const row = await loadMessage(deps, auth, req.params.message_id);
      enforce(deps, auth, 'message:delete', target(auth, row.project_id));
      await deps.db.deleteFrom('volume_message').where('id', '=', row.id).execute();
      return reply.code(204).send();
    });
  };
}
