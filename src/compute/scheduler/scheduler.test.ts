// selectAndClaim end to end against the test cloud's database (SQLite, or PostgreSQL with
// NUBIS_TEST_DATABASE): rows inserted directly, the scheduler the API uses.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDeps } from '../common.js';
import type { ComputeDb } from '../compute.tables.js';
import { NoValidHost, type RequestSpec, type Scheduler } from './request-spec.js';
import { Scenery } from './scheduler.db-fixture.js';
import { flavor } from './scheduler.fixture.js';
import { createScheduler } from './scheduler.js';

describe('scheduler: selectAndClaim', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let scheduler: Scheduler;
  let deps: ComputeDeps;
  before(async () => {
    t = await startTestCloud();
    deps = t.cloud.compute.ctx.deps;
    db = deps.db;
    scheduler = t.cloud.compute.ctx.scheduler;
  });
  after(async () => { await t.close(); });

  const spec = (over: Partial<RequestSpec> = {}): RequestSpec => ({
    instanceUuid: randomUUID(), projectId: 'p1', flavor: flavor({ vcpus: 1, ram: 1024, disk: 1 }), imageProperties: {},
    availabilityZone: null, forcedHost: null, hints: {}, ignoreHosts: [], ...over,
  });
  const scene = async (fn: (s: Scenery) => Promise<void>) => {
    const s = new Scenery(db);
    try { await fn(s); } finally { await s.drop(); }
  };
  const noValidHost = (p: Promise<unknown>) => assert.rejects(p, (e: Error) => e instanceof NoValidHost && /No valid host was found/.test(e.message));

  it('respects the cpu allocation ratio (aggregate override) and never over-fills', () => scene(async (s) => {
    await s.host({ host: 'nbs-ratio', vcpus: 2 });
    await s.aggregate(['nbs-ratio'], null, { cpu_allocation_ratio: '2' });
    for (let i = 0; i < 4; i++) assert.equal((await scheduler.selectAndClaim(spec())).host, 'nbs-ratio');
    await noValidHost(scheduler.selectAndClaim(spec()));
    assert.equal((await s.usage('nbs-ratio')).vcpus, 4);
  }));

  it('respects reserved memory and the RAM ratio', () => scene(async (s) => {
    // (4096 - 2048) * 1.5 = 3072 MB: three 1 GB flavors, not four.
    await s.host({ host: 'nbs-reserved', memoryMb: 4096, reserved: { memoryMb: 2048 } });
    for (let i = 0; i < 3; i++) await scheduler.selectAndClaim(spec());
    await noValidHost(scheduler.selectAndClaim(spec()));
    assert.equal((await s.usage('nbs-reserved')).memoryMb, 3072);
  }));

  it('skips disabled, forced-down and silent hosts', () => scene(async (s) => {
    await s.host({ host: 'nbs-disabled', disabled: true });
    await s.host({ host: 'nbs-forced', forcedDown: true });
    await s.host({ host: 'nbs-silent', silentSeconds: 3600 });
    await noValidHost(scheduler.selectAndClaim(spec()));
    await s.host({ host: 'nbs-fine' });
    assert.equal((await scheduler.selectAndClaim(spec())).host, 'nbs-fine');
  }));

  it('honours availability zones', () => scene(async (s) => {
    await s.host({ host: 'nbs-az1' });
    await s.host({ host: 'nbs-default' });
    await s.aggregate(['nbs-az1'], 'nbaz1');
    assert.equal((await scheduler.selectAndClaim(spec({ availabilityZone: 'nbaz1' }))).host, 'nbs-az1');
    assert.equal((await scheduler.selectAndClaim(spec({ availabilityZone: 'nova' }))).host, 'nbs-default');
    await noValidHost(scheduler.selectAndClaim(spec({ availabilityZone: 'nbaz-none' })));
  }));

  it('places affinity members together', () => scene(async (s) => {
    await s.host({ host: 'nbs-aff-a' });
    await s.host({ host: 'nbs-aff-b', vcpus: 1 });
    await s.aggregate(['nbs-aff-a', 'nbs-aff-b'], null, { cpu_allocation_ratio: '1' });
    const group = await s.group('affinity', [await s.instance('nbs-aff-b')]);
    // The emptier host would win on weight; affinity keeps the member's host, until it is full.
    assert.equal((await scheduler.selectAndClaim(spec({ hints: { group } }))).host, 'nbs-aff-b');
    await noValidHost(scheduler.selectAndClaim(spec({ hints: { group } })));
  }));

  it('keeps anti-affinity members apart, up to max_server_per_host', () => scene(async (s) => {
    await s.host({ host: 'nbs-anti-a', vcpus: 64 });
    await s.host({ host: 'nbs-anti-b', vcpus: 1 });
    await s.aggregate(['nbs-anti-a', 'nbs-anti-b'], null, { cpu_allocation_ratio: '1' });
    const group = await s.group('anti-affinity', [await s.instance('nbs-anti-a')]);
    assert.equal((await scheduler.selectAndClaim(spec({ hints: { group } }))).host, 'nbs-anti-b');
    await s.instance('nbs-anti-b', randomUUID()).then((u) => db.insertInto('compute_server_group_member').values({ group_id: group, instance_uuid: u }).execute());
    await noValidHost(scheduler.selectAndClaim(spec({ hints: { group } })));
    const roomy = await s.group('anti-affinity', [await s.instance('nbs-anti-a')], { max_server_per_host: 2 });
    assert.equal((await scheduler.selectAndClaim(spec({ hints: { group: roomy } }))).host, 'nbs-anti-a');
  }));

  it('honours same_host and different_host hints', () => scene(async (s) => {
    await s.host({ host: 'nbs-hint-a' });
    await s.host({ host: 'nbs-hint-b' });
    const onA = await s.instance('nbs-hint-a');
    for (let i = 0; i < 3; i++) assert.equal((await scheduler.selectAndClaim(spec({ hints: { same_host: onA } }))).host, 'nbs-hint-a');
    for (let i = 0; i < 3; i++) assert.equal((await scheduler.selectAndClaim(spec({ hints: { different_host: [onA] } }))).host, 'nbs-hint-b');
  }));

  it('spreads with positive weight multipliers and stacks with negative ones', () => scene(async (s) => {
    await s.host({ host: 'nbs-w-a' });
    await s.host({ host: 'nbs-w-b' });
    const spread = new Set<string>();
    for (let i = 0; i < 4; i++) spread.add((await scheduler.selectAndClaim(spec())).host);
    assert.deepEqual([...spread].sort(), ['nbs-w-a', 'nbs-w-b']);
    assert.equal((await s.usage('nbs-w-a')).count, 2);

    const stacking = createScheduler({ ...deps, config: { ...deps.config, compute: { ...deps.config.compute, ramWeightMultiplier: -1, cpuWeightMultiplier: -1, diskWeightMultiplier: -1 } } });
    await s.host({ host: 'nbs-w-c' });
    for (let i = 0; i < 3; i++) assert.notEqual((await stacking.selectAndClaim(spec())).host, 'nbs-w-c');
    assert.equal((await s.usage('nbs-w-a')).count + (await s.usage('nbs-w-b')).count, 7);
  }));

  it('sees allocations written by others (another controller) and its own releases', () => scene(async (s) => {
    await s.host({ host: 'nbs-seen-a' });
    await s.host({ host: 'nbs-seen-b' });
    await scheduler.selectAndClaim(spec()); // warm the usage figures
    const other = randomUUID();
    await db.insertInto('compute_allocation').values({ instance_uuid: other, kind: 'instance', node_id: s.nodeOf.get('nbs-seen-a')!,
      vcpus: 64, memory_mb: 12000, disk_gb: 90, created_at: new Date().toISOString() }).execute();
    for (let i = 0; i < 3; i++) assert.equal((await scheduler.selectAndClaim(spec())).host, 'nbs-seen-b');
    await scheduler.release(other);
    assert.equal((await scheduler.selectAndClaim(spec())).host, 'nbs-seen-a');
  }));

  it('a forced host skips the other filters but not the resources', () => scene(async (s) => {
    await s.host({ host: 'nbs-forced-ok' });
    await s.host({ host: 'nbs-forced-off', disabled: true, vcpus: 1 });
    await s.aggregate(['nbs-forced-off'], null, { cpu_allocation_ratio: '1' });
    assert.equal((await scheduler.selectAndClaim(spec({ forcedHost: 'nova:nbs-forced-off', availabilityZone: 'elsewhere' }))).host, 'nbs-forced-off');
    await noValidHost(scheduler.selectAndClaim(spec({ forcedHost: 'nova:nbs-forced-off' })));
    await noValidHost(scheduler.selectAndClaim(spec({ forcedHost: 'nova:nbs-no-such-host' })));
    assert.equal((await scheduler.selectAndClaim(spec({ forcedHost: 'nova::nbs-forced-ok' }))).host, 'nbs-forced-ok');
  }));

  it('retries skip the ignored hosts, and a reschedule moves the claim', () => scene(async (s) => {
    await s.host({ host: 'nbs-retry-a' });
    await s.host({ host: 'nbs-retry-b' });
    const uuid = randomUUID();
    const first = await scheduler.selectAndClaim(spec({ instanceUuid: uuid }));
    const second = await scheduler.selectAndClaim(spec({ instanceUuid: uuid, ignoreHosts: [first.host] }));
    assert.notEqual(second.host, first.host);
    assert.equal((await s.usage(first.host)).count, 0);
    assert.equal((await s.usage(second.host)).count, 1);
    await noValidHost(scheduler.selectAndClaim(spec({ instanceUuid: uuid, ignoreHosts: ['nbs-retry-a', 'nbs-retry-b'] })));
  }));

  it('avoids hosts with build failures until a success', () => scene(async (s) => {
    await s.host({ host: 'nbs-fail-a', vcpus: 64 });
    await s.host({ host: 'nbs-fail-b', vcpus: 2 });
    scheduler.recordBuildFailure('nbs-fail-a');
    assert.equal((await scheduler.selectAndClaim(spec())).host, 'nbs-fail-b');
    scheduler.recordBuildSuccess('nbs-fail-a');
    assert.equal((await scheduler.selectAndClaim(spec())).host, 'nbs-fail-a');
  }));

  it('claims on a node, holds a resize beside the instance, promotes and releases', () => scene(async (s) => {
    const node = await s.host({ host: 'nbs-claim', vcpus: 4 });
    await s.aggregate(['nbs-claim'], null, { cpu_allocation_ratio: '1' });
    const uuid = randomUUID();
    assert.equal(await scheduler.claimOnNode(uuid, 'instance', node, flavor({ vcpus: 1, ram: 512, disk: 1 })), true);
    assert.equal(await scheduler.claimOnNode(uuid, 'migration', node, flavor({ vcpus: 3, ram: 512, disk: 1 })), true);
    assert.equal(await scheduler.claimOnNode(randomUUID(), 'instance', node, flavor({ vcpus: 1, ram: 512, disk: 1 })), false);
    assert.equal((await s.usage('nbs-claim')).vcpus, 4);
    await scheduler.promoteMigration(uuid);
    assert.deepEqual(await s.usage('nbs-claim'), { vcpus: 3, memoryMb: 512, count: 1 });
    await scheduler.release(uuid, 'migration');
    assert.equal((await s.usage('nbs-claim')).count, 1);
    await scheduler.release(uuid);
    assert.equal((await s.usage('nbs-claim')).count, 0);
    assert.equal(await scheduler.claimOnNode(uuid, 'instance', randomUUID(), flavor()), false);
  }));

  it('50 concurrent decisions on room for exactly 20: 20 win, nothing over-allocated', () => scene(async (s) => {
    // Two nodes of 10 vCPUs each (ratio 1 through their aggregate); each claim takes 1.
    await s.host({ host: 'nbs-race-a', vcpus: 10, memoryMb: 1_000_000 });
    await s.host({ host: 'nbs-race-b', vcpus: 10, memoryMb: 1_000_000 });
    await s.aggregate(['nbs-race-a', 'nbs-race-b'], null, { cpu_allocation_ratio: '1' });
    // Separate schedulers, as separate controllers would be: none sees the others' decisions in memory.
    const schedulers = [scheduler, createScheduler(deps), createScheduler(deps)];
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => schedulers[i % 3]!.selectAndClaim(spec())));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 20);
    for (const r of lost) assert.ok((r as PromiseRejectedResult).reason instanceof NoValidHost);
    assert.equal((await s.usage('nbs-race-a')).vcpus, 10);
    assert.equal((await s.usage('nbs-race-b')).vcpus, 10);
  }));
});
