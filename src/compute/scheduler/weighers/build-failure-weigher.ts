import type { Weigher } from '../host-state.js';

/**
 * Nova's BuildFailureWeigher: a host that keeps failing builds (broken disk, bad network) sinks
 * below every healthy one; its multiplier is large so that it outweighs the resource weighers.
 */
export const buildFailureWeigher: Weigher = {
  name: 'BuildFailureWeigher',
  multiplier: (c) => c.buildFailureWeightMultiplier,
  applies: (_spec, facts) => facts.anyBuildFailures !== false,
  weigh: (host) => -host.failedBuilds,
};
