// A storage agent stand-in for the manager's tests: serves `volume.<host>@<backend>` on the bus,
// records every call, keeps the set of volumes, snapshots and backups it "holds", and fails the
// methods a test names, so each workflow's failure path (and its cleanup) can be checked.
import { storageTopic } from '../../agent/storage/storage-agent-client.js';
import type { Bus, Subscription } from '../../platform/bus/bus.js';

export interface StubCall { method: string; args: Record<string, unknown> }

export class StubStorageAgent {
  readonly calls: StubCall[] = [];
  readonly volumes = new Set<string>();
  readonly snapshots = new Set<string>();
  readonly backups = new Set<string>();
  /** method → error message it throws. */
  readonly failing = new Map<string, string>();
  /** When set, every call waits for it first (to catch a workflow in the middle). */
  gate: Promise<void> | null = null;
  private sub?: Subscription;

  constructor(readonly backendHost: string) {}

  async serve(bus: Bus): Promise<this> {
    this.sub = await bus.serve(storageTopic(this.backendHost), (method, args) => this.handle(method, args as Record<string, unknown>));
    return this;
  }

  async stop(): Promise<void> { await this.sub?.unsubscribe(); }

  called(method: string): StubCall[] { return this.calls.filter((c) => c.method === method); }

  reset(): void {
    this.gate = null;
    this.calls.length = 0;
    this.failing.clear();
  }

  private async handle(method: string, a: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ method, args: a });
    if (this.gate) await this.gate;
    const failure = this.failing.get(method);
    if (failure) throw new Error(failure);
    const id = String(a.id ?? '');
    switch (method) {
      case 'createVolume': case 'createFromImage': case 'createFromSnapshot': case 'cloneVolume':
        if (method === 'createFromSnapshot' && !this.snapshots.has(String(a.snapshotId))) throw new Error(`no snapshot ${String(a.snapshotId)}`);
        if (method === 'cloneVolume' && !this.volumes.has(String(a.sourceId))) throw new Error(`no volume ${String(a.sourceId)}`);
        this.volumes.add(id);
        return `volume-${id}`;
      case 'deleteVolume': this.volumes.delete(id); return null;
      case 'extendVolume': case 'copyToImage': case 'revertToSnapshot':
        if (!this.volumes.has(String(a.id ?? a.volumeId))) throw new Error(`no volume ${String(a.id ?? a.volumeId)}`);
        return method === 'copyToImage' ? 1024 : null;
      case 'createSnapshot': this.snapshots.add(String(a.snapshotId)); return `snapshot-${String(a.snapshotId)}`;
      case 'deleteSnapshot': this.snapshots.delete(String(a.snapshotId)); return null;
      case 'backup':
        this.backups.add(String(a.backupId));
        return { container: `backup-${String(a.backupId)}`, objectCount: 3, sizeBytes: 3 * 4096 };
      case 'restore':
        if (!this.backups.has(String(a.backupId))) throw new Error(`no backup ${String(a.backupId)}`);
        if (!this.volumes.has(String(a.volumeId))) throw new Error(`no volume ${String(a.volumeId)}`);
        return null;
      case 'deleteBackup': this.backups.delete(String(a.backupId)); return null;
      case 'capacity': return { totalGb: 100, freeGb: 100, provisionedGb: 0 };
      case 'listVolumes': return [...this.volumes];
      default: throw new Error(`stub storage agent has no method ${method}`);
    }
  }
}
