import type { Filter } from '../host-state.js';

/** Nova's AvailabilityZoneFilter: the host's zone (its aggregate's, else the default) must be the one asked for. */
export const availabilityZoneFilter: Filter = {
  name: 'AvailabilityZoneFilter',
  applies: (spec) => spec.availabilityZone !== null && spec.availabilityZone !== '',
  passes: (host, spec) => spec.availabilityZone === null || spec.availabilityZone === '' || host.availabilityZone === spec.availabilityZone,
};
