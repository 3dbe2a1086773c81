import type { Weigher } from '../host-state.js';

/** Nova's ServerGroupSoftAntiAffinityWeigher: in a `soft-anti-affinity` group, hosts running fewer members weigh more. */
export const softAntiAffinityWeigher: Weigher = {
  name: 'ServerGroupSoftAntiAffinityWeigher',
  multiplier: () => 1,
  applies: (_spec, facts) => facts.group?.policy === 'soft-anti-affinity',
  weigh: (host, _spec, facts) => facts.group?.policy === 'soft-anti-affinity' ? -(facts.group.memberHosts.get(host.host) ?? 0) : 0,
};
