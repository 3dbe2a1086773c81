import type { Filter } from '../host-state.js';

/** Nova's SameHostFilter: hint `same_host` (instance uuids) keeps only the hosts those instances run on. */
export const sameHostFilter: Filter = {
  name: 'SameHostFilter',
  applies: (_spec, facts) => facts.sameHosts !== null,
  passes: (host, _spec, facts) => facts.sameHosts === null || facts.sameHosts.has(host.host),
};
