// What each network slice is handed: the shared deps and the dataplane sync.
import type { ApplyResult } from '../agent/network/host-state.js';
import type { NetworkDeps } from './common.js';

/**
 * Pushes desired host states to the hosts' agents after changes. The API calls `changed()` after
 * any write that may change what a host runs (ports, subnets, security groups, routers, floating
 * IPs); pushes are coalesced and serialised per host, and port statuses are updated from the agents'
 * answers.
 */
export interface DataplaneSync {
  /** Something changed: recompute and push every affected host's state, in the background. */
  changed(): void;
  /** Push `host`'s current state now and wait for its outcome (port statuses are written first). */
  applyHost(host: string): Promise<ApplyResult>;
  /** Resolves when no push is pending or running (tests, shutdown). */
  idle(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface NetworkContext {
  readonly deps: NetworkDeps;
  readonly sync: DataplaneSync;
}

/** A sync that does nothing: until the dataplane sync exists, and for API-only tests. */
export const noDataplane: DataplaneSync = {
  changed() { /* nothing to push */ },
  async applyHost() { return { ports: [] }; },
  async idle() { /* nothing pending */ },
  async start() { /* nothing to start */ },
  async stop() { /* nothing to stop */ },
};
