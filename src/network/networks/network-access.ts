// Who may see and use a network. The sharing model: RBAC rows are the truth for per-project sharing;
// the network's `shared` flag mirrors a wildcard ('*') access_as_shared row and `router_external` a
// wildcard access_as_external row (the RBAC and network routes keep each pair in step), so the
// common cases need no RBAC lookup.
import type { AuthContext } from '../../platform/auth-context.js';
import { isAdmin, notFound } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { NetworkDb, NetworkRow } from '../network.tables.js';

/** RBAC actions granting `projectId` access to the network (targeted at it or at '*'). */
export async function rbacActionsFor(db: NetworkDb, networkId: string, projectId: string | undefined): Promise<Set<string>> {
  const targets = projectId ? [projectId, '*'] : ['*'];
  const rows = await db.selectFrom('net_rbac_policy').select('action')
    .where('object_type', '=', 'network').where('object_id', '=', networkId).where('target_tenant', 'in', targets).execute();
  return new Set(rows.map((r) => r.action));
}

/** Network ids shared (any action) with `projectId` or everyone through RBAC, for lists. */
export async function rbacNetworkIds(db: NetworkDb, projectId: string | undefined): Promise<Map<string, Set<string>>> {
  const targets = projectId ? [projectId, '*'] : ['*'];
  const rows = await db.selectFrom('net_rbac_policy').select(['object_id', 'action'])
    .where('object_type', '=', 'network').where('target_tenant', 'in', targets).execute();
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!out.has(r.object_id)) out.set(r.object_id, new Set());
    out.get(r.object_id)!.add(r.action);
  }
  return out;
}

/** Whether a network row is visible to a non-admin caller, given the RBAC actions granted to its project. */
export function visibleWith(network: NetworkRow, projectId: string | undefined, actions: Set<string> | undefined): boolean {
  return network.project_id === projectId || network.shared === 1 || network.router_external === 1 || (actions?.size ?? 0) > 0;
}

/**
 * A network the caller may see (own project, shared, RBAC access_as_shared/access_as_external to the
 * caller's project or '*', router:external, or admin); else 404 NetworkNotFound.
 */
export async function loadVisibleNetwork(ctx: NetworkContext, auth: AuthContext, id: string): Promise<NetworkRow> {
  const db = ctx.deps.db;
  const row = await db.selectFrom('net_network').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound.network(id);
  if (isAdmin(ctx.deps, auth) || row.project_id === auth.projectId || row.shared === 1 || row.router_external === 1) return row;
  const actions = await rbacActionsFor(db, id, auth.projectId);
  if (actions.size === 0) throw notFound.network(id);
  return row;
}

/**
 * True when `projectId` may attach ports to the network: its own, shared (flag or RBAC
 * access_as_shared to the project or '*'), or `asAdmin`. External-only access does not allow ports.
 */
export async function mayUseNetwork(ctx: NetworkContext, network: NetworkRow, projectId: string, asAdmin: boolean): Promise<boolean> {
  if (asAdmin || network.project_id === projectId || network.shared === 1) return true;
  return (await rbacActionsFor(ctx.deps.db, network.id, projectId)).has('access_as_shared');
}
