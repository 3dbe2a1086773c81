// Many holders of the shared side at once, or one of the exclusive side. The backup store's
// backups hold it shared (they may write the same chunk side by side harmlessly); its chunk garbage
// collection holds it exclusive, so it never removes a chunk a running backup has just counted on.
export class SharedLock {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: Array<{ exclusive: boolean; wake: () => void }> = [];

  async withShared<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try { return await work(); } finally { this.release(false); }
  }

  async withExclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try { return await work(); } finally { this.release(true); }
  }

  private free(exclusive: boolean): boolean {
    // Queued exclusive requests go first once waiting, so a stream of backups cannot starve a delete.
    if (exclusive) return !this.exclusive && this.shared === 0;
    return !this.exclusive && !this.waiting.some((w) => w.exclusive);
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.free(exclusive) && this.waiting.length === 0) {
      this.take(exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ exclusive, wake: resolve }));
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.exclusive = true;
    else this.shared++;
  }

  private release(exclusive: boolean): void {
    if (exclusive) this.exclusive = false;
    else this.shared--;
    // Wake waiters in order while they fit.
    while (this.waiting.length) {
      const next = this.waiting[0]!;
      const fits = next.exclusive ? !this.exclusive && this.shared === 0 : !this.exclusive;
      if (!fits) break;
      this.waiting.shift();
      this.take(next.exclusive);
      next.wake();
      if (next.exclusive) break;
    }
  }
}
