// Writes what an agent reported back: port status (ACTIVE/DOWN/ERROR with a reason) and the status
// of floating IPs NATed by the routers it runs. Only rows whose status changes are touched, so
// revision_number moves only on real transitions.
import type { ApplyResult, HostNetworkState, PortOutcome } from '../../agent/network/host-state.js';
import { now } from '../common.js';
import type { NetworkContext } from '../context.js';

interface Current { id: string; status: string; status_reason: string | null }

/** Outcomes that differ from the rows (pure). */
export function statusChanges(current: readonly Current[], outcomes: readonly PortOutcome[]): PortOutcome[] {
  const byId = new Map(current.map((c) => [c.id, c]));
  return outcomes.filter((o) => {
    const c = byId.get(o.id);
    return c !== undefined && (c.status !== o.status || (c.status_reason ?? null) !== (o.reason ?? null));
  });
}

export async function writePortStatuses(ctx: NetworkContext, result: ApplyResult): Promise<number> {
  const outcomes = result.ports.filter((o) => ['ACTIVE', 'DOWN', 'ERROR'].includes(o.status));
  if (!outcomes.length) return 0;
  const { db } = ctx.deps;
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('net_port').select(['id', 'status', 'status_reason'])
      .where('id', 'in', outcomes.map((o) => o.id)).execute();
    const changes = statusChanges(current, outcomes);
    const at = now();
    for (const o of changes) {
      await trx.updateTable('net_port')
        .set((eb) => ({ status: o.status, status_reason: o.status === 'ERROR' ? o.reason ?? 'wiring failed' : null,
          updated_at: at, revision_number: eb('revision_number', '+', 1) }))
        .where('id', '=', o.id).execute();
    }
    return changes.length;
  });
}

/** VM ports unbound from every host (binding_host_id '') that still say ACTIVE go DOWN. */
export async function downUnboundPorts(ctx: NetworkContext): Promise<void> {
  await ctx.deps.db.updateTable('net_port')
    .set((eb) => ({ status: 'DOWN', status_reason: null, updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
    .where('binding_host_id', '=', '').where('device_owner', 'like', 'compute:%').where('status', '!=', 'DOWN').execute();
}

/** A floating IP is ACTIVE while its router's gateway leg is up on the gateway host, else DOWN. */
export async function writeFloatingIpStatuses(ctx: NetworkContext, state: HostNetworkState, result: ApplyResult): Promise<void> {
  const up = new Set(result.ports.filter((o) => o.status === 'ACTIVE').map((o) => o.id));
  const routerUp = new Set(state.routers.filter((r) => r.adminStateUp && r.gateway && up.has(r.gateway.portId)).map((r) => r.id));
  const { db } = ctx.deps;
  await db.transaction().execute(async (trx) => {
    const fips = await trx.selectFrom('net_floating_ip').select(['id', 'router_id', 'port_id', 'status']).execute();
    const at = now();
    for (const f of fips) {
      const want = f.port_id && f.router_id && routerUp.has(f.router_id) ? 'ACTIVE' : 'DOWN';
      if (f.status === want) continue;
      await trx.updateTable('net_floating_ip')
        .set((eb) => ({ status: want, updated_at: at, revision_number: eb('revision_number', '+', 1) }))
        .where('id', '=', f.id).execute();
    }
  });
}
