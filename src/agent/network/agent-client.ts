// The control plane's handle on one host's network agent (topic `network.<host>`), and the topic
// agents report to (served by the network control plane's dataplane sync).
import type { Bus } from '../../platform/bus/bus.js';
import type { ApplyResult, HostNetworkState } from './host-state.js';

export const networkAgentTopic = (host: string): string => `network.${host}`;
/** Agents call `agentStarted` {host, vtep} once up and `heartbeat` {host, vtep} periodically. */
export const NETWORK_CONDUCTOR_TOPIC = 'network-conductor';

export interface AgentReport { host: string; vtep: string | null }

/** Converging a host with many ports and namespaces can take a while on a loaded machine. */
const APPLY_TIMEOUT_MS = 60_000;

export class NetworkAgentClient {
  constructor(private readonly bus: Bus, readonly host: string) {}

  apply(state: HostNetworkState): Promise<ApplyResult> {
    return this.bus.call<ApplyResult>(networkAgentTopic(this.host), 'apply', { state }, { timeoutMs: APPLY_TIMEOUT_MS });
  }

  teardown(): Promise<void> {
    return this.bus.call<void>(networkAgentTopic(this.host), 'teardown', {}, { timeoutMs: APPLY_TIMEOUT_MS });
  }
}
