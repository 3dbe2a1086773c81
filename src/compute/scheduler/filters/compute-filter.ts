import type { Filter } from '../host-state.js';

/** Nova's ComputeFilter: only hosts whose nova-compute service is up and enabled. */
export const computeFilter: Filter = {
  name: 'ComputeFilter',
  passes: (host) => host.up && host.enabled,
};
