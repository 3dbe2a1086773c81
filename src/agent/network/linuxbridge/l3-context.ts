// What the L3 half of the linuxbridge dataplane (DHCP namespaces, routers, metadata proxies) needs
// from the orchestrator: options, the networks of the state, and the bridge each network maps to.
import type { Logger } from '../../../platform/logger.js';
import type { DataplaneOptions, L2Network } from '../host-state.js';

export interface L3Context {
  opts: DataplaneOptions;
  networks: Map<string, L2Network>;
  /** The bridge a network's legs are enslaved to (made by the L2 half before L3 runs). */
  bridgeOf(networkId: string): string;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Tests: the namespace standing in for the host (bridges and host-side veths live there). */
  netns?: string;
}
