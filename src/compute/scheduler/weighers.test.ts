import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupFacts, HostState, Weigher } from './host-state.js';
import { fromAggregates } from './host-states.js';
import { facts, hostState, spec, testConfig } from './scheduler.fixture.js';
import { parseForcedHost } from './scheduler.js';
import { buildFailureWeigher } from './weighers/build-failure-weigher.js';
import { cpuWeigher } from './weighers/cpu-weigher.js';
import { diskWeigher } from './weighers/disk-weigher.js';
import { ramWeigher } from './weighers/ram-weigher.js';
import { softAffinityWeigher } from './weighers/soft-affinity-weigher.js';
import { softAntiAffinityWeigher } from './weighers/soft-anti-affinity-weigher.js';
import { normalize, weighHosts } from './weighers/weigh.js';

const group = (policy: GroupFacts['policy'], hosts: Record<string, number>): GroupFacts =>
  ({ id: 'g', policy, maxServerPerHost: 1, memberHosts: new Map(Object.entries(hosts)) });

describe('weighers: raw weights', () => {
  const s = spec();
  const cases: [Weigher, Partial<HostState>, GroupFacts | null, number][] = [
    [ramWeigher, { total: { vcpus: 8, memoryMb: 4096, diskGb: 100 }, reserved: { vcpus: 0, memoryMb: 512, diskGb: 0 }, ratios: { cpu: 1, ram: 1.5, disk: 1 }, used: { vcpus: 0, memoryMb: 1000, diskGb: 0 } }, null, (4096 - 512) * 1.5 - 1000],
    [cpuWeigher, { total: { vcpus: 8, memoryMb: 4096, diskGb: 100 }, ratios: { cpu: 4, ram: 1, disk: 1 }, reserved: { vcpus: 2, memoryMb: 0, diskGb: 0 }, used: { vcpus: 10, memoryMb: 0, diskGb: 0 } }, null, 32 - 2 - 10],
    [diskWeigher, { used: { vcpus: 0, memoryMb: 0, diskGb: 40 } }, null, 60],
    [softAffinityWeigher, {}, group('soft-affinity', { nbh1: 3 }), 3],
    [softAffinityWeigher, {}, group('soft-anti-affinity', { nbh1: 3 }), 0],
    [softAntiAffinityWeigher, {}, group('soft-anti-affinity', { nbh1: 3 }), -3],
    [softAntiAffinityWeigher, {}, group('soft-affinity', { nbh1: 3 }), 0],
    [buildFailureWeigher, { failedBuilds: 2 }, null, -2],
  ];
  for (const [w, host, g, expected] of cases) {
    it(`${w.name} ${g ? `(${g.policy})` : ''} → ${expected}`, () => assert.equal(w.weigh(hostState(host), s, facts(s, { group: g })), expected));
  }
});

describe('weighing', () => {
  it('normalises to 0..1, a flat list to zeros', () => {
    assert.deepEqual(normalize([10, 20, 30]), [0, 0.5, 1]);
    assert.deepEqual(normalize([5, 5]), [0, 0]);
    assert.deepEqual(normalize([]), []);
  });

  const empty = hostState({ host: 'empty' });
  const busy = hostState({ host: 'busy', used: { vcpus: 6, memoryMb: 12000, diskGb: 80 } });
  const s = spec();
  it('positive multipliers spread (the emptier host weighs more)', () => {
    const [we, wb] = weighHosts([empty, busy], s, facts(s), testConfig());
    assert.ok(we! > wb!);
  });
  it('negative multipliers stack (the fuller host weighs more)', () => {
    const config = testConfig({ ramWeightMultiplier: -1, cpuWeightMultiplier: -1, diskWeightMultiplier: -1 });
    const [we, wb] = weighHosts([empty, busy], s, facts(s, { config }), config);
    assert.ok(wb! > we!);
  });
  it('build failures outweigh free resources', () => {
    const failing = hostState({ host: 'failing', failedBuilds: 1 });
    const [wf, wb] = weighHosts([failing, busy], s, facts(s), testConfig());
    assert.ok(wb! > wf!);
  });
  it('soft-affinity prefers the host with members, soft-anti-affinity the one without', () => {
    const other = hostState({ host: 'other' });
    const config = testConfig({ ramWeightMultiplier: 0, cpuWeightMultiplier: 0, diskWeightMultiplier: 0 });
    const [a1, a2] = weighHosts([empty, other], s, facts(s, { group: group('soft-affinity', { other: 1 }) }), config);
    assert.ok(a2! > a1!);
    const [n1, n2] = weighHosts([empty, other], s, facts(s, { group: group('soft-anti-affinity', { other: 1 }) }), config);
    assert.ok(n1! > n2!);
  });
});

describe('aggregates and forced hosts', () => {
  it('zone from the first aggregate that has one, else nova; lowest ratio wins', () => {
    const config = testConfig();
    assert.equal(fromAggregates([], config).availabilityZone, 'nova');
    assert.deepEqual(fromAggregates([], config).ratios, { cpu: config.cpuAllocationRatio, ram: config.ramAllocationRatio, disk: config.diskAllocationRatio });
    const r = fromAggregates([
      { availabilityZone: null, metadata: { cpu_allocation_ratio: '4', ssd: 'true' } },
      { availabilityZone: 'az1', metadata: { cpu_allocation_ratio: '2', ram_allocation_ratio: '1.0', ssd: 'false', disk_allocation_ratio: 'x' } },
    ], config);
    assert.equal(r.availabilityZone, 'az1');
    assert.deepEqual(r.ratios, { cpu: 2, ram: 1, disk: config.diskAllocationRatio });
    assert.deepEqual(r.aggregateMetadata.ssd, ['true', 'false']);
  });
  it('parses az:host, az:host:node, az::node and a bare host', () => {
    assert.deepEqual(parseForcedHost('nova:h1'), { host: 'h1', node: null });
    assert.deepEqual(parseForcedHost('nova:h1:n1'), { host: 'h1', node: 'n1' });
    assert.deepEqual(parseForcedHost('nova::n1'), { host: null, node: 'n1' });
    assert.deepEqual(parseForcedHost('h1'), { host: 'h1', node: null });
  });
});
