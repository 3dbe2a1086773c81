// Work on one instance runs one piece at a time (a delete waits for the build it interrupts), and
// the conductor knows which instances have work in flight (reconciliation leaves those alone).
export class InstanceQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` after whatever is queued for `uuid`; errors are the work's own business. */
  enqueue(uuid: string, work: () => Promise<void>): Promise<void> {
    const prev = this.tails.get(uuid) ?? Promise.resolve();
    const next = prev.then(work, work).catch(() => undefined);
    this.tails.set(uuid, next);
    void next.then(() => { if (this.tails.get(uuid) === next) this.tails.delete(uuid); });
    return next;
  }

  busy(uuid: string): boolean { return this.tails.has(uuid); }

  /** Resolves when nothing is queued (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }
}
