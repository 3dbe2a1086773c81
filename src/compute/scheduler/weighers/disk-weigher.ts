import { freeDiskGb, type Weigher } from '../host-state.js';

/** Nova's DiskWeigher: more free disk weighs more. */
export const diskWeigher: Weigher = {
  name: 'DiskWeigher',
  multiplier: (c) => c.diskWeightMultiplier,
  weigh: freeDiskGb,
};
