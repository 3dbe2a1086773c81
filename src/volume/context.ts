import { StorageAgentClient } from '../agent/storage/storage-agent-client.js';
import type { VolumeDeps } from './common.js';
import type { VolumeManager } from './manager/volume-manager.js';
import type { BackendScheduler } from './scheduler/backend-scheduler.js';

/** What a block storage slice's routes are built from. */
export interface VolumeContext {
  readonly deps: VolumeDeps;
  readonly scheduler: BackendScheduler;
  /** The typed bus handle on one backend's storage agent (`<host>@<backend>`). */
  agent(backendHost: string): StorageAgentClient;
  /** Runs volume, snapshot and backup workflows in the background. */
  readonly manager: VolumeManager;
}

export const agentFor = (deps: VolumeDeps) => (backendHost: string): StorageAgentClient => new StorageAgentClient(deps.bus, backendHost);

/** The `<host>@<backend>` part of a volume's host (`<host>@<backend>#<pool>`). */
export const backendOf = (volumeHost: string): string => volumeHost.split('#')[0]!;
