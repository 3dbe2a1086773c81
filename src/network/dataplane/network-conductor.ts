// The control plane's end of the agents' reports (topic `network-conductor`): an agent that starts
// registers its VTEP and gets its whole state pushed (how a restarted agent rebuilds); heartbeats
// keep its row fresh and register agents the control plane has not seen (its database was reset).
import { NETWORK_CONDUCTOR_TOPIC, type AgentReport } from '../../agent/network/agent-client.js';
import type { Subscription } from '../../platform/bus/bus.js';
import { now } from '../common.js';
import type { NetworkContext } from '../context.js';

export interface AgentSink {
  /** The host's agent lost (or never had) what it was sent. */
  forget(host: string): void;
  applyHost(host: string): Promise<unknown>;
  changed(): void;
}

function parseReport(args: unknown): AgentReport {
  const a = (args ?? {}) as Record<string, unknown>;
  if (typeof a.host !== 'string' || !a.host) throw new Error('agent report without a host');
  if (a.vtep !== null && a.vtep !== undefined && typeof a.vtep !== 'string') throw new Error('agent report with a bad vtep');
  return { host: a.host, vtep: (a.vtep as string | null | undefined) ?? null };
}

/** Inserts or refreshes the agent's row; true when it is new or its VTEP moved (other hosts must learn it). */
export async function upsertAgent(ctx: NetworkContext, report: AgentReport, started: boolean): Promise<boolean> {
  const at = now();
  return ctx.deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('net_agent').selectAll().where('host', '=', report.host).executeTakeFirst();
    if (!row) {
      await trx.insertInto('net_agent').values({ host: report.host, vtep: report.vtep, started_at: at, heartbeat_at: at })
        .onConflict((oc) => oc.column('host').doUpdateSet({ vtep: report.vtep, heartbeat_at: at })).execute();
      return true;
    }
    await trx.updateTable('net_agent')
      .set({ vtep: report.vtep, heartbeat_at: at, ...(started ? { started_at: at } : {}) })
      .where('host', '=', report.host).execute();
    return row.vtep !== report.vtep;
  });
}

export function serveNetworkConductor(ctx: NetworkContext, sink: AgentSink): Promise<Subscription> {
  const log = ctx.deps.log;
  const push = (host: string) => void sink.applyHost(host).catch((err) =>
    log.warn({ err: String(err), host }, 'pushing the network state to a starting agent failed; the next pass retries'));
  return ctx.deps.bus.serve(NETWORK_CONDUCTOR_TOPIC, async (method, args) => {
    const report = parseReport(args);
    switch (method) {
      case 'agentStarted': {
        const moved = await upsertAgent(ctx, report, true);
        log.info({ host: report.host, vtep: report.vtep }, 'network agent started');
        // Answer first: the agent is waiting for this reply while the push comes to it.
        sink.forget(report.host);
        push(report.host);
        if (moved) sink.changed();
        return { ok: true };
      }
      case 'heartbeat': {
        const isNew = await upsertAgent(ctx, report, false);
        if (isNew) { sink.forget(report.host); push(report.host); sink.changed(); }
        return { ok: true };
      }
      default:
        throw new Error(`network-conductor has no method ${method}`);
    }
  });
}
