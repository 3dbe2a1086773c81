// Starts this process's storage agents: one per configured backend (`<host>@<backend>`), serving the
// volume manager's calls on `volume.<host>@<backend>` and reporting capacity as its heartbeat.
import type { Platform } from '../../platform/platform.js';
import type { BackupStore, VolumeBackend } from './backend.js';
import { FileBackend } from './backends/file/file-backend.js';
import { PosixBackupStore } from './backup-store/posix-backup-store.js';
import { StorageAgent } from './storage-agent.js';

export interface RunningStorageAgents {
  stop(): Promise<void>;
}

/** With no backends configured (a controller, `NUBIS_VOLUME_BACKENDS=none`) it starts nothing. */
export async function startStorageAgents(platform: Platform): Promise<RunningStorageAgents> {
  const v = platform.config.volume;
  const agents: StorageAgent[] = [];
  if (v.backends.length === 0) return { async stop() { /* nothing runs */ } };
  // One store for every backend of this host: chunks are shared, and its lock must see every backup.
  const store: BackupStore = new PosixBackupStore(v.backupDir, v.backupChunkBytes);
  const stopAll = () => Promise.allSettled(agents.map((a) => a.stop()));
  try {
    for (const config of v.backends) {
      const backend = new FileBackend(config, v.host);
      // Nothing of this backend runs yet, so any temp file is a crashed run's leftover.
      backend.removeLeftovers();
      const agent = new StorageAgent(backend as VolumeBackend, store, platform.bus,
        { host: v.host, backend: config, reportSeconds: v.reportSeconds }, platform.log);
      await agent.start();
      agents.push(agent);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { async stop() { await stopAll(); } };
}
