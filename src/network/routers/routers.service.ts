// Router create, update, delete and reads: checks, one transaction per write, then a dataplane sync.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, enforce, isAdmin, json, notFound, now, owningProject, target } from '../common.js';
import type { View } from '../collection.js';
import type { NetworkContext } from '../context.js';
import type { RouterRow } from '../network.tables.js';
import { checkQuota } from '../quotas/quota-check.js';
import { deleteTags } from '../tags/tags.js';
import { checkRoutes } from './extra-routes.js';
import { resourceBody } from './request-body.js';
import { parseRouterBody, parseRoutes, type Route } from './router-body.js';
import { l3Errors, ROUTER_INTERFACE } from './router-errors.js';
import { applyGateway, precheckGateway } from './router-gateway.js';
import { loadRouterRow, lockRouterRow } from './router-reads.js';
import { insertTags } from './router-tags.js';
import { routerView, routerViews } from './router-view.js';

/** The router if the caller may see it (own project, or admin); else 404 RouterNotFound. */
export async function loadVisibleRouter(ctx: NetworkContext, auth: AuthContext, id: string): Promise<RouterRow> {
  const row = await loadRouterRow(ctx.deps.db, id);
  if (!row || (row.project_id !== auth.projectId && !isAdmin(ctx.deps, auth))) throw notFound.router(id);
  if (!ctx.deps.policy.allows(auth, 'get_router', target(auth, row.project_id))) throw notFound.router(id);
  return row;
}

export async function listRouterViews(ctx: NetworkContext, auth: AuthContext): Promise<View[]> {
  const admin = isAdmin(ctx.deps, auth);
  let q = ctx.deps.db.selectFrom('net_router').selectAll();
  if (!admin) q = q.where('project_id', '=', auth.projectId ?? '');
  return routerViews(ctx.deps.db, await q.execute(), admin);
}

export async function showRouter(ctx: NetworkContext, auth: AuthContext, id: string): Promise<View> {
  return routerView(ctx.deps.db, await loadVisibleRouter(ctx, auth, id), isAdmin(ctx.deps, auth));
}

export async function createRouter(ctx: NetworkContext, auth: AuthContext, body: unknown): Promise<View> {
  const { deps } = ctx;
  const admin = isAdmin(deps, auth);
  const req = parseRouterBody(body, 'POST', admin);
  const projectId = owningProject(deps, auth, req.raw);
  enforce(deps, auth, 'create_router', target(auth, projectId));
  await precheckGateway(ctx, auth, 'create', projectId, req.gateway);
  const at = now();
  const row: RouterRow = {
    id: randomUUID(), project_id: projectId, name: req.name ?? '', description: req.description ?? '',
    created_at: at, updated_at: at, revision_number: 0, admin_state_up: req.adminStateUp === false ? 0 : 1, status: 'ACTIVE',
    gw_network_id: null, gw_port_id: null, enable_snat: 1, routes: '[]',
    availability_zone_hints: JSON.stringify(req.availabilityZoneHints ?? []),
  };
  await deps.db.transaction().execute(async (trx) => {
    await checkQuota(trx, deps.config.network, projectId, 'router');
    await trx.insertInto('net_router').values(row).execute();
    if (req.tags?.length) await insertTags(trx, 'routers', row.id, req.tags);
    if (req.gateway) {
      const changes = await applyGateway(ctx, trx, row, req.gateway);
      await trx.updateTable('net_router').set(changes).where('id', '=', row.id).execute();
    }
  });
  ctx.sync.changed();
  return showRouter(ctx, auth, row.id);
}

export async function updateRouter(ctx: NetworkContext, auth: AuthContext, id: string, body: unknown): Promise<View> {
  const { deps } = ctx;
  const req = parseRouterBody(body, 'PUT', isAdmin(deps, auth));
  const before = await loadVisibleRouter(ctx, auth, id);
  enforce(deps, auth, 'update_router', target(auth, before.project_id));
  await precheckGateway(ctx, auth, 'update', before.project_id, req.gateway);
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockRouterRow(trx, id);
    if (!row) throw notFound.router(id);
    const changes: Partial<RouterRow> = req.gateway !== undefined ? await applyGateway(ctx, trx, row, req.gateway) : {};
    if (req.routes !== undefined) {
      await checkRoutes(trx, id, req.routes);
      changes.routes = JSON.stringify(req.routes);
    }
    if (req.name !== undefined) changes.name = req.name;
    if (req.description !== undefined) changes.description = req.description;
    if (req.adminStateUp !== undefined) changes.admin_state_up = req.adminStateUp ? 1 : 0;
    // An empty body changes nothing, so (as in Neutron) the revision stays.
    if (Object.keys(req.raw).length === 0) return;
    await trx.updateTable('net_router').set({ ...changes, updated_at: now(), revision_number: row.revision_number + 1 })
      .where('id', '=', id).execute();
  });
  ctx.sync.changed();
  return showRouter(ctx, auth, id);
}

export async function deleteRouter(ctx: NetworkContext, auth: AuthContext, id: string): Promise<void> {
  const { deps } = ctx;
  const before = await loadVisibleRouter(ctx, auth, id);
  enforce(deps, auth, 'delete_router', target(auth, before.project_id));
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockRouterRow(trx, id);
    if (!row) throw notFound.router(id);
    const iface = await trx.selectFrom('net_port').select('id')
      .where('device_id', '=', id).where('device_owner', '=', ROUTER_INTERFACE).executeTakeFirst();
    if (iface) throw l3Errors.routerInUse(id);
    await applyGateway(ctx, trx, row, null);
    await trx.deleteFrom('net_router').where('id', '=', id).execute();
    await deleteTags(trx, 'routers', id);
  });
  ctx.sync.changed();
}

/** extraroute-atomic: PUT add_extraroutes / remove_extraroutes {router: {routes: [...]}}. */
export async function changeExtraRoutes(ctx: NetworkContext, auth: AuthContext, id: string, body: unknown, add: boolean): Promise<View> {
  const { deps } = ctx;
  const r = resourceBody(body, 'router', { routes: { post: true, put: true } }, 'PUT');
  if (r.routes === undefined) throw badRequest("Failed to parse request. Required attribute 'routes' not specified");
  const asked = parseRoutes(r.routes);
  const before = await loadVisibleRouter(ctx, auth, id);
  enforce(deps, auth, 'update_router', target(auth, before.project_id));
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockRouterRow(trx, id);
    if (!row) throw notFound.router(id);
    const current = json<Route[]>(row.routes, []);
    const same = (a: Route, b: Route) => a.destination === b.destination && a.nexthop === b.nexthop;
    const next = add ? [...current, ...asked.filter((n) => !current.some((c) => same(c, n)))]
      : current.filter((c) => !asked.some((n) => same(c, n)));
    if (add) await checkRoutes(trx, id, next);
    await trx.updateTable('net_router').set({ routes: JSON.stringify(next), updated_at: now(), revision_number: row.revision_number + 1 })
      .where('id', '=', id).execute();
  });
  ctx.sync.changed();
  return showRouter(ctx, auth, id);
}

