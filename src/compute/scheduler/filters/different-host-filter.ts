import type { Filter } from '../host-state.js';

/** Nova's DifferentHostFilter: hint `different_host` (instance uuids) keeps off the hosts those instances run on. */
export const differentHostFilter: Filter = {
  name: 'DifferentHostFilter',
  applies: (_spec, facts) => facts.differentHosts.size > 0,
  passes: (host, _spec, facts) => !facts.differentHosts.has(host.host),
};
