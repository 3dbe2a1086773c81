import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateInstanceExtraSpecsFilter } from './filters/aggregate-instance-extra-specs-filter.js';
import { availabilityZoneFilter } from './filters/availability-zone-filter.js';
import { computeFilter } from './filters/compute-filter.js';
import { differentHostFilter } from './filters/different-host-filter.js';
import { ignoreHostsFilter } from './filters/ignore-hosts-filter.js';
import { imagePropertiesFilter, versionSatisfies } from './filters/image-properties-filter.js';
import { numInstancesFilter } from './filters/num-instances-filter.js';
import { resourcesFilter } from './filters/resources-filter.js';
import { sameHostFilter } from './filters/same-host-filter.js';
import { serverGroupAffinityFilter } from './filters/server-group-affinity-filter.js';
import { serverGroupAntiAffinityFilter } from './filters/server-group-anti-affinity-filter.js';
import type { Filter, GroupFacts, HostState, RequestFacts } from './host-state.js';
import type { RequestSpec } from './request-spec.js';
import { facts, flavor, hostState, spec, testConfig } from './scheduler.fixture.js';

interface Case { name: string; host?: Partial<HostState>; spec?: Partial<RequestSpec>; facts?: Partial<RequestFacts>; passes: boolean }

function table(filter: Filter, cases: Case[]): void {
  describe(filter.name, () => {
    for (const c of cases) {
      it(c.name, () => {
        const s = spec(c.spec);
        const f = facts(s, c.facts);
        // A filter that says it does not apply must pass every host.
        const result = filter.applies && !filter.applies(s, f) ? true : filter.passes(hostState(c.host), s, f);
        assert.equal(result, c.passes);
      });
    }
  });
}

const group = (policy: GroupFacts['policy'], hosts: Record<string, number>, maxServerPerHost = 1): GroupFacts =>
  ({ id: 'g', policy, maxServerPerHost, memberHosts: new Map(Object.entries(hosts)) });

table(computeFilter, [
  { name: 'up and enabled passes', passes: true },
  { name: 'down fails', host: { up: false }, passes: false },
  { name: 'disabled fails', host: { enabled: false }, passes: false },
]);

table(availabilityZoneFilter, [
  { name: 'no zone asked: any host', host: { availabilityZone: 'az9' }, passes: true },
  { name: 'default zone matches nova', spec: { availabilityZone: 'nova' }, passes: true },
  { name: 'zone from the aggregate matches', host: { availabilityZone: 'az1' }, spec: { availabilityZone: 'az1' }, passes: true },
  { name: 'other zone fails', host: { availabilityZone: 'az1' }, spec: { availabilityZone: 'az2' }, passes: false },
]);

const big = flavor({ vcpus: 4, ram: 4096, disk: 20, ephemeral: 5, swap: 1025 });
table(resourcesFilter, [
  { name: 'fits an empty host', spec: { flavor: big }, passes: true },
  { name: 'vCPUs over the ratio fail', host: { total: { vcpus: 2, memoryMb: 16384, diskGb: 100 } }, spec: { flavor: big }, passes: false },
  { name: 'cpu ratio makes room', host: { total: { vcpus: 2, memoryMb: 16384, diskGb: 100 }, ratios: { cpu: 2, ram: 1, disk: 1 } }, spec: { flavor: big }, passes: true },
  { name: 'reserved vCPUs count after the ratio', host: { total: { vcpus: 2, memoryMb: 16384, diskGb: 100 }, ratios: { cpu: 2, ram: 1, disk: 1 }, reserved: { vcpus: 1, memoryMb: 0, diskGb: 0 } }, spec: { flavor: big }, passes: false },
  { name: 'used RAM counts', host: { used: { vcpus: 0, memoryMb: 12289, diskGb: 0 } }, spec: { flavor: big }, passes: false },
  { name: 'reserved RAM counts before the ratio', host: { total: { vcpus: 8, memoryMb: 4096, diskGb: 100 }, reserved: { vcpus: 0, memoryMb: 1024, diskGb: 0 }, ratios: { cpu: 1, ram: 1.5, disk: 1 } }, spec: { flavor: big }, passes: true },
  { name: 'reserved RAM can leave too little', host: { total: { vcpus: 8, memoryMb: 4096, diskGb: 100 }, reserved: { vcpus: 0, memoryMb: 2048, diskGb: 0 }, ratios: { cpu: 1, ram: 1.5, disk: 1 } }, spec: { flavor: big }, passes: false },
  // 20 root + 5 ephemeral + 2 (1025 MB swap rounded up) = 27 GB
  { name: 'disk counts root + ephemeral + swap rounded up (fits 27)', host: { total: { vcpus: 8, memoryMb: 16384, diskGb: 27 } }, spec: { flavor: big }, passes: true },
  { name: 'disk one GB short', host: { total: { vcpus: 8, memoryMb: 16384, diskGb: 26 } }, spec: { flavor: big }, passes: false },
  { name: 'disk ratio makes room', host: { total: { vcpus: 8, memoryMb: 16384, diskGb: 20 }, ratios: { cpu: 1, ram: 1, disk: 1.5 } }, spec: { flavor: big }, passes: true },
]);

table(aggregateInstanceExtraSpecsFilter, [
  { name: 'no extra specs: any host', passes: true },
  { name: 'scoped key matches', host: { aggregateMetadata: { ssd: ['true'] } }, spec: { flavor: flavor({ extra_specs: { 'aggregate_instance_extra_specs:ssd': 'true' } }) }, passes: true },
  { name: 'unscoped key matches', host: { aggregateMetadata: { ssd: ['false', 'true'] } }, spec: { flavor: flavor({ extra_specs: { ssd: 'true' } }) }, passes: true },
  { name: 'value differs', host: { aggregateMetadata: { ssd: ['false'] } }, spec: { flavor: flavor({ extra_specs: { ssd: 'true' } }) }, passes: false },
  { name: 'key missing on the host', spec: { flavor: flavor({ extra_specs: { 'aggregate_instance_extra_specs:ssd': 'true' } }) }, passes: false },
  { name: 'other scopes ignored', spec: { flavor: flavor({ extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': '10' } }) }, passes: true },
]);

table(imagePropertiesFilter, [
  { name: 'no properties: any host', passes: true },
  { name: 'architecture matches', spec: { imageProperties: { hw_architecture: 'x86_64' } }, passes: true },
  { name: 'architecture alias matches', spec: { imageProperties: { architecture: 'amd64' } }, passes: true },
  { name: 'architecture differs', spec: { imageProperties: { hw_architecture: 'aarch64' } }, passes: false },
  { name: 'host without an architecture fails an image that asks one', host: { capabilities: {} }, spec: { imageProperties: { hw_architecture: 'x86_64' } }, passes: false },
  { name: 'hypervisor type matches', spec: { imageProperties: { img_hv_type: 'fake' } }, passes: true },
  { name: 'hypervisor type differs', spec: { imageProperties: { img_hv_type: 'qemu' } }, passes: false },
  { name: 'hypervisor version satisfied', host: { hypervisorVersion: 8_002_000 }, spec: { imageProperties: { img_hv_requested_version: '>=8.1' } }, passes: true },
  { name: 'hypervisor version too old', host: { hypervisorVersion: 6_002_000 }, spec: { imageProperties: { img_hv_requested_version: '>=8.1' } }, passes: false },
  { name: 'unrelated properties ignored', spec: { imageProperties: { os_distro: 'debian' } }, passes: true },
]);

describe('versionSatisfies', () => {
  const cases: [number, string, boolean][] = [[2_011_000, '2.11', true], [2_011_000, '==2.11.0', true], [2_011_000, '>2.11', false],
    [2_011_000, '<3', true], [2_011_000, '!=2.11', false], [2_011_000, 'banana', false], [1000, '>=0.1', true]];
  for (const [v, req, ok] of cases) it(`${v} ${req} → ${ok}`, () => assert.equal(versionSatisfies(v, req), ok));
});

table(serverGroupAffinityFilter, [
  { name: 'no group: any host', passes: true },
  { name: 'first member goes anywhere', facts: { group: group('affinity', {}) }, passes: true },
  { name: 'host with members passes', facts: { group: group('affinity', { nbh1: 1 }) }, passes: true },
  { name: 'other host fails', facts: { group: group('affinity', { nbh2: 1 }) }, passes: false },
  { name: 'anti-affinity group ignored', facts: { group: group('anti-affinity', { nbh2: 1 }) }, passes: true },
  { name: 'soft-affinity is not a filter', facts: { group: group('soft-affinity', { nbh2: 1 }) }, passes: true },
]);

table(serverGroupAntiAffinityFilter, [
  { name: 'no group: any host', passes: true },
  { name: 'host without members passes', facts: { group: group('anti-affinity', { nbh2: 1 }) }, passes: true },
  { name: 'host with a member fails', facts: { group: group('anti-affinity', { nbh1: 1 }) }, passes: false },
  { name: 'max_server_per_host 2 allows a second', facts: { group: group('anti-affinity', { nbh1: 1 }, 2) }, passes: true },
  { name: 'max_server_per_host 2 stops a third', facts: { group: group('anti-affinity', { nbh1: 2 }, 2) }, passes: false },
  { name: 'soft-anti-affinity is not a filter', facts: { group: group('soft-anti-affinity', { nbh1: 3 }) }, passes: true },
]);

table(sameHostFilter, [
  { name: 'no hint: any host', passes: true },
  { name: 'host of the named instance passes', facts: { sameHosts: new Set(['nbh1']) }, passes: true },
  { name: 'other host fails', facts: { sameHosts: new Set(['nbh2']) }, passes: false },
  { name: 'named instances placed nowhere: no host', facts: { sameHosts: new Set() }, passes: false },
]);

table(differentHostFilter, [
  { name: 'no hint: any host', passes: true },
  { name: 'host of the named instance fails', facts: { differentHosts: new Set(['nbh1']) }, passes: false },
  { name: 'other host passes', facts: { differentHosts: new Set(['nbh2']) }, passes: true },
]);

table(numInstancesFilter, [
  { name: 'off (-1): any count', host: { instances: 500 }, passes: true },
  { name: 'under the limit passes', host: { instances: 2 }, facts: { config: testConfig({ maxInstancesPerHost: 3 }) }, passes: true },
  { name: 'at the limit fails', host: { instances: 3 }, facts: { config: testConfig({ maxInstancesPerHost: 3 }) }, passes: false },
]);

table(ignoreHostsFilter, [
  { name: 'nothing ignored', passes: true },
  { name: 'ignored host fails', spec: { ignoreHosts: ['nbh1'] }, passes: false },
  { name: 'other ignored host passes', spec: { ignoreHosts: ['nbh2'] }, passes: true },
]);
