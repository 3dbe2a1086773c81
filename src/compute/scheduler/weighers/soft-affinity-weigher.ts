import type { Weigher } from '../host-state.js';

/**
 * Nova's ServerGroupSoftAffinityWeigher: in a `soft-affinity` group, hosts already running more
 * members weigh more. Its multiplier is fixed at Nova's default (1.0): Nubis has no setting for it.
 */
export const softAffinityWeigher: Weigher = {
  name: 'ServerGroupSoftAffinityWeigher',
  multiplier: () => 1,
  applies: (_spec, facts) => facts.group?.policy === 'soft-affinity',
  weigh: (host, _spec, facts) => facts.group?.policy === 'soft-affinity' ? (facts.group.memberHosts.get(host.host) ?? 0) : 0,
};
