import type { Filter } from '../host-state.js';

/**
 * Nova's ServerGroupAntiAffinityFilter: an `anti-affinity` group puts at most
 * rules.max_server_per_host (default 1) of its members on one host.
 */
export const serverGroupAntiAffinityFilter: Filter = {
  name: 'ServerGroupAntiAffinityFilter',
  applies: (_spec, facts) => facts.group?.policy === 'anti-affinity',
  passes(host, _spec, facts) {
    const g = facts.group;
    if (!g || g.policy !== 'anti-affinity') return true;
    return (g.memberHosts.get(host.host) ?? 0) < g.maxServerPerHost;
  },
};
