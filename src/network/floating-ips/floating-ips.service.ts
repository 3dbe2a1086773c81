// Floating IP allocate, associate/disassociate, release and reads: checks, one transaction per
// write (the address is a port on the external network held by the floating IP), then a sync.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { enforce, isAdmin, neutronError, notFound, now, owningProject, target } from '../common.js';
import type { View } from '../collection.js';
import type { NetworkContext } from '../context.js';
import { parseIp } from '../ipam/ip.js';
import type { FloatingIpRow } from '../network.tables.js';
import { loadVisibleNetwork } from '../networks/network-access.js';
import { createPortRecord, deletePortRecord } from '../ports/port-records.js';
import { checkQuota } from '../quotas/quota-check.js';
import { badResourceRequest } from '../routers/request-body.js';
import { FLOATING_IP_OWNER } from '../routers/router-errors.js';
import { allocationsOf, loadPortRow } from '../routers/router-reads.js';
import { insertTags } from '../routers/router-tags.js';
import { deleteTags } from '../tags/tags.js';
import { resolveAssociation, type Association } from './floating-ip-association.js';
import { parseFloatingIpBody } from './floating-ip-body.js';
import { floatingIpView, floatingIpViews } from './floating-ip-view.js';

const loadRow = (db: NetworkContext['deps']['db'], id: string) =>
  db.selectFrom('net_floating_ip').selectAll().where('id', '=', id).executeTakeFirst();
/** Inside a write transaction: waits for other writes to the same floating IP (PostgreSQL), then reads it. */
const lockRow = async (trx: NetworkContext['deps']['db'], id: string) => {
  await serializeOn(trx, `floatingip:${id}`);
  return loadRow(trx, id);
};

/** The floating IP if the caller may see it (own project, or admin); else 404 FloatingIPNotFound. */
export async function loadVisibleFloatingIp(ctx: NetworkContext, auth: AuthContext, id: string): Promise<FloatingIpRow> {
  const row = await loadRow(ctx.deps.db, id);
  if (!row || (row.project_id !== auth.projectId && !isAdmin(ctx.deps, auth))) throw notFound.floatingip(id);
  if (!ctx.deps.policy.allows(auth, 'get_floatingip', target(auth, row.project_id))) throw notFound.floatingip(id);
  return row;
}

export async function listFloatingIpViews(ctx: NetworkContext, auth: AuthContext): Promise<View[]> {
  let q = ctx.deps.db.selectFrom('net_floating_ip').selectAll();
  if (!isAdmin(ctx.deps, auth)) q = q.where('project_id', '=', auth.projectId ?? '');
  return floatingIpViews(ctx.deps.db, await q.execute());
}

export async function showFloatingIp(ctx: NetworkContext, auth: AuthContext, id: string): Promise<View> {
  return floatingIpView(ctx.deps.db, await loadVisibleFloatingIp(ctx, auth, id));
}

/** A port the caller may name for an association (own project, or admin); else 404 PortNotFound. */
async function precheckPort(ctx: NetworkContext, auth: AuthContext, portId: string | null | undefined): Promise<void> {
  if (!portId) return;
  const port = await loadPortRow(ctx.deps.db, portId);
  if (!port || (port.project_id !== auth.projectId && !isAdmin(ctx.deps, auth))) throw notFound.port(portId);
}

const withoutPort = () => badResourceRequest('floatingip', 'fixed_ip_address cannot be specified without a port_id');

export async function createFloatingIp(ctx: NetworkContext, auth: AuthContext, body: unknown): Promise<View> {
  const { deps } = ctx;
  const req = parseFloatingIpBody(body, 'POST');
  const projectId = owningProject(deps, auth, req.raw);
  const tgt = target(auth, projectId);
  enforce(deps, auth, 'create_floatingip', tgt);
  if (req.floatingIpAddress) enforce(deps, auth, 'create_floatingip:floating_ip_address', tgt);
  if (req.fixedIpAddress && !req.portId) throw withoutPort();
  const networkId = req.floatingNetworkId!;
  const network = await loadVisibleNetwork(ctx, auth, networkId);
  if (network.router_external !== 1) throw badResourceRequest('floatingip', `Network ${networkId} is not a valid external network`);
  await precheckPort(ctx, auth, req.portId);
  const admin = isAdmin(deps, auth);
  const id = randomUUID();
  await deps.db.transaction().execute(async (trx) => {
    await checkQuota(trx, deps.config.network, projectId, 'floatingip');
    const v4 = await trx.selectFrom('net_subnet').select('id').where('network_id', '=', networkId).where('ip_version', '=', 4).execute();
    if (v4.length === 0) throw badResourceRequest('floatingip', `Network ${networkId} does not contain any IPv4 subnet`);
    const fixedIps = req.floatingIpAddress || req.subnetId
      ? [{ ...(req.subnetId ? { subnet_id: req.subnetId } : {}), ...(req.floatingIpAddress ? { ip_address: req.floatingIpAddress } : {}) }]
      : undefined;
    const portId = await createPortRecord(ctx, {
      networkId, projectId: '', name: '', deviceOwner: FLOATING_IP_OWNER, deviceId: id, fixedIps, securityGroups: [], adminStateUp: true,
    }, trx);
    const ips = (await allocationsOf(trx, [portId])).get(portId) ?? [];
    const address = ips.find((a) => parseIp(a.ip_address)?.version === 4)?.ip_address;
    if (!address) throw neutronError(400, 'ExternalIpAddressExhausted', `Unable to find any IP address on external network ${networkId}.`);
    const at = now();
    const row: FloatingIpRow = {
      id, project_id: projectId, description: req.description ?? '', floating_network_id: networkId, floating_ip_address: address,
      floating_port_id: portId, port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN',
      created_at: at, updated_at: at, revision_number: 0,
    };
    if (req.portId) Object.assign(row, associated(await resolveAssociation(trx, row, req.portId, req.fixedIpAddress, admin)));
    await trx.insertInto('net_floating_ip').values(row).execute();
    if (req.tags?.length) await insertTags(trx, 'floatingips', id, req.tags);
  });
  ctx.sync.changed();
  return showFloatingIp(ctx, auth, id);
}

const associated = (a: Association | null): Pick<FloatingIpRow, 'port_id' | 'fixed_ip_address' | 'router_id' | 'status'> =>
  (a ? { port_id: a.portId, fixed_ip_address: a.fixedIp, router_id: a.routerId, status: 'ACTIVE' }
    : { port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' });

export async function updateFloatingIp(ctx: NetworkContext, auth: AuthContext, id: string, body: unknown): Promise<View> {
  const { deps } = ctx;
  const req = parseFloatingIpBody(body, 'PUT');
  const before = await loadVisibleFloatingIp(ctx, auth, id);
  enforce(deps, auth, 'update_floatingip', target(auth, before.project_id));
  if (req.fixedIpAddress && !req.portId) throw withoutPort();
  await precheckPort(ctx, auth, req.portId);
  const admin = isAdmin(deps, auth);
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockRow(trx, id);
    if (!row) throw notFound.floatingip(id);
    const changes: Partial<FloatingIpRow> = {};
    if (req.portId !== undefined) {
      Object.assign(changes, associated(req.portId === null ? null : await resolveAssociation(trx, row, req.portId, req.fixedIpAddress, admin)));
    }
    if (req.description !== undefined) changes.description = req.description;
    if (Object.keys(req.raw).length === 0) return;
    await trx.updateTable('net_floating_ip').set({ ...changes, updated_at: now(), revision_number: row.revision_number + 1 })
      .where('id', '=', id).execute();
  });
  ctx.sync.changed();
  return showFloatingIp(ctx, auth, id);
}

export async function deleteFloatingIp(ctx: NetworkContext, auth: AuthContext, id: string): Promise<void> {
  const { deps } = ctx;
  const before = await loadVisibleFloatingIp(ctx, auth, id);
  enforce(deps, auth, 'delete_floatingip', target(auth, before.project_id));
  await deps.db.transaction().execute(async (trx) => {
    const row = await lockRow(trx, id);
    if (!row) throw notFound.floatingip(id);
    await trx.deleteFrom('net_floating_ip').where('id', '=', id).execute();
    await deletePortRecord(ctx, row.floating_port_id, trx);
    await deleteTags(trx, 'floatingips', id);
  });
  ctx.sync.changed();
}
