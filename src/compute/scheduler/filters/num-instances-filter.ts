import type { Filter } from '../host-state.js';

/** Nova's NumInstancesFilter: no more than config.compute.maxInstancesPerHost instances per host (-1: off). */
export const numInstancesFilter: Filter = {
  name: 'NumInstancesFilter',
  applies: (_spec, facts) => facts.config.maxInstancesPerHost >= 0,
  passes: (host, _spec, facts) => facts.config.maxInstancesPerHost < 0 || host.instances < facts.config.maxInstancesPerHost,
};
