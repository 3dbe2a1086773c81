import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { VolumeContext } from '../context.js';
import { clearVolumeRows, insertBackend, insertType, insertVolume, startCloudWithoutStorage, volumeCtx } from '../manager/manager-fixtures.js';
import { NoValidBackend } from './backend-scheduler.js';

const hostOf = async (ctx: VolumeContext, id: string) =>
  (await ctx.deps.db.selectFrom('volume').select('host').where('id', '=', id).executeTakeFirstOrThrow()).host;

describe('backend scheduler', () => {
  let tc: TestCloud;
  let ctx: VolumeContext;
  before(async () => { tc = await startCloudWithoutStorage(); ctx = volumeCtx(tc); });
  after(async () => { await tc.close(); });
  beforeEach(async () => { await clearVolumeRows(ctx); });

  const refused = async (volumeId: string, reason: RegExp) => {
    await assert.rejects(ctx.scheduler.place(volumeId), (err: Error) => {
      assert.ok(err instanceof NoValidBackend, `NoValidBackend expected, got ${err.name}: ${err.message}`);
      assert.match(err.message, /^No valid backend was found\. No weighed backends available: /);
      assert.match(err.message, reason);
      return true;
    });
    assert.equal(await hostOf(ctx, volumeId), null, 'a refused volume stays unplaced');
  };

  it('refuses when no backend has reported', async () => {
    const v = await insertVolume(ctx);
    await refused(v.id, /no storage backend has reported/);
  });

  it('skips backends that are down or disabled', async () => {
    await insertBackend(ctx, 'h1@down', { last_seen_up: new Date(Date.now() - 10 * 60_000).toISOString() });
    await insertBackend(ctx, 'h1@off', { disabled: 1, disabled_reason: 'maintenance' });
    const v = await insertVolume(ctx);
    await refused(v.id, /no storage backend is up and enabled \(known: h1@down, h1@off\)/);
    await insertBackend(ctx, 'h1@ok');
    const choice = await ctx.scheduler.place(v.id);
    assert.deepEqual(choice, { backendHost: 'h1@ok', volumeHost: 'h1@ok#ok', availabilityZone: 'nova' });
    assert.equal(await hostOf(ctx, v.id), 'h1@ok#ok');
  });

  it('places in the volume\'s availability zone only', async () => {
    await insertBackend(ctx, 'h1@a', { availability_zone: 'az1', total_gb: 1000 });
    await insertBackend(ctx, 'h2@b', { availability_zone: 'az2', total_gb: 10 });
    const v = await insertVolume(ctx, { availability_zone: 'az2' });
    assert.equal((await ctx.scheduler.place(v.id)).backendHost, 'h2@b');
    const w = await insertVolume(ctx, { availability_zone: 'az3' });
    await refused(w.id, /no backend is up in availability zone az3/);
  });

  it('follows the type\'s volume_backend_name and multiattach', async () => {
    await insertBackend(ctx, 'h1@fast', { total_gb: 10 });
    await insertBackend(ctx, 'h1@slow', { total_gb: 1000 });
    await insertBackend(ctx, 'h1@shared', { total_gb: 5, capabilities: JSON.stringify({ multiattach: true }) });
    const fast = await insertType(ctx, { volume_backend_name: 'fast' });
    const v = await insertVolume(ctx, { volume_type_id: fast });
    assert.equal((await ctx.scheduler.place(v.id)).volumeHost, 'h1@fast#fast');
    const none = await insertType(ctx, { volume_backend_name: 'ceph' });
    await refused((await insertVolume(ctx, { volume_type_id: none })).id, /asks for backend ceph \(volume_backend_name\)/);
    const multi = await insertType(ctx, { multiattach: '<is> True' });
    assert.equal((await ctx.scheduler.place((await insertVolume(ctx, { volume_type_id: multi })).id)).backendHost, 'h1@shared');
    // Without a backend_name spec the one with the most room wins.
    assert.equal((await ctx.scheduler.place((await insertVolume(ctx)).id)).backendHost, 'h1@slow');
  });

  it('counts volumes and snapshots already placed, with reserve and over-subscription', async () => {
    // 10 GB × (1 − 20%) × 2 = 16 GB may be provisioned.
    await insertBackend(ctx, 'h1@small', { total_gb: 10, reserved_percentage: 20, max_over_subscription_ratio: 2 });
    const placed = await insertVolume(ctx, { size: 10, status: 'available', host: 'h1@small#small' });
    const ts = new Date().toISOString();
    await ctx.deps.db.insertInto('volume_snapshot').values({
      id: randomUUID(), volume_id: placed.id, project_id: 'p', user_id: 'u', name: null, description: null, size: 4,
      status: 'available', status_reason: null, progress: '100%', provider_location: null, created_at: ts, updated_at: ts,
    }).execute();
    await refused((await insertVolume(ctx, { size: 3 })).id, /not enough capacity for 3 GB \(the most any backend can still provision is 2 GB\)/);
    assert.equal((await ctx.scheduler.place((await insertVolume(ctx, { size: 2 })).id)).backendHost, 'h1@small');
    await refused((await insertVolume(ctx, { size: 1 })).id, /not enough capacity/);
  });

  it('puts clones on the source\'s backend, whatever has more room', async () => {
    await insertBackend(ctx, 'h1@src', { total_gb: 10 });
    await insertBackend(ctx, 'h1@big', { total_gb: 1000 });
    const v = await insertVolume(ctx);
    assert.equal((await ctx.scheduler.place(v.id, { sameBackendAs: 'h1@src#src' })).backendHost, 'h1@src');
    const w = await insertVolume(ctx);
    await assert.rejects(ctx.scheduler.place(w.id, { sameBackendAs: 'h9@gone' }), /the source's backend h9@gone is not up or is disabled/);
    // A storage host (a backup's) picks among that host's backends.
    assert.equal((await ctx.scheduler.place(w.id, { sameBackendAs: 'h1' })).backendHost, 'h1@big');
  });

  it('never overcommits under 20 concurrent placements', async () => {
    await insertBackend(ctx, 'h1@tiny', { total_gb: 7 });
    const vols = await Promise.all(Array.from({ length: 20 }, () => insertVolume(ctx, { size: 1 })));
    const results = await Promise.allSettled(vols.map((v) => ctx.scheduler.place(v.id)));
    const won = results.filter((r) => r.status === 'fulfilled').length;
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won, 7);
    assert.equal(lost.length, 13);
    for (const r of lost) assert.ok((r as PromiseRejectedResult).reason instanceof NoValidBackend);
    const sum = await ctx.deps.db.selectFrom('volume').select((eb) => eb.fn.sum<number>('size').as('gb')).where('host', '=', 'h1@tiny#tiny').executeTakeFirstOrThrow();
    assert.equal(Number(sum.gb), 7);
  });

  it('returns the existing choice for a placed volume', async () => {
    await insertBackend(ctx, 'h1@x');
    const v = await insertVolume(ctx, { host: 'h1@x#x' });
    assert.deepEqual(await ctx.scheduler.place(v.id), { backendHost: 'h1@x', volumeHost: 'h1@x#x', availabilityZone: 'nova' });
  });
});
