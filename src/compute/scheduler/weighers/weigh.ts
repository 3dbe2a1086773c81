// Nova's weights.py: each weigher's raw values are normalised to 0..1 across the candidates
// (min → 0, max → 1; all equal → 0), multiplied by the weigher's multiplier and summed.
import type { ComputeConfig } from '../../../platform/config.compute.js';
import type { HostState, RequestFacts, Weigher } from '../host-state.js';
import type { RequestSpec } from '../request-spec.js';
import { buildFailureWeigher } from './build-failure-weigher.js';
import { cpuWeigher } from './cpu-weigher.js';
import { diskWeigher } from './disk-weigher.js';
import { ramWeigher } from './ram-weigher.js';
import { softAffinityWeigher } from './soft-affinity-weigher.js';
import { softAntiAffinityWeigher } from './soft-anti-affinity-weigher.js';

export const WEIGHERS: readonly Weigher[] = [ramWeigher, cpuWeigher, diskWeigher, softAffinityWeigher, softAntiAffinityWeigher, buildFailureWeigher];

/** Normalises values to 0..1 (Nova's normalize(): a flat list is all zeros). */
export function normalize(values: readonly number[]): number[] {
  const out = Float64Array.from(values);
  normalizeInPlace(out);
  return [...out];
}

function normalizeInPlace(values: Float64Array): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const range = hi - lo;
  for (let i = 0; i < values.length; i++) values[i] = range === 0 ? 0 : (values[i]! - lo) / range;
}

/** Total weight of each host (same order as `hosts`). */
export function weighHosts(hosts: readonly HostState[], spec: RequestSpec, facts: RequestFacts, config: ComputeConfig,
  weighers: readonly Weigher[] = WEIGHERS): Float64Array {
  const totals = new Float64Array(hosts.length);
  const raw = new Float64Array(hosts.length);
  for (const w of weighers) {
    const m = w.multiplier(config);
    if (m === 0 || (w.applies && !w.applies(spec, facts))) continue;
    for (let i = 0; i < hosts.length; i++) raw[i] = w.weigh(hosts[i]!, spec, facts);
    normalizeInPlace(raw);
    for (let i = 0; i < hosts.length; i++) totals[i]! += m * raw[i]!;
  }
  return totals;
}
