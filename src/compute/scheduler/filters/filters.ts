// The filter chain, cheapest and most selective first (as Nova's enabled_filters order matters
// for speed only, never for the result).
import type { Filter } from '../host-state.js';
import { aggregateInstanceExtraSpecsFilter } from './aggregate-instance-extra-specs-filter.js';
import { availabilityZoneFilter } from './availability-zone-filter.js';
import { computeFilter } from './compute-filter.js';
import { differentHostFilter } from './different-host-filter.js';
import { ignoreHostsFilter } from './ignore-hosts-filter.js';
import { imagePropertiesFilter } from './image-properties-filter.js';
import { numInstancesFilter } from './num-instances-filter.js';
import { resourcesFilter } from './resources-filter.js';
import { sameHostFilter } from './same-host-filter.js';
import { serverGroupAffinityFilter } from './server-group-affinity-filter.js';
import { serverGroupAntiAffinityFilter } from './server-group-anti-affinity-filter.js';

export const FILTERS: readonly Filter[] = [
  ignoreHostsFilter, computeFilter, availabilityZoneFilter, resourcesFilter, numInstancesFilter,
  aggregateInstanceExtraSpecsFilter, imagePropertiesFilter, serverGroupAffinityFilter, serverGroupAntiAffinityFilter,
  sameHostFilter, differentHostFilter,
];

/** A forced host (`az:host`) skips every filter but the one that keeps the node from overfilling. */
export const FORCED_HOST_FILTERS: readonly Filter[] = [resourcesFilter];
