// Attaching and detaching a server's interfaces (os-interface): checked at the API like a create's
// networks, carried out in the server's workflow queue so no build, move or delete interleaves:
// the port is made and bound to the server's host, the dataplane wires its tap, then the host's
// agent plugs the NIC (hot-plug when running; kept for later boots either way).
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, badRequest, conflict, notFound } from '../../platform/errors.js';
import type { ComputeContext } from '../context.js';
import type { InstanceRow } from '../compute.tables.js';
import { now } from '../common.js';
import { hostAvailabilityZone } from '../aggregates/aggregate-hosts.js';
import { serverPorts, systemMetadata } from '../conductor/guest-spec.js';
import { finishAction, finishEvent, startEvent, type ActionRef } from '../instance-actions/action-log.js';
import type { InterfaceAttachment, ServerPort } from '../network-access.js';
import type { VmState } from '../vm-states.js';

/** Nova allows interface changes on these, with no task in flight. */
const STATES: readonly VmState[] = ['active', 'paused', 'stopped'];

export function checkInterfaceState(row: InstanceRow, action: 'attach_interface' | 'detach_interface'): void {
  if (!STATES.includes(row.vm_state) || row.task_state !== null || !row.host) {
    throw conflict(`Cannot '${action}' instance ${row.uuid} while it is in ${row.task_state ? `task_state ${row.task_state}` : `vm_state ${row.vm_state}`}`);
  }
}

export interface AttachRequest { netId: string | null; portId: string | null; fixedIps: string[] }

export function readAttachBody(body: unknown): AttachRequest {
  const b = (body as { interfaceAttachment?: unknown } | null)?.interfaceAttachment;
  if (b === undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    throw badRequest("Invalid input for field/attribute interfaceAttachment. Value: 'interfaceAttachment' is a required property");
  }
  const a = (b ?? {}) as Record<string, unknown>;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) throw badRequest('Invalid input for field/attribute interfaceAttachment. Value: is not an object');
  for (const k of Object.keys(a)) {
    if (!['net_id', 'port_id', 'fixed_ips'].includes(k)) throw badRequest(`Invalid input for field/attribute interfaceAttachment. Value: Additional properties are not allowed ('${k}' was unexpected)`);
  }
  const str = (k: string) => {
    const v = a[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw badRequest(`Invalid input for field/attribute ${k}. Value: ${JSON.stringify(v)} is not of type 'string'`);
    return v;
  };
  const netId = str('net_id');
  const portId = str('port_id');
  let fixedIps: string[] = [];
  if (a.fixed_ips !== undefined) {
    if (!Array.isArray(a.fixed_ips) || a.fixed_ips.length > 1) throw badRequest('Invalid input for field/attribute fixed_ips. Value: must be a list of at most one {"ip_address": …}');
    fixedIps = a.fixed_ips.map((f) => {
      const ip = (f as { ip_address?: unknown } | null)?.ip_address;
      if (typeof ip !== 'string') throw badRequest(`Invalid input for field/attribute fixed_ips. Value: ${JSON.stringify(f)} has no ip_address`);
      return ip;
    });
  }
  if (netId && portId) throw badRequest('Must not input both network_id and port_id');
  if (fixedIps.length && !netId) throw badRequest('Must input network_id when request IP address');
  return { netId, portId, fixedIps };
}

const failure = (message: string) => new ApiError(500, message);

/** The create-time checks' errors as Nova's attach answers them: missing network/port 404, address in use 409. */
function asAttachError(err: unknown): unknown {
  if (!(err instanceof ApiError) || err.status !== 400) return err;
  if (/could not be found/.test(err.message)) return notFound(err.message);
  if (/already in use/.test(err.message)) return conflict(err.message);
  return err;
}

async function saveServerPorts(ctx: ComputeContext, uuid: string, update: (ports: ServerPort[]) => ServerPort[]): Promise<void> {
  const row = await ctx.deps.db.selectFrom('compute_instance').selectAll().where('uuid', '=', uuid).executeTakeFirstOrThrow();
  const sys = systemMetadata(row);
  sys.ports = update(sys.ports ?? []);
  await ctx.deps.db.updateTable('compute_instance').set({ system_metadata: JSON.stringify(sys), updated_at: now() }).where('uuid', '=', uuid).execute();
}

/** Attaches and answers the new interface; the work runs in the server's queue and is awaited. The
 *  instance action is recorded (`record`) only once the request passed its checks: a refusal leaves no row. */
export async function attachInterface(ctx: ComputeContext, auth: AuthContext, row: InstanceRow, req: AttachRequest,
  record: () => Promise<ActionRef>): Promise<InterfaceAttachment> {
  const net = ctx.deps.network;
  const checked = await net.checkRequest(auth, req.portId ? [{ port: req.portId }]
    : req.netId ? [{ uuid: req.netId, ...(req.fixedIps[0] ? { fixed_ip: req.fixedIps[0] } : {}) }] : 'legacy', [], 1)
    .catch((err) => { throw asAttachError(err); });
  if (checked.nics.length === 0) throw badRequest('No network is available to attach an interface to.');
  const action = await record();
  return ctx.conductor.queue.run(row.uuid, async () => {
    const fresh = await ctx.deps.db.selectFrom('compute_instance').selectAll().where('uuid', '=', row.uuid).where('deleted', '=', 0).executeTakeFirst();
    if (!fresh) throw notFound(`Instance ${row.uuid} could not be found.`);
    checkInterfaceState(fresh, 'attach_interface');
    const host = fresh.host!;
    await startEvent(ctx.deps.db, action, 'compute_attach_interface', host);
    const zone = fresh.availability_zone ?? await hostAvailabilityZone(ctx.deps.db, host);
    let port: ServerPort | undefined;
    try {
      [port] = await net.allocatePorts({ uuid: fresh.uuid, projectId: fresh.project_id, zone }, checked, []);
      await saveServerPorts(ctx, fresh.uuid, (ports) => [...ports, port!]);
      await net.bindPorts([port!.id], host);
      const [nic] = (await net.guestNetwork([port!.id])).nics;
      await ctx.agent(host).attachInterface(fresh.uuid, nic!);
    } catch (err) {
      const message = `Failed to attach network adapter device to ${fresh.uuid}: ${err instanceof Error ? err.message : String(err)}`;
      if (port) {
        await saveServerPorts(ctx, fresh.uuid, (ports) => ports.filter((p) => p.id !== port!.id));
        await net.releasePorts([port]).catch(() => undefined);
      }
      await finishEvent(ctx.deps.db, action, 'compute_attach_interface', message);
      await finishAction(ctx.deps.db, action, message);
      throw err instanceof ApiError && err.status < 500 ? err : failure(message);
    }
    await finishEvent(ctx.deps.db, action, 'compute_attach_interface');
    await finishAction(ctx.deps.db, action);
    const view = (await net.interfaces(fresh.uuid)).find((i) => i.port_id === port!.id);
    if (!view) throw failure(`Failed to attach network adapter device to ${fresh.uuid}`);
    return view;
  });
}

/** Checks the port is the server's and queues the detach (Nova answers 202 before the guest lets go). */
export async function detachInterface(ctx: ComputeContext, row: InstanceRow, portId: string, record: () => Promise<ActionRef>): Promise<void> {
  const attached = (await ctx.deps.network.interfaces(row.uuid)).some((i) => i.port_id === portId);
  if (!attached) throw notFound(`Port ${portId} is not attached`);
  const action = await record();
  ctx.conductor.run(row.uuid, async () => {
    const db = ctx.deps.db;
    const fresh = await db.selectFrom('compute_instance').selectAll().where('uuid', '=', row.uuid).where('deleted', '=', 0).executeTakeFirst();
    if (!fresh?.host) return;
    await startEvent(db, action, 'compute_detach_interface', fresh.host);
    try {
      const [nic] = (await ctx.deps.network.guestNetwork([portId])).nics;
      if (nic) await ctx.agent(fresh.host).detachInterface(fresh.uuid, nic);
      const held = serverPorts(fresh).find((p) => p.id === portId) ?? { id: portId, created: false };
      await saveServerPorts(ctx, fresh.uuid, (ports) => ports.filter((p) => p.id !== portId));
      await ctx.deps.network.releasePorts([held]);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.deps.log.warn({ uuid: fresh.uuid, portId, err: message }, 'interface detach failed');
      await finishEvent(db, action, 'compute_detach_interface', message);
      await finishAction(db, action, message);
      return;
    }
    await finishEvent(db, action, 'compute_detach_interface');
    await finishAction(db, action);
  });
}
