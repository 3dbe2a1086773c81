import { freeVcpus, type Weigher } from '../host-state.js';

/** Nova's CPUWeigher: more free vCPUs weigh more. */
export const cpuWeigher: Weigher = {
  name: 'CPUWeigher',
  multiplier: (c) => c.cpuWeightMultiplier,
  weigh: freeVcpus,
};
