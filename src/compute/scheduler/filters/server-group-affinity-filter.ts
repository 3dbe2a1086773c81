import type { Filter } from '../host-state.js';

/**
 * Nova's ServerGroupAffinityFilter: members of an `affinity` group share one host. The first
 * member (no other member placed yet) may go anywhere.
 */
export const serverGroupAffinityFilter: Filter = {
  name: 'ServerGroupAffinityFilter',
  applies: (_spec, facts) => facts.group?.policy === 'affinity',
  passes(host, _spec, facts) {
    const g = facts.group;
    if (!g || g.policy !== 'affinity' || g.memberHosts.size === 0) return true;
    return g.memberHosts.has(host.host);
  },
};
