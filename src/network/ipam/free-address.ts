// Picking the lowest free address of a subnet's pools without walking the pools: the work is
// proportional to the addresses already taken, so a /8 pool costs no more than a /28.

export interface AddressRange { start: bigint; end: bigint }

/**
 * The lowest address inside `pools` that is not in `taken`, or null when every pool is full.
 * `taken` must be sorted ascending without duplicates (see `sortedUnique`).
 */
export function lowestFree(pools: readonly AddressRange[], taken: readonly bigint[]): bigint | null {
  const ordered = [...pools].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let j = 0;
  // Overlapping pools: whatever an earlier pool has already shown to be taken stays taken.
  let floor = -1n;
  for (const pool of ordered) {
    let candidate = pool.start > floor ? pool.start : floor;
    while (j < taken.length && taken[j]! < candidate) j++;
    while (j < taken.length && taken[j] === candidate) { candidate++; j++; }
    if (candidate <= pool.end) return candidate;
    floor = candidate;
  }
  return null;
}

/** Sorts addresses ascending and drops repeats. */
export function sortedUnique(values: Iterable<bigint>): bigint[] {
  const out = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/** Adds one address to a sorted list, keeping it sorted (a failed candidate joins the taken ones). */
export function insertSorted(sorted: bigint[], value: bigint): void {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1; else hi = mid;
  }
  if (sorted[lo] !== value) sorted.splice(lo, 0, value);
}
