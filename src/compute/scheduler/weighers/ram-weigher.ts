import { freeRamMb, type Weigher } from '../host-state.js';

/** Nova's RAMWeigher: more free RAM weighs more; a positive multiplier spreads, a negative one stacks. */
export const ramWeigher: Weigher = {
  name: 'RAMWeigher',
  multiplier: (c) => c.ramWeightMultiplier,
  weigh: freeRamMb,
};
