// A tiny undo stack for multi-step host work (STYLE §6): each step pushes its inverse; on failure
// the inverses run newest first, on success they are dropped.
export class Revert {
  private readonly undo: Array<() => unknown> = [];

  add(fn: () => unknown): void { this.undo.push(fn); }

  /** Runs every inverse, newest first; an inverse that fails does not stop the others. */
  async fail(): Promise<void> {
    while (this.undo.length) {
      try { await this.undo.pop()!(); } catch { /* best effort: the original error is what matters */ }
    }
  }

  success(): void { this.undo.length = 0; }

  /** Runs `work` with a fresh stack, unwinding it if `work` throws. */
  static async run<T>(work: (r: Revert) => Promise<T>): Promise<T> {
    const r = new Revert();
    try {
      const out = await work(r);
      r.success();
      return out;
    } catch (e) {
      await r.fail();
      throw e;
    }
  }
}
