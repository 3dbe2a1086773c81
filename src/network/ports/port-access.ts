// Who sees and acts on a port: its project, the owner of its network (Neutron's network-owner rules let
// them see and delete ports on their network, DHCP and router ports included), and admins.
import type { AuthContext } from '../../platform/auth-context.js';
import { enforce, isAdmin, neutronError, notFound, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { NetworkDb, PortRow } from '../network.tables.js';

export const denied = (rule: string) => neutronError(403, 'PolicyNotAuthorized', `(rule:${rule}) is disallowed by policy`);

export async function networkOwner(db: NetworkDb, networkId: string): Promise<string | undefined> {
  return (await db.selectFrom('net_network').select('project_id').where('id', '=', networkId).executeTakeFirst())?.project_id;
}

/** The port if the caller may see it; else 404 PortNotFound. */
export async function loadVisiblePort(ctx: NetworkContext, auth: AuthContext, id: string): Promise<PortRow> {
  const row = await ctx.deps.db.selectFrom('net_port').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound.port(id);
  if (isAdmin(ctx.deps, auth) || (auth.projectId && row.project_id === auth.projectId)) return row;
  if (auth.projectId && (await networkOwner(ctx.deps.db, row.network_id)) === auth.projectId) return row;
  throw notFound.port(id);
}

/** Enforces `rule` on the port; the network's owner passes where Neutron says admin_owner_or_network_owner. */
export async function enforceOnPort(ctx: NetworkContext, auth: AuthContext, rule: string, row: PortRow, networkOwnerToo: boolean): Promise<void> {
  if (networkOwnerToo && auth.projectId && (await networkOwner(ctx.deps.db, row.network_id)) === auth.projectId) return;
  enforce(ctx.deps, auth, rule, target(auth, row.project_id));
}

/** The ports a caller's list starts from: all (admins) or their project's plus those on their networks. */
export async function visiblePortRows(ctx: NetworkContext, auth: AuthContext): Promise<PortRow[]> {
  const db = ctx.deps.db;
  if (isAdmin(ctx.deps, auth)) return db.selectFrom('net_port').selectAll().execute();
  const project = auth.projectId ?? '';
  return db.selectFrom('net_port').selectAll()
    .where((eb) => eb.or([
      eb('project_id', '=', project),
      eb('network_id', 'in', eb.selectFrom('net_network').select('id').where('project_id', '=', project)),
    ])).execute();
}
