import { AgentClient } from '../agent/compute/agent-client.js';
import type { ComputeDeps } from './common.js';
import type { Scheduler } from './scheduler/request-spec.js';
import type { Conductor } from './conductor/conductor.js';

/** What a compute slice's routes are built from. */
export interface ComputeContext {
  readonly deps: ComputeDeps;
  readonly scheduler: Scheduler;
  /** The typed bus handle on one host's compute agent. */
  agent(host: string): AgentClient;
  /** Runs instance workflows (build, actions, delete) one at a time per instance. */
  readonly conductor: Conductor;
}

export function agentFor(deps: ComputeDeps): (host: string) => AgentClient {
  return (host) => new AgentClient(deps.bus, host);
}
