// Networks: create (with the segment, the sharing rows, the quota), update, delete, list, show.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../platform/errors.js';
import { conflict, enforce, invalidInput, isAdmin, notFound, now, owningProject, target, type NetworkDeps } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { NetworkRow, NetworkTables } from '../network.tables.js';
import { deletePortRecord } from '../ports/port-records.js';
import { checkQuota } from '../quotas/quota-check.js';
import { deleteRbac, insertRbac, rbacDependents, wildcardRow, type RbacAction } from '../rbac/rbac-records.js';
import { deleteTags } from '../tags/tags.js';
import type { Body } from './attributes.js';
import { loadVisibleNetwork, rbacNetworkIds, visibleWith } from './network-access.js';
import { readNetwork, type NetworkInput } from './network-input.js';
import { networkViews } from './network-view.js';
import { insertSegment, maxMtu, validateProvider } from './segments.js';

type Trx = Transaction<NetworkTables>;
type View = Record<string, unknown>;

/** Defaults of the admin-only flags: a create asking for the default (`--no-share`, `--internal`) needs no rights, as in Neutron. */
const FLAG_DEFAULTS: Record<string, boolean> = { shared: false, 'router:external': false, is_default: false };

/** Attribute-level rules (Neutron's create_network:shared …): checked for attributes the body sets (on create: to a non-default value). */
function enforceAttributes(deps: NetworkDeps, auth: AuthContext, action: 'create' | 'update', body: Body, input: NetworkInput,
  tgt: Record<string, unknown>): void {
  const given: Record<string, unknown> = { shared: input.shared, 'router:external': input.external, is_default: input.isDefault };
  for (const attr of ['shared', 'router:external', 'is_default', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id']) {
    if (body[attr] === undefined) continue;
    if (action === 'create' && attr in FLAG_DEFAULTS && given[attr] === FLAG_DEFAULTS[attr]) continue;
    enforce(deps, auth, `${action}_network:${attr}`, tgt);
  }
}

/** Only one default external network may exist (get-me-a-network picks it). */
async function checkDefaultExternal(trx: Trx, networkId: string): Promise<void> {
  await serializeOn(trx, 'network-default-external');
  const other = await trx.selectFrom('net_network').select('id').where('is_default', '=', 1).where('id', '!=', networkId).executeTakeFirst();
  if (other) {
    throw conflict('DefaultExternalNetworkExists', `A default external network already exists: ${other.id}.`);
  }
}

async function insertNetwork(ctx: NetworkContext, trx: Trx, projectId: string, input: NetworkInput): Promise<string> {
  const { config } = ctx.deps;
  const want = validateProvider(config.network, input);
  const limit = maxMtu(config.network, want.type);
  if (input.mtu !== undefined && input.mtu > limit) throw invalidInput(`Requested MTU is too big, maximum is ${limit}`);
  if (input.isDefault && !input.external) throw invalidInput('Only an external network (router:external) can be the default.');
  await checkQuota(trx, config.network, projectId, 'network');
  const id = randomUUID();
  const at = now();
  const row: NetworkRow = {
    id, project_id: projectId, name: input.name ?? '', description: input.description ?? '', created_at: at, updated_at: at,
    revision_number: 0, admin_state_up: input.adminStateUp === false ? 0 : 1, status: 'ACTIVE', shared: 0, router_external: 0,
    is_default: input.isDefault ? 1 : 0, mtu: input.mtu ?? limit, port_security_enabled: input.portSecurity === false ? 0 : 1,
    availability_zone_hints: JSON.stringify(input.azHints ?? []),
  };
  await trx.insertInto('net_network').values(row).execute();
  await insertSegment(trx, config.network, id, want);
  // The flags follow the wildcard rows; created together they need no revision bump.
  for (const [on, action] of [[input.shared, 'access_as_shared'], [input.external, 'access_as_external']] as const) {
    if (on) await insertRbac(trx, { project_id: projectId, object_type: 'network', object_id: id, action, target_tenant: '*' });
  }
  await trx.updateTable('net_network').set({ revision_number: 0 }).where('id', '=', id).execute();
  if (input.isDefault) await checkDefaultExternal(trx, id);
  if (input.tags?.length) await trx.insertInto('net_tag').values(input.tags.map((tag) => ({ resource_type: 'networks', resource_id: id, tag }))).execute();
  return id;
}

/**
 * Creates one network or a bulk of them in one transaction. An allocated VNI taken by a racing create
 * shows as a unique violation on the segment key: the whole transaction is retried.
 */
export async function createNetworks(ctx: NetworkContext, auth: AuthContext, bodies: Body[]): Promise<View[]> {
  const { deps } = ctx;
  const requests = bodies.map((body) => {
    const input = readNetwork(body, 'POST');
    const projectId = owningProject(deps, auth, body);
    enforce(deps, auth, 'create_network', target(auth, projectId));
    enforceAttributes(deps, auth, 'create', body, input, target(auth, projectId));
    return { input, projectId };
  });
  for (let attempt = 0; ; attempt++) {
    try {
      const ids = await deps.db.transaction().execute(async (trx) => {
        const out: string[] = [];
        for (const r of requests) out.push(await insertNetwork(ctx, trx, r.projectId, r.input));
        return out;
      });
      ctx.sync.changed();
      const rows = await deps.db.selectFrom('net_network').selectAll().where('id', 'in', ids).execute();
      const views = await networkViews(ctx, auth, rows, isAdmin(deps, auth));
      return ids.map((id) => views.find((v) => v.id === id)!);
    } catch (err) {
      // A racing create committed the same segment key first: the retry allocates another VNI, or
      // (for an explicitly asked segment) its pre-check now answers 409 TunnelIdInUse / FlatNetworkInUse.
      if (!isUniqueViolation(err) || attempt >= 20) throw err;
    }
  }
}

export async function showNetwork(ctx: NetworkContext, auth: AuthContext, id: string): Promise<View> {
  // Seeing a network is decided by loadVisibleNetwork (shared, external, RBAC), not by get_network's owner rule.
  const row = await loadVisibleNetwork(ctx, auth, id);
  return (await networkViews(ctx, auth, [row], isAdmin(ctx.deps, auth)))[0]!;
}

/** Networks the caller may see: every network for admins (Neutron lists all projects' to them). */
export async function listNetworks(ctx: NetworkContext, auth: AuthContext): Promise<View[]> {
  const { db } = ctx.deps;
  const admin = isAdmin(ctx.deps, auth);
  let rows = await db.selectFrom('net_network').selectAll().orderBy('created_at').orderBy('id').execute();
  if (!admin) {
    const grants = await rbacNetworkIds(db, auth.projectId);
    rows = rows.filter((r) => visibleWith(r, auth.projectId, grants.get(r.id)));
  }
  return networkViews(ctx, auth, rows, admin);
}

/** Adds or removes the wildcard row of `action`; removal is refused while other projects depend on it. */
async function setWildcard(trx: Trx, net: NetworkRow, action: RbacAction, on: boolean): Promise<void> {
  const row = await wildcardRow(trx, net.id, action);
  if (on && !row) await insertRbac(trx, { project_id: net.project_id, object_type: 'network', object_id: net.id, action, target_tenant: '*' });
  if (!on && row) {
    const why = await rbacDependents(trx, row);
    if (why) throw conflict(action === 'access_as_shared' ? 'InvalidSharedSetting' : 'ExternalNetworkInUse', why);
    await deleteRbac(trx, row);
  }
}

export async function updateNetwork(ctx: NetworkContext, auth: AuthContext, id: string, body: Body): Promise<View> {
  const { deps } = ctx;
  const input = readNetwork(body, 'PUT');
  const current = await loadVisibleNetwork(ctx, auth, id);
  const tgt = target(auth, current.project_id);
  enforce(deps, auth, 'update_network', tgt);
  enforceAttributes(deps, auth, 'update', body, input, tgt);
  await deps.db.transaction().execute(async (trx) => {
    const net = await trx.selectFrom('net_network').selectAll().where('id', '=', id).executeTakeFirst();
    const seg = await trx.selectFrom('net_segment').selectAll().where('network_id', '=', id).executeTakeFirst();
    if (!net || !seg) throw notFound.network(id);
    const changesProvider = (input.networkType !== undefined && input.networkType !== seg.network_type)
      || (input.physicalNetwork !== undefined && input.physicalNetwork !== seg.physical_network)
      || (input.segmentationId !== undefined && input.segmentationId !== (seg.segmentation_id === null ? null : Number(seg.segmentation_id)));
    if (changesProvider) throw invalidInput('Plugin does not support updating provider attributes');
    const limit = maxMtu(deps.config.network, seg.network_type);
    if (input.mtu !== undefined && input.mtu > limit) throw invalidInput(`Requested MTU is too big, maximum is ${limit}`);
    if (input.shared !== undefined) await setWildcard(trx, net, 'access_as_shared', input.shared);
    if (input.external !== undefined) await setWildcard(trx, net, 'access_as_external', input.external);
    const external = input.external ?? net.router_external === 1;
    if (input.isDefault && !external) throw invalidInput('Only an external network (router:external) can be the default.');
    if (input.isDefault) await checkDefaultExternal(trx, id);
    await trx.updateTable('net_network').set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.adminStateUp !== undefined ? { admin_state_up: input.adminStateUp ? 1 : 0 } : {}),
      ...(input.portSecurity !== undefined ? { port_security_enabled: input.portSecurity ? 1 : 0 } : {}),
      ...(input.mtu !== undefined ? { mtu: input.mtu } : {}),
      // A network that stops being external cannot stay the default one.
      ...(input.isDefault !== undefined || !external ? { is_default: input.isDefault && external ? 1 : 0 } : {}),
      updated_at: now(), revision_number: net.revision_number + 1,
    }).where('id', '=', id).execute();
  });
  ctx.sync.changed();
  return showNetwork(ctx, auth, id);
}

const networkInUse = (id: string) => conflict('NetworkInUse',
  `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`);

/** Deletes a network with its subnets and DHCP ports; any other port keeps it (409 NetworkInUse). */
export async function deleteNetwork(ctx: NetworkContext, auth: AuthContext, id: string): Promise<void> {
  const { deps } = ctx;
  const current = await loadVisibleNetwork(ctx, auth, id);
  enforce(deps, auth, 'delete_network', target(auth, current.project_id));
  try {
    await deps.db.transaction().execute(async (trx) => {
      const ports = await trx.selectFrom('net_port').select(['id', 'device_owner']).where('network_id', '=', id).execute();
      if (ports.some((p) => p.device_owner !== 'network:dhcp')) throw networkInUse(id);
      for (const p of ports) await deletePortRecord(ctx, p.id, trx);
      const subnets = await trx.selectFrom('net_subnet').select('id').where('network_id', '=', id).execute();
      for (const s of subnets) await deleteTags(trx, 'subnets', s.id);
      await trx.deleteFrom('net_ip_allocation').where('network_id', '=', id).execute();
      await trx.deleteFrom('net_subnet').where('network_id', '=', id).execute();
      await trx.deleteFrom('net_rbac_policy').where('object_type', '=', 'network').where('object_id', '=', id).execute();
      await trx.deleteFrom('net_segment').where('network_id', '=', id).execute();
      await deleteTags(trx, 'networks', id);
      await trx.deleteFrom('net_network').where('id', '=', id).execute();
    });
  } catch (err) {
    // A port created while this ran still references the network.
    if (isForeignKeyViolation(err)) throw networkInUse(id);
    throw err;
  }
  ctx.sync.changed();
}
