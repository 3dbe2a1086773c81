// Builders for the scheduler's tests: host states and request specs with sensible defaults.
import { loadComputeConfig, type ComputeConfig } from '../../platform/config.compute.js';
import type { InstanceFlavor } from '../compute.tables.js';
import { DEFAULT_AZ, flavorResources, type HostState, type RequestFacts } from './host-state.js';
import type { RequestSpec } from './request-spec.js';

export const testConfig = (over: Partial<ComputeConfig> = {}): ComputeConfig => ({ ...loadComputeConfig({ host: 'nbtest' }, {}), ...over });

export function flavor(over: Partial<InstanceFlavor> = {}): InstanceFlavor {
  return { id: 'f1', name: 'm1.test', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null, extra_specs: {}, ...over };
}

export function hostState(over: Partial<HostState> = {}): HostState {
  return {
    host: 'nbh1', nodeId: 'node-1', hypervisorHostname: 'nbh1', hypervisorType: 'fake', hypervisorVersion: 1000,
    capabilities: { hw_architecture: 'x86_64', img_hv_type: 'fake' }, up: true, enabled: true, availabilityZone: DEFAULT_AZ,
    aggregateMetadata: {}, total: { vcpus: 8, memoryMb: 16384, diskGb: 100 }, reserved: { vcpus: 0, memoryMb: 0, diskGb: 0 },
    ratios: { cpu: 1, ram: 1, disk: 1 }, used: { vcpus: 0, memoryMb: 0, diskGb: 0 }, instances: 0, failedBuilds: 0, ...over,
  };
}

export function spec(over: Partial<RequestSpec> = {}): RequestSpec {
  return {
    instanceUuid: '00000000-0000-4000-8000-000000000001', projectId: 'p1', flavor: flavor(), imageProperties: {},
    availabilityZone: null, forcedHost: null, hints: {}, ignoreHosts: [], ...over,
  };
}

export function facts(s: RequestSpec, over: Partial<RequestFacts> = {}): RequestFacts {
  return { config: testConfig(), want: flavorResources(s.flavor), group: null, sameHosts: null, differentHosts: new Set(), ...over };
}
