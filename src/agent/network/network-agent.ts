// A host's network agent: serves `network.<host>` (apply a desired state, tear down) by driving its
// dataplane, serves the metadata socket its proxies forward to (asking the control plane who is
// asking), and reports itself so the control plane pushes its whole state after every start.
import type { Bus, Subscription } from '../../platform/bus/bus.js';
import type { Logger } from '../../platform/logger.js';
import { NETWORK_CONDUCTOR_TOPIC, networkAgentTopic, type AgentReport } from './agent-client.js';
import {
  METADATA_TOPIC, type ApplyResult, type HostNetworkState, type MetadataRequest, type MetadataResponse, type NetworkDataplane,
} from './host-state.js';

export interface NetworkAgentOptions {
  /** This host's VTEP, reported to the control plane (other hosts tunnel to it). */
  vtep: string | null;
  /** Unix socket for the metadata proxies; null: no metadata served (tests). */
  metadataSocket: string | null;
  /** Serves the metadata socket (linuxbridge's serveMetadataSocket); injected so tests need no root. */
  serveMetadata?: (path: string, handler: (req: MetadataRequest) => Promise<MetadataResponse>) => Promise<{ close(): Promise<void> }>;
  heartbeatSeconds?: number;
  /** Delay between attempts to report the start while the control plane does not answer. */
  retrySeconds?: number;
}

const METADATA_TIMEOUT_MS = 10_000;

export class NetworkAgent {
  private subscription?: Subscription;
  private metadata?: { close(): Promise<void> };
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(readonly host: string, readonly dataplane: NetworkDataplane, private readonly bus: Bus,
    private readonly opts: NetworkAgentOptions, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.subscription = await this.bus.serve(networkAgentTopic(this.host), (method, args) => this.handle(method, args ?? {}));
    if (this.opts.metadataSocket && this.opts.serveMetadata) {
      this.metadata = await this.opts.serveMetadata(this.opts.metadataSocket, (req) => this.askMetadata(req));
    }
    const report: AgentReport = { host: this.host, vtep: this.opts.vtep };
    // Waits for the first answer only; a control plane that is not up yet is retried in the background.
    if (!(await this.reportStart(report))) this.retryStart(report);
    const hb = setInterval(() => void this.bus.call(NETWORK_CONDUCTOR_TOPIC, 'heartbeat', report)
      .catch((err) => this.log.warn({ err: String(err), host: this.host }, 'network agent heartbeat failed')),
    (this.opts.heartbeatSeconds ?? 30) * 1000);
    hb.unref();
    this.timers.push(hb);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t); // clears intervals too
    this.timers = [];
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
    await this.metadata?.close();
    this.metadata = undefined;
  }

  private async reportStart(report: AgentReport): Promise<boolean> {
    try {
      await this.bus.call(NETWORK_CONDUCTOR_TOPIC, 'agentStarted', report, { timeoutMs: 10_000 });
      return true;
    } catch (err) {
      this.log.warn({ err: String(err), host: this.host }, 'network agent cannot report its start yet; retrying');
      return false;
    }
  }

  private retryStart(report: AgentReport): void {
    const t = setTimeout(() => {
      if (this.stopped) return;
      void this.reportStart(report).then((ok) => { if (!ok) this.retryStart(report); });
    }, (this.opts.retrySeconds ?? 5) * 1000);
    t.unref();
    this.timers.push(t);
  }

  private async askMetadata(req: MetadataRequest): Promise<MetadataResponse> {
    return this.bus.call<MetadataResponse>(METADATA_TOPIC, 'metadata', req, { timeoutMs: METADATA_TIMEOUT_MS });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async handle(method: string, a: any): Promise<unknown> {
    switch (method) {
      case 'apply': {
        const state = a.state as HostNetworkState | undefined;
        if (!state || typeof state !== 'object') throw new Error('apply: no state given');
        if (state.host !== this.host) throw new Error(`apply: state for host ${state.host} sent to ${this.host}`);
        const result: ApplyResult = await this.dataplane.apply(state);
        return result;
      }
      case 'teardown':
        await this.dataplane.teardown();
        return { ok: true };
      default:
        throw new Error(`network agent has no method ${method}`);
    }
  }
}
