import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { VOLUME_MANAGER_TOPIC } from '../../agent/storage/storage-agent-client.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { VolumeContext } from '../context.js';
import { insertVolume, reportBackend, startCloudWithoutStorage, volumeCtx, waitFor } from './manager-fixtures.js';
import { StubStorageAgent } from './stub-storage-agent.js';
import { createVolumeManager } from './volume-manager.js';

describe('volume manager: reports and restart', () => {
  let tc: TestCloud;
  let ctx: VolumeContext;
  before(async () => { tc = await startCloudWithoutStorage(); ctx = volumeCtx(tc); });
  after(async () => { await tc.close(); });

  const backendRow = (id: string) => ctx.deps.db.selectFrom('volume_backend').selectAll().where('id', '=', id).executeTakeFirst();

  it('records a report, refreshes it, and keeps an operator\'s disabling', async () => {
    await reportBackend(ctx, 'hr@one', { availabilityZone: 'az9', capacity: { totalGb: 120.7, freeGb: 99.2, provisionedGb: 3 },
      overSubscriptionRatio: 4, reservedPercentage: 5, capabilities: { multiattach: true } });
    const first = await backendRow('hr@one');
    assert.deepEqual({ ...first, last_seen_up: undefined, created_at: undefined, updated_at: undefined }, {
      id: 'hr@one', host: 'hr', backend_name: 'one', driver: 'file', availability_zone: 'az9', total_gb: 120, free_gb: 99,
      max_over_subscription_ratio: 4, reserved_percentage: 5, capabilities: '{"multiattach":true}', disabled: 0, disabled_reason: null,
      last_seen_up: undefined, created_at: undefined, updated_at: undefined,
    });
    await ctx.deps.db.updateTable('volume_backend').set({ disabled: 1, disabled_reason: 'maintenance', last_seen_up: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', 'hr@one').execute();
    await reportBackend(ctx, 'hr@one', { capacity: { totalGb: 120, freeGb: 50, provisionedGb: 3 } });
    const second = await backendRow('hr@one');
    assert.equal(second?.free_gb, 50);
    assert.equal(second?.disabled, 1);
    assert.equal(second?.disabled_reason, 'maintenance');
    assert.ok(Date.parse(second!.last_seen_up) > Date.now() - 60_000, 'the report marks it up');
  });

  it('refuses a report without a backend id and unknown methods', async () => {
    await assert.rejects(ctx.deps.bus.call(VOLUME_MANAGER_TOPIC, 'report', { id: 'nohost' }), /<host>@<backend>/);
    await assert.rejects(ctx.deps.bus.call(VOLUME_MANAGER_TOPIC, 'explode', {}), /no method explode/);
  });

  it('after a restart: interrupted work ends in its error status, deletes are retried once the backend reports', async () => {
    const stub = await new StubStorageAgent('hr@two').serve(ctx.deps.bus);
    await reportBackend(ctx, 'hr@two');
    const host = 'hr@two#two';
    const creating = await insertVolume(ctx);
    const creatingPlaced = await insertVolume(ctx, { host });
    const extending = await insertVolume(ctx, { status: 'extending', host, size: 4 });
    const uploading = await insertVolume(ctx, { status: 'uploading', host, attach_status: 'attached' });
    const restoring = await insertVolume(ctx, { status: 'restoring-backup', host });
    const deletingUnplaced = await insertVolume(ctx, { status: 'deleting' });
    const deleting = await insertVolume(ctx, { status: 'deleting', host });
    stub.volumes.add(deleting.id);
    const backupId = randomUUID();
    const ts = new Date().toISOString();
    await ctx.deps.db.insertInto('volume_backup').values({ id: backupId, volume_id: extending.id, snapshot_id: null, project_id: 'p', user_id: 'u',
      name: null, description: null, size: 1, status: 'creating', fail_reason: null, availability_zone: 'nova', container: null, is_incremental: 0,
      parent_id: null, object_count: 0, host: null, metadata: '{}', data_timestamp: ts, restore_volume_id: null, created_at: ts, updated_at: ts }).execute();

    // The process's own manager stops; a fresh one starts as after a restart.
    await ctx.manager.stop();
    const restarted = createVolumeManager(ctx);
    try {
      await restarted.start();
      const status = async (id: string) => (await ctx.deps.db.selectFrom('volume').select(['status', 'status_reason', 'size']).where('id', '=', id).executeTakeFirst());
      assert.equal((await status(creating.id))?.status, 'error');
      assert.match((await status(creating.id))?.status_reason ?? '', /restarted/);
      assert.equal((await status(creatingPlaced.id))?.status, 'error');
      assert.deepEqual({ ...(await status(extending.id)), status_reason: undefined }, { status: 'error_extending', size: 4, status_reason: undefined });
      assert.equal((await status(uploading.id))?.status, 'in-use');
      assert.equal((await status(restoring.id))?.status, 'error_restoring');
      const b = await ctx.deps.db.selectFrom('volume_backup').select('status').where('id', '=', backupId).executeTakeFirstOrThrow();
      assert.equal(b.status, 'error');
      await restarted.idle();
      assert.equal(await status(deletingUnplaced.id), undefined, 'a delete with no backend to ask finishes at start');
      assert.equal((await status(deleting.id))?.status, 'deleting', 'waits for its backend');
      // The backend's first report after the restart resumes its deletes.
      await reportBackend(ctx, 'hr@two');
      await waitFor('the resumed delete', () => status(deleting.id), (r) => r === undefined);
      assert.ok(!stub.volumes.has(deleting.id));
    } finally {
      await restarted.stop();
      await stub.stop();
      await ctx.manager.start();
    }
  });
});
