import { freeDiskGb, freeRamMb, freeVcpus, type Filter } from '../host-state.js';

/**
 * Nova's Core/Ram/Disk filters in one (placement's allocation candidates): the flavor's vCPUs, RAM
 * and disk must fit in what the node has left under its allocation ratios. The claim re-checks this
 * in the database; here it only keeps hopeless hosts out of the weighing.
 */
export const resourcesFilter: Filter = {
  name: 'ResourcesFilter',
  passes: (host, _spec, { want }) =>
    want.vcpus <= freeVcpus(host) && want.memoryMb <= freeRamMb(host) && want.diskGb <= freeDiskGb(host),
};
