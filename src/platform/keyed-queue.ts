// Work under one key runs one piece at a time, in order; different keys run side by side. The
// conductor keys instance workflows by instance (a delete waits for the build it interrupts), the
// compute agent and the QEMU driver key host operations by guest (a reboot never interleaves
// with a snapshot's pause).
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once everything queued before it under `key` has settled; its result or error is the caller's. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return next;
  }

  /** Whether anything is queued or running under `key`. */
  busy(key: string): boolean { return this.tails.has(key); }

  /** Resolves when nothing is queued under any key (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }
}
