import { AgentClient } from '../agent/compute/agent-client.js';
import type { ComputeDeps } from './common.js';
import type { Scheduler } from './scheduler/request-spec.js';

/** What a compute slice's routes are built from. */
export interface ComputeContext {
  readonly deps: ComputeDeps;
  readonly scheduler: Scheduler;
  /** The typed bus handle on one host's compute agent. */
  agent(host: string): AgentClient;
}

export function agentFor(deps: ComputeDeps): (host: string) => AgentClient {
  return (host) => new AgentClient(deps.bus, host);
}
