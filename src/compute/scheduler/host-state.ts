// What the filters and weighers see of one compute host, and what a request asks of it. Pure data:
// the loader (host-states.ts) fills it from the database, tests build it by hand.
import type { ComputeConfig } from '../../platform/config.compute.js';
import type { InstanceFlavor } from '../compute.tables.js';
import type { RequestSpec } from './request-spec.js';

export const DEFAULT_AZ = 'nova';

export interface Resources { vcpus: number; memoryMb: number; diskGb: number }

export interface HostState {
  host: string;
  nodeId: string;
  hypervisorHostname: string;
  hypervisorType: string;
  hypervisorVersion: number;
  /** compute_node.capabilities: `hw_architecture`, `img_hv_type`… */
  capabilities: Record<string, string>;
  /** nova-compute service heartbeat is recent and not forced down. */
  up: boolean;
  /** nova-compute service not disabled. */
  enabled: boolean;
  availabilityZone: string;
  /** Every aggregate's metadata for this host: key → the values its aggregates give it. */
  aggregateMetadata: Record<string, string[]>;
  /** Raw inventory as the node reports it. */
  total: Resources;
  reserved: Resources;
  ratios: { cpu: number; ram: number; disk: number };
  /** Sum of the node's allocations (instances and in-flight resizes). */
  used: Resources;
  /** Non-deleted instances on the host. */
  instances: number;
  /** Recent failed builds here (kept in the scheduler's memory, reset by a success). */
  failedBuilds: number;
}

/** What a flavor holds on a node: root + ephemeral + swap (MB, rounded up to whole GB) disk. */
export function flavorResources(f: Pick<InstanceFlavor, 'vcpus' | 'ram' | 'disk' | 'ephemeral' | 'swap'>): Resources {
  return { vcpus: f.vcpus, memoryMb: f.ram, diskGb: f.disk + f.ephemeral + Math.ceil(f.swap / 1024) };
}

/**
 * What the node may hand out. Reserved vCPUs are whole host CPUs taken after overcommit; reserved
 * memory is taken before the RAM ratio (the host itself never swaps it out); reserved disk, like
 * vCPUs, after the disk ratio.
 */
export function capacity(h: Pick<HostState, 'total' | 'reserved' | 'ratios'>): Resources {
  return {
    vcpus: h.total.vcpus * h.ratios.cpu - h.reserved.vcpus,
    memoryMb: (h.total.memoryMb - h.reserved.memoryMb) * h.ratios.ram,
    diskGb: h.total.diskGb * h.ratios.disk - h.reserved.diskGb,
  };
}

type Sized = Pick<HostState, 'total' | 'reserved' | 'ratios' | 'used'>;

// Scalar forms of free(): the weighers call them for every host of every decision, without allocating.
export const freeVcpus = (h: Sized): number => h.total.vcpus * h.ratios.cpu - h.reserved.vcpus - h.used.vcpus;
export const freeRamMb = (h: Sized): number => (h.total.memoryMb - h.reserved.memoryMb) * h.ratios.ram - h.used.memoryMb;
export const freeDiskGb = (h: Sized): number => h.total.diskGb * h.ratios.disk - h.reserved.diskGb - h.used.diskGb;

export function free(h: Sized): Resources {
  return { vcpus: freeVcpus(h), memoryMb: freeRamMb(h), diskGb: freeDiskGb(h) };
}

export const fits = (want: Resources, room: Resources): boolean =>
  want.vcpus <= room.vcpus && want.memoryMb <= room.memoryMb && want.diskGb <= room.diskGb;

/** The request's server group, with where its other members run. */
export interface GroupFacts {
  id: string;
  policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
  /** rules.max_server_per_host (anti-affinity), 1 when unset. */
  maxServerPerHost: number;
  /** host → number of the group's other members on it. */
  memberHosts: Map<string, number>;
}

/** Facts about one request that the filters share, looked up once per decision. */
export interface RequestFacts {
  config: ComputeConfig;
  want: Resources;
  group: GroupFacts | null;
  /** Hosts of the `same_host` instances (null: no such hint). */
  sameHosts: Set<string> | null;
  /** Hosts of the `different_host` instances. */
  differentHosts: Set<string>;
  /** Whether any host has recorded build failures. */
  anyBuildFailures?: boolean;
}

export interface Filter {
  readonly name: string;
  /** False when the filter cannot reject any host for this request (it is then skipped). */
  applies?(spec: RequestSpec, facts: RequestFacts): boolean;
  passes(host: HostState, spec: RequestSpec, facts: RequestFacts): boolean;
}

export interface Weigher {
  readonly name: string;
  /** False when every host would weigh the same for this request (it is then skipped). */
  applies?(spec: RequestSpec, facts: RequestFacts): boolean;
  multiplier(config: ComputeConfig): number;
  /** Raw weight; the scheduler normalises it to 0..1 across the candidates before multiplying. */
  weigh(host: HostState, spec: RequestSpec, facts: RequestFacts): number;
}
