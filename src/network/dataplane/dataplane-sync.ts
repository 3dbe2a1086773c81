// Pushes each host's desired network state to its agent after API changes, coalesced and
// serialised per host, and writes back the port statuses the agents report. A periodic forced pass
// repairs drift (an agent that lost state, a push that failed).
import { networkAgentTopic, NetworkAgentClient } from '../../agent/network/agent-client.js';
import type { ApplyResult } from '../../agent/network/host-state.js';
import type { Subscription } from '../../platform/bus/bus.js';
import { KeyedQueue } from '../../platform/keyed-queue.js';
import type { NetworkDeps } from '../common.js';
import type { DataplaneSync, NetworkContext } from '../context.js';
import { ensureDhcpPorts } from './dhcp-ports.js';
import { agentVteps, planHost } from './host-state-planner.js';
import { serveNetworkConductor } from './network-conductor.js';
import { isEmptyState } from './plan-mapping.js';
import { downUnboundPorts, writeFloatingIpStatuses, writePortStatuses } from './port-status.js';

export interface DataplaneSyncOptions {
  /** Seconds between forced passes; 0 = none (tests). */
  repairSeconds?: number;
}

export class HostSync implements DataplaneSync {
  private readonly ctx: NetworkContext;
  private readonly hosts = new KeyedQueue();
  /** What each host was last sent successfully, as JSON: unchanged states are not pushed again. */
  private readonly lastPushed = new Map<string, string>();
  private dirty = false;
  private force = false;
  private running: Promise<void> | undefined;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;
  /** Passes run so far (tests check coalescing with it). */
  passes = 0;

  constructor(deps: NetworkDeps, private readonly opts: DataplaneSyncOptions = {}) {
    this.ctx = { deps, sync: this };
  }

  changed(): void {
    this.schedule(false);
  }

  async applyHost(host: string): Promise<ApplyResult> {
    const vteps = await agentVteps(this.ctx);
    await this.ensureDhcpPorts(vteps);
    // The DHCP reservations (on the gateway host) go first: a guest booted on the new tap asks at once.
    const gateway = this.ctx.deps.config.network.gatewayHost;
    if (gateway !== host && vteps.has(gateway)) {
      await this.push(gateway, false, vteps).catch((err) =>
        this.ctx.deps.log.warn({ err: String(err), host: gateway }, 'pushing the gateway host before a port binding failed'));
    }
    const result = await this.push(host, true, vteps);
    this.changed(); // the other hosts learn the new MACs in the background
    return result;
  }

  async idle(): Promise<void> {
    // A push may schedule a pass and a pass queues pushes: wait until both are quiet at once.
    for (;;) {
      if (this.running) { await this.running; continue; }
      await this.hosts.idle();
      if (!this.running) return;
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.subscription = await serveNetworkConductor(this.ctx, this);
    const every = this.opts.repairSeconds ?? 60;
    if (every > 0) {
      this.timer = setInterval(() => this.schedule(true), every * 1000);
      this.timer.unref();
    }
    // After a control-plane restart nothing is known to be pushed: one forced pass catches up.
    this.schedule(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
    await this.idle();
  }

  /** Forgets what `host` was sent (its agent restarted): the next pass pushes it in full. */
  forget(host: string): void {
    this.lastPushed.delete(host);
  }

  private schedule(force: boolean): void {
    if (this.stopped) return;
    this.dirty = true;
    this.force ||= force;
    this.kick();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // A change that arrived while the last pass was finishing must not wait for the next one.
      if (this.dirty) this.kick();
    });
  }

  private async loop(): Promise<void> {
    // Let the burst of changes from one request (or many) land before reading the database.
    await new Promise((r) => setImmediate(r));
    while (this.dirty && !this.stopped) {
      const force = this.force;
      this.dirty = false;
      this.force = false;
      this.passes++;
      try {
        await this.pass(force);
      } catch (err) {
        this.ctx.deps.log.warn({ err: String(err) }, 'network dataplane sync pass failed; retrying on the next change');
      }
    }
  }

  /** One pass: DHCP ports, then every host with an agent whose state changed (or all, when forced). */
  private async pass(force: boolean): Promise<void> {
    const vteps = await agentVteps(this.ctx);
    if (!vteps.size) return; // no agent anywhere (API-only): nothing to wire, no DHCP server to give a port
    await this.ensureDhcpPorts(vteps);
    await downUnboundPorts(this.ctx);
    await Promise.all([...vteps.keys()].map(async (host) => {
      try {
        await this.push(host, force, vteps);
      } catch (err) {
        this.ctx.deps.log.warn({ err: String(err), host }, 'pushing the network state to a host failed; ports keep their status');
      }
    }));
  }

  /** DHCP ports exist only while the gateway host has an agent to run their servers (as Neutron's DHCP agent makes them). */
  private async ensureDhcpPorts(vteps: Map<string, string | null>): Promise<void> {
    if (!vteps.has(this.ctx.deps.config.network.gatewayHost)) return;
    await this.hosts.run('dhcp-ports', () => ensureDhcpPorts(this.ctx));
  }

  /** Plans and sends one host's state (serialised per host); writes the outcome. */
  private push(host: string, force: boolean, knownVteps?: Map<string, string | null>): Promise<ApplyResult> {
    return this.hosts.run(`host:${host}`, async () => {
      const vteps = knownVteps ?? await agentVteps(this.ctx);
      // No agent registered there: nothing can wire its ports, which stay DOWN.
      if (!vteps.has(host)) return { ports: [] };
      const state = await planHost(this.ctx, host, vteps);
      const key = JSON.stringify(state);
      const before = this.lastPushed.get(host);
      if (!force && (before === key || (before === undefined && isEmptyState(state)))) return { ports: [] };
      this.lastPushed.delete(host); // until this push succeeds
      let result: ApplyResult;
      try {
        result = await new NetworkAgentClient(this.ctx.deps.bus, host).apply(state);
      } catch (err) {
        throw new Error(`agent ${networkAgentTopic(host)}: ${(err as Error).message}`);
      }
      this.lastPushed.set(host, key);
      await writePortStatuses(this.ctx, result);
      if (host === this.ctx.deps.config.network.gatewayHost) await writeFloatingIpStatuses(this.ctx, state, result);
      return result;
    });
  }
}

export function createDataplaneSync(deps: NetworkDeps, opts: DataplaneSyncOptions = {}): HostSync {
  return new HostSync(deps, opts);
}
