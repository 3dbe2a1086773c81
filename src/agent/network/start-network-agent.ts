// Starts this process's network agent from config.network: the linuxbridge dataplane for this host,
// or none (`dataplane: none`: controllers and API tests).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from '../../platform/platform.js';
import { LinuxBridgeDataplane } from './linuxbridge/linuxbridge-dataplane.js';
import { serveMetadataSocket } from './linuxbridge/metadata-socket.js';
import { NetworkAgent } from './network-agent.js';

export interface RunningNetworkAgent {
  readonly agent: NetworkAgent | null;
  stop(): Promise<void>;
}

export async function startNetworkAgent(platform: Platform): Promise<RunningNetworkAgent> {
  const n = platform.config.network;
  if (n.dataplane === 'none') return { agent: null, async stop() { /* no agent */ } };
  const stateDir = join(platform.config.stateDir, 'network');
  await mkdir(stateDir, { recursive: true });
  const metadataSocket = join(stateDir, 'metadata.sock');
  const log = platform.log.child({ component: 'network-agent', host: n.host });
  const dataplane = new LinuxBridgeDataplane({ localVtep: n.localVtep, physicalNetworks: n.physicalNetworks, stateDir, metadataSocket }, { log });
  const agent = new NetworkAgent(n.host, dataplane, platform.bus, { vtep: n.localVtep, metadataSocket, serveMetadata: serveMetadataSocket }, log);
  await agent.start();
  return { agent, stop: () => agent.stop() };
}
