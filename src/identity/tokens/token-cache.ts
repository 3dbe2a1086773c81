// Token validations remembered for as long as the identity validity generation stands still
// (see validity-generation.ts): any identity write, in any process, empties it.

/** Bounded map from token hash to a validation done at one generation. */
export class ValidationCache<T> {
  private generation = -1;
  private readonly entries = new Map<string, T>();

  constructor(private readonly max = 20_000) {}

  /** The entry for `hash` if it was stored at `generation`. */
  get(hash: string, generation: number): T | undefined {
    if (generation !== this.generation) {
      // Something changed: nothing remembered can be trusted any more.
      this.entries.clear();
      this.generation = generation;
      return undefined;
    }
    return this.entries.get(hash);
  }

  /** Remembers a validation made from data read at or after `generation` was read. */
  set(hash: string, generation: number, value: T): void {
    if (generation !== this.generation) return;
    // Oldest first out: Map keeps insertion order.
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, value);
  }
}
