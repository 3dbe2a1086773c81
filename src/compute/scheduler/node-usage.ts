// What each node has allocated, kept in memory between decisions. Reading it afresh (a GROUP BY
// over every allocation) was the largest cost of a decision at 10,000 hosts, so it is read again
// only when the allocation count differs from what this scheduler expects (another scheduler or a
// direct write changed it), or every few seconds; this scheduler's own claims and releases are
// applied as they commit. A stale figure can only make a choice less good, never unsafe: every
// claim re-checks the node in the database.
import type { AllocationRow, ComputeDb } from '../compute.tables.js';
import type { Resources } from './host-state.js';

type Held = Pick<AllocationRow, 'node_id' | 'vcpus' | 'memory_mb' | 'disk_gb'>;

export class NodeUsage {
  private used = new Map<string, Resources>();
  /** Allocation rows the map accounts for; -1 forces a reload. */
  private expectedCount = -1;
  private loadedAt = 0;
  /** Bumped on every change, so host states know to copy the figures again. */
  generation = 0;

  constructor(private readonly db: ComputeDb, private readonly maxAgeMs: number) {}

  /** Reloads from the database if `count` (the allocation rows now) is not what the map holds. */
  async refresh(count: number): Promise<void> {
    if (count === this.expectedCount && Date.now() - this.loadedAt <= this.maxAgeMs) return;
    const rows = await this.db.selectFrom('compute_allocation').select((eb) => ['node_id', eb.fn.sum<number>('vcpus').as('vcpus'),
      eb.fn.sum<number>('memory_mb').as('memory_mb'), eb.fn.sum<number>('disk_gb').as('disk_gb')]).groupBy('node_id').execute();
    this.used = new Map(rows.map((r) => [r.node_id, { vcpus: Number(r.vcpus), memoryMb: Number(r.memory_mb), diskGb: Number(r.disk_gb) }]));
    // Rows claimed while the query ran may or may not be in it: the next count check settles that.
    this.expectedCount = count;
    this.loadedAt = Date.now();
    this.generation++;
  }

  entries(): IterableIterator<[string, Resources]> { return this.used.entries(); }

  get(nodeId: string): Resources | undefined { return this.used.get(nodeId); }

  private add(row: Held, sign: 1 | -1): void {
    let u = this.used.get(row.node_id);
    if (!u) this.used.set(row.node_id, u = { vcpus: 0, memoryMb: 0, diskGb: 0 });
    u.vcpus += sign * row.vcpus;
    u.memoryMb += sign * row.memory_mb;
    u.diskGb += sign * row.disk_gb;
    this.generation++;
  }

  /** A claim of ours committed: `held` on the node, replacing `replaced` (a reschedule) if any. */
  claimed(held: Held, replaced: Held | undefined): void {
    this.add(held, 1);
    if (replaced) this.add(replaced, -1);
    else if (this.expectedCount >= 0) this.expectedCount++;
  }

  /** Rows of ours deleted (a release). */
  released(rows: readonly Held[]): void {
    for (const r of rows) this.add(r, -1);
    if (this.expectedCount >= 0) this.expectedCount -= rows.length;
  }

  /** Something changed that is simpler to read again than to apply (a confirmed resize). */
  invalidate(): void { this.expectedCount = -1; }
}
