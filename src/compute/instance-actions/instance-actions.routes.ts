// Nova's os-instance-actions API: the record of what was asked of a server (action-log.ts writes
// it) and, per action, the steps the conductor ran (events). Newest first. From 2.21 the actions
// of deleted servers stay readable; 2.51 shows events to the owner (without traceback); 2.58
// adds updated_at and paging (limit, marker = request_id, changes-since); 2.62 adds hostId
// (and host, for those who may see tracebacks).
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isoMicro, target, type ComputeDeps } from '../common.js';
import type { InstanceActionEventRow, InstanceActionRow, InstanceRow } from '../compute.tables.js';
import type { ComputeContext } from '../context.js';
import { has } from '../microversions.js';
import { loadServer } from '../servers/server-load.js';

type Params = { server_id: string };
type ShowParams = Params & { request_id: string };
type Query = Record<string, string | string[] | undefined>;

/** Nova's [api] max_limit: a page never holds more. */
const MAX_LIMIT = 1000;
const PAGING_PARAMS = ['limit', 'marker', 'changes-since'];

/** Nova's generate_hostid: the host hidden per project, so tenants can tell "same host" apart
 *  without learning host names. */
export const hostId = (host: string | null, projectId: string): string =>
  host ? createHash('sha224').update(projectId + host).digest('hex') : '';

function formatAction(a: InstanceActionRow, withUpdatedAt: boolean): Record<string, unknown> {
  return {
    action: a.action, instance_uuid: a.instance_uuid, request_id: a.request_id, user_id: a.user_id,
    project_id: a.project_id, start_time: isoMicro(a.start_time), message: a.message,
    ...(withUpdatedAt ? { updated_at: isoMicro(a.updated_at) } : {}),
  };
}

interface EventView { traceback: boolean; host: boolean; hostId: boolean; projectId: string }

function formatEvent(e: InstanceActionEventRow, view: EventView): Record<string, unknown> {
  return {
    event: e.event, start_time: isoMicro(e.start_time), finish_time: isoMicro(e.finish_time), result: e.result,
    ...(view.traceback ? { traceback: e.traceback } : {}),
    ...(view.host ? { host: e.host } : {}),
    ...(view.hostId ? { hostId: hostId(e.host, view.projectId) } : {}),
  };
}

/** One value of a query parameter: Nova's single_param refuses repeats. */
function single(query: Query, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) throw badRequest(`Invalid input for query parameters ${name}. Value: ${JSON.stringify(v).slice(0, 100)}. It is given more than once`);
  return v;
}

/** An ISO 8601 date-time (as Nova's `date-time` format checker wants it), as our stored form. */
function parseDateTime(name: string, value: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value);
  const d = ok ? new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value.replace(' ', 'T') : `${value.replace(' ', 'T')}Z`) : null;
  if (!d || Number.isNaN(d.getTime())) {
    throw badRequest(`Invalid input for query parameters ${name}. Value: ${value.slice(0, 100)}. '${value.slice(0, 100)}' is not a 'date-time'`);
  }
  return d.toISOString();
}

interface Page { limit: number; marker?: string; changesSince?: string; limitGiven: boolean }

/** 2.58's query: only limit, marker and changes-since, each once (additionalProperties: false). */
function pageOf(query: Query): Page {
  const unknown = Object.keys(query).find((k) => !PAGING_PARAMS.includes(k));
  if (unknown !== undefined) {
    throw badRequest(`Invalid input for query parameters. Additional properties are not allowed ('${unknown.slice(0, 100)}' was unexpected)`);
  }
  const limitText = single(query, 'limit');
  let limit = MAX_LIMIT;
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText)) {
      throw badRequest(`Invalid input for query parameters limit. Value: ${limitText.slice(0, 100)}. It must be a non-negative integer`);
    }
    limit = Math.min(MAX_LIMIT, Number(limitText));
  }
  const since = single(query, 'changes-since');
  return {
    limit, limitGiven: limitText !== undefined, marker: single(query, 'marker'),
    changesSince: since === undefined ? undefined : parseDateTime('changes-since', since),
  };
}

class InstanceActionService {
  constructor(private readonly deps: ComputeDeps) {}

  /** The server (deleted ones too from 2.21) and the policy check on its project. */
  async server(req: FastifyRequest, auth: AuthContext, serverId: string, rule: string): Promise<InstanceRow> {
    const server = await loadServer(this.deps, auth, serverId, has(req, 'deletedInstanceActions'));
    enforce(this.deps, auth, `os-instance-actions:${rule}`, target(auth, server.project_id));
    return server;
  }

  async list(server: InstanceRow, page: Page | null): Promise<InstanceActionRow[]> {
    let q = this.deps.db.selectFrom('compute_instance_action').selectAll().where('instance_uuid', '=', server.uuid);
    if (page?.marker !== undefined) {
      const m = await this.deps.db.selectFrom('compute_instance_action').select(['start_time', 'id'])
        .where('instance_uuid', '=', server.uuid).where('request_id', '=', page.marker).executeTakeFirst();
      if (!m) throw badRequest(`Marker ${page.marker.slice(0, 255)} could not be found.`);
      // Keyset paging in the list's order (newest first, id breaking ties).
      q = q.where((eb) => eb.or([
        eb('start_time', '<', m.start_time),
        eb.and([eb('start_time', '=', m.start_time), eb('id', '<', m.id)]),
      ]));
    }
    if (page?.changesSince !== undefined) q = q.where('updated_at', '>=', page.changesSince);
    q = q.orderBy('start_time', 'desc').orderBy('id', 'desc');
    if (page) q = q.limit(page.limit);
    return q.execute();
  }

  async show(server: InstanceRow, requestId: string): Promise<{ action: InstanceActionRow; events: InstanceActionEventRow[] }> {
    const action = await this.deps.db.selectFrom('compute_instance_action').selectAll()
      .where('instance_uuid', '=', server.uuid).where('request_id', '=', requestId)
      .orderBy('start_time', 'desc').executeTakeFirst();
    if (!action) throw notFound(`Action ${requestId} not found`);
    const events = await this.deps.db.selectFrom('compute_instance_action_event').selectAll()
      .where('action_id', '=', action.id).orderBy('start_time', 'desc').orderBy('event', 'desc').execute();
    return { action, events };
  }
}

/** The next page's address: the same query with the marker moved to the page's last action. */
function nextLink(ctx: ComputeContext, serverId: string, query: Query, last: InstanceActionRow): { rel: string; href: string } {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'marker' && typeof v === 'string') params.set(k, v);
  params.set('marker', last.request_id);
  return { rel: 'next', href: `${ctx.deps.config.publicUrl}/compute/v2.1/servers/${encodeURIComponent(serverId)}/os-instance-actions?${params.toString()}` };
}

export function instanceActionRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const actions = new InstanceActionService(ctx.deps);
  return async (app) => {
    app.get<{ Params: Params; Querystring: Query }>('/servers/:server_id/os-instance-actions', async (req) => {
      const paging = has(req, 'actionsPagination');
      // Before 2.58 the query is ignored, as Nova's schema (additionalProperties: true) does.
      const page = paging ? pageOf(req.query) : null;
      const auth = caller(req);
      const server = await actions.server(req, auth, req.params.server_id, 'list');
      const rows = await actions.list(server, page);
      const body: Record<string, unknown> = { instanceActions: rows.map((a) => formatAction(a, paging)) };
      // Nova links the next page only when the page came back full.
      if (page && rows.length > 0 && rows.length === page.limit && (page.limitGiven || rows.length === MAX_LIMIT)) {
        body.links = [nextLink(ctx, req.params.server_id, req.query, rows[rows.length - 1]!)];
      }
      return body;
    });

    app.get<{ Params: ShowParams }>('/servers/:server_id/os-instance-actions/:request_id', async (req) => {
      const auth = caller(req);
      const server = await actions.server(req, auth, req.params.server_id, 'show');
      const { action, events } = await actions.show(server, req.params.request_id);
      const body = formatAction(action, has(req, 'actionsPagination'));
      const tgt = target(auth, server.project_id);
      const seesAll = ctx.deps.policy.allows(auth, 'os_compute_api:os-instance-actions:events', tgt);
      if (seesAll || has(req, 'eventsForNonAdmins')) {
        const view: EventView = {
          traceback: seesAll, host: seesAll && has(req, 'eventHostId'), hostId: has(req, 'eventHostId'),
          projectId: action.project_id || server.project_id,
        };
        body.events = events.map((e) => formatEvent(e, view));
      }
      return { instanceAction: body };
    });
  };
}
