import type { Filter } from '../host-state.js';

/** Retries: hosts where an earlier attempt of this build failed are not tried again (Nova's RetryFilter). */
export const ignoreHostsFilter: Filter = {
  name: 'IgnoreHostsFilter',
  applies: (spec) => spec.ignoreHosts.length > 0,
  passes: (host, spec) => !spec.ignoreHosts.includes(host.host),
};
