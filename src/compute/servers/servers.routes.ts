// /servers: create, list, show, update, delete, the action endpoint and diagnostics. Each handler
// parses, checks policy and hands one call to the slice's logic; long work goes to the conductor.
import { isIP } from 'node:net';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, conflict } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import type { ComputeContext } from '../context.js';
import { enforce, isAdmin, now, target } from '../common.js';
import type { InstanceRow } from '../compute.tables.js';
import { has, MIN_VERSION, parseVersion } from '../microversions.js';
import { getConsoleOutput, getVncConsole } from '../consoles/console-actions.js';
import { readCreateInput } from './server-create.input.js';
import { createServers } from './server-create.js';
import { volumesAttachedOf } from '../block-devices/guest-volumes.js';
import { checkNotLocked, loadServer, serverExtras } from './server-load.js';
import { serverLinks, serverView, type ViewContext } from './server-view.js';
import { listServers, wantsAllTenants } from './servers.list.js';
import { dispatchAction } from './server-action-dispatch.js';
import { serverPorts } from '../conductor/guest-spec.js';
import { COMPUTE_BINARY, isServiceUp } from '../services/service-state.js';

type Params = { server_id: string };

export function serverRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const deps = ctx.deps;
  const base = `${deps.config.publicUrl}/compute`;

  async function viewContext(req: FastifyRequest, auth: AuthContext): Promise<ViewContext> {
    const admin = isAdmin(deps, auth);
    const version = req.computeVersion ?? parseVersion(MIN_VERSION)!;
    let hostStatus: ViewContext['hostStatus'];
    if (has(version, 'hostStatus') && deps.policy.allows(auth, 'os_compute_api:servers:show:host_status', target(auth))) {
      const services = await deps.db.selectFrom('compute_service').select(['host', 'disabled', 'forced_down', 'last_seen_up']).where('binary', '=', COMPUTE_BINARY).execute();
      const byHost = new Map(services.map((s) => [s.host, s]));
      hostStatus = (host) => {
        if (!host) return '';
        const s = byHost.get(host);
        if (!s) return 'UNKNOWN';
        if (!isServiceUp(s, deps.config.compute.serviceDownSeconds)) return 'DOWN';
        return s.disabled ? 'MAINTENANCE' : 'UP';
      };
    }
    return {
      version, base, imageBase: base, admin, hostStatus,
      flavorExtraSpecs: deps.policy.allows(auth, 'os_compute_api:servers:show:flavor-extra-specs', target(auth)),
    };
  }

  async function views(req: FastifyRequest, auth: AuthContext, rows: InstanceRow[]) {
    const vc = await viewContext(req, auth);
    const extras = await serverExtras(deps, rows.map((r) => r.uuid));
    const nets = await deps.network.serverViews(rows.map((r) => ({ uuid: r.uuid, portIds: serverPorts(r).map((p) => p.id) })));
    const vols = await volumesAttachedOf(deps.db, rows.map((r) => r.uuid));
    return rows.map((r) => serverView(r, { ...extras.get(r.uuid)!, network: nets.get(r.uuid), volumesAttached: vols.get(r.uuid) }, vc));
  }

  const token = (req: FastifyRequest) => String(req.headers['x-auth-token'] ?? '');

  return async (app) => {
    app.post('/servers', async (req, reply) => {
      const auth = caller(req);
      enforce(deps, auth, 'servers:create');
      const input = readCreateInput(req.body, req.computeVersion!);
      const canForce = deps.policy.allows(auth, 'os_compute_api:servers:create:forced_host', target(auth));
      const created = await createServers(deps, auth, input, req.computeRequestId!, canForce, token(req));
      for (const row of created.rows) ctx.conductor.build(row.uuid, req.computeRequestId!, token(req));
      if (input.returnReservationId) return reply.code(202).send({ reservation_id: created.reservationId });
      const first = created.rows[0]!;
      const server: Record<string, unknown> = {
        id: first.uuid, links: serverLinks(base, first.uuid), 'OS-DCF:diskConfig': 'MANUAL', adminPass: created.adminPass,
      };
      if (input.networks !== 'none') server.security_groups = (input.securityGroups.length ? input.securityGroups : ['default']).map((name) => ({ name }));
      return reply.code(202).header('location', `${base}/v2.1/servers/${first.uuid}`).send({ server });
    });

    const list = (detail: boolean) => async (req: FastifyRequest) => {
      const auth = caller(req);
      const q = req.query as Record<string, string | string[] | undefined>;
      enforce(deps, auth, detail ? 'servers:detail' : 'servers:index');
      // Nova checks the rule for anyone asking (a member gets 403, not a quietly narrowed list).
      if (wantsAllTenants(q)) enforce(deps, auth, detail ? 'servers:detail:get_all_tenants' : 'servers:index:get_all_tenants');
      const { rows, next } = await listServers(deps, auth, q, req.computeVersion!);
      const servers = detail ? await views(req, auth, rows) : rows.map((r) => ({ id: r.uuid, name: r.name, links: serverLinks(base, r.uuid) }));
      const body: Record<string, unknown> = { servers };
      if (next) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(q)) if (k !== 'marker' && v !== undefined) for (const x of [v].flat()) params.append(k, x);
        params.set('marker', next);
        body.servers_links = [{ rel: 'next', href: `${base}/v2.1/servers${detail ? '/detail' : ''}?${params.toString()}` }];
      }
      return body;
    };
    app.get('/servers', list(false));
    app.get('/servers/detail', list(true));

    app.get<{ Params: Params }>('/servers/:server_id', async (req) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'servers:show', target(auth, row.project_id, row.user_id));
      return { server: (await views(req, auth, [row]))[0] };
    });

    app.put<{ Params: Params }>('/servers/:server_id', async (req) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'servers:update', target(auth, row.project_id, row.user_id));
      checkNotLocked(deps, auth, row);
      const body = req.body as { server?: Record<string, unknown> } | null;
      if (!body || typeof body.server !== 'object' || body.server === null || Array.isArray(body.server)) {
        throw badRequest("Invalid input for field/attribute server. Value: 'server' is a required property");
      }
      const set: Partial<InstanceRow> = {};
      for (const [k, v] of Object.entries(body.server)) {
        if (k === 'name') {
          if (typeof v !== 'string' || !v.trim() || v.length > 255 || v !== v.trim()) throw badRequest('Invalid input for field/attribute name. Value: must be a non-blank string of at most 255 characters');
          set.name = v;
        } else if (k === 'description' && has(req, 'serverDescription')) {
          if (v !== null && (typeof v !== 'string' || v.length > 255)) throw badRequest('Invalid input for field/attribute description. Value: must be null or a string of at most 255 characters');
          set.description = v as string | null;
        } else if (k === 'accessIPv4' || k === 'accessIPv6') {
          const family = k === 'accessIPv4' ? 4 : 6;
          if (v !== null && (typeof v !== 'string' || (v !== '' && isIP(v) !== family))) {
            throw badRequest(`Invalid input for field/attribute ${k}. Value: ${JSON.stringify(v)} is not an IPv${family} address`);
          }
          set[k === 'accessIPv4' ? 'access_ip_v4' : 'access_ip_v6'] = (v as string | null) || null;
        } else if (k !== 'OS-DCF:diskConfig') {
          throw badRequest(`Invalid input for field/attribute server. Value: Additional properties are not allowed ('${k}' was unexpected)`);
        }
      }
      if (Object.keys(set).length) await deps.db.updateTable('compute_instance').set({ ...set, updated_at: now() }).where('uuid', '=', row.uuid).execute();
      const fresh = await loadServer(deps, auth, row.uuid);
      return { server: (await views(req, auth, [fresh]))[0] };
    });

    app.delete<{ Params: Params }>('/servers/:server_id', async (req, reply) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'servers:delete', target(auth, row.project_id, row.user_id));
      checkNotLocked(deps, auth, row);
      await deleteServer(ctx, auth, row, req.computeRequestId!);
      return reply.code(204).send();
    });

    app.post<{ Params: Params }>('/servers/:server_id/action', async (req, reply) => {
      const auth = caller(req);
      const body = req.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) {
        throw badRequest('Malformed request body: an action body is an object with exactly one action name as its key.');
      }
      const [name, args] = Object.entries(body as Record<string, unknown>)[0]!;
      if (name === 'os-getConsoleOutput') return getConsoleOutput(ctx, auth, req.params.server_id, args);
      if (name === 'os-getVNCConsole') return getVncConsole(ctx, req, auth, req.params.server_id, args);
      if (name === 'forceDelete') {
        const row = await loadServer(deps, auth, req.params.server_id);
        enforce(deps, auth, 'servers:force_delete', target(auth, row.project_id, row.user_id));
        checkNotLocked(deps, auth, row);
        await deleteServer(ctx, auth, row, req.computeRequestId!);
        return reply.code(202).send();
      }
      const answer = await dispatchAction({ ctx, conductor: ctx.conductor, auth, token: token(req), requestId: req.computeRequestId! },
        req.params.server_id, name, args, req.computeVersion!, async (row) => (await views(req, auth, [row]))[0]!);
      if (answer.location) void reply.header('location', answer.location);
      return reply.code(answer.status).send(answer.body);
    });

    app.get<{ Params: Params }>('/servers/:server_id/diagnostics', async (req) => {
      const auth = caller(req);
      const row = await loadServer(deps, auth, req.params.server_id);
      enforce(deps, auth, 'os-server-diagnostics', target(auth, row.project_id, row.user_id));
      if (!row.host || row.vm_state === 'building') throw conflict(`Cannot 'get_diagnostics' instance ${row.uuid} while it is in vm_state ${row.vm_state}`);
      const d = await ctx.agent(row.host).diagnostics(row.uuid);
      if (has(req, 'standardDiagnostics')) return d;
      // Before 2.48 the body was the hypervisor's own: a flat dict of counters.
      return { cpu0_time: 0, memory: (d.memory_details as { maximum?: number } | undefined)?.maximum ?? 0, state: d.state };
    });
  };
}

/** Marks the server deleting (whatever task is in flight) and queues its removal. */
async function deleteServer(ctx: ComputeContext, auth: AuthContext, row: InstanceRow, requestId: string): Promise<void> {
  const res = await ctx.deps.db.updateTable('compute_instance').set({ task_state: 'deleting', updated_at: now() })
    .where('uuid', '=', row.uuid).where('deleted', '=', 0)
    .where((eb) => eb.or([eb('task_state', 'is', null), eb('task_state', '!=', 'deleting')])).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) return; // already being deleted: the same outcome
  const action = await ctx.conductor.record(row.uuid, auth, 'delete', requestId, row.project_id);
  ctx.conductor.remove(row.uuid, action);
}
