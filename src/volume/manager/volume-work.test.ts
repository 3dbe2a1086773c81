import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CONDUCTOR_TOPIC } from '../../agent/compute/agent-client.js';
import type { Subscription } from '../../platform/bus/bus.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { VolumeContext } from '../context.js';
import { clearVolumeRows, expectUserMessage, insertVolume, reportBackend, startCloudWithoutStorage, volumeCtx } from './manager-fixtures.js';
import { StubStorageAgent } from './stub-storage-agent.js';

describe('volume manager: delete, extend, upload', () => {
  let tc: TestCloud;
  let ctx: VolumeContext;
  let stub: StubStorageAgent;
  let conductor: Subscription;
  const extended: unknown[] = [];
  let computeFails: string | null = null;
  before(async () => {
    tc = await startCloudWithoutStorage();
    ctx = volumeCtx(tc);
    stub = await new StubStorageAgent('h1@stub').serve(ctx.deps.bus);
    // Compute's side of an in-use extend, as a stub: the real conductor steps aside for it.
    await tc.cloud.compute.ctx.conductor.stop();
    conductor = await ctx.deps.bus.serve(CONDUCTOR_TOPIC, (method, args) => {
      if (method !== 'volumeExtended') throw new Error(`no ${method}`);
      if (computeFails) throw new Error(computeFails);
      extended.push(args);
      return null;
    });
  });
  after(async () => { await conductor.unsubscribe(); await stub.stop(); await tc.close(); });
  beforeEach(async () => {
    await clearVolumeRows(ctx);
    stub.reset();
    stub.volumes.clear(); stub.snapshots.clear();
    extended.length = 0; computeFails = null;
    await reportBackend(ctx, 'h1@stub');
  });

  const load = (id: string) => ctx.deps.db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
  /** A volume the backend holds, in `status`. */
  const placed = async (status: 'available' | 'in-use' | 'deleting' | 'extending' | 'uploading', size = 1) => {
    const v = await insertVolume(ctx, { status, size, host: 'h1@stub#stub', provider_location: 'x' });
    stub.volumes.add(v.id);
    return v;
  };
  const snapshotOf = async (volumeId: string) => {
    const id = randomUUID();
    const ts = new Date().toISOString();
    await ctx.deps.db.insertInto('volume_snapshot').values({ id, volume_id: volumeId, project_id: 'p', user_id: 'u', name: null, description: null,
      size: 1, status: 'available', status_reason: null, progress: '100%', provider_location: null, created_at: ts, updated_at: ts }).execute();
    await ctx.deps.db.insertInto('volume_snapshot_metadata').values({ snapshot_id: id, key: 'k', value: 'v' }).execute();
    stub.snapshots.add(id);
    return id;
  };

  it('deletes the data and the rows (metadata with them)', async () => {
    const v = await placed('deleting');
    await ctx.deps.db.insertInto('volume_metadata').values({ volume_id: v.id, key: 'a', value: 'b' }).execute();
    ctx.manager.deleteVolume(v.id, false);
    await ctx.manager.settled(v.id);
    assert.equal(await load(v.id), undefined);
    assert.ok(!stub.volumes.has(v.id));
    assert.equal((await ctx.deps.db.selectFrom('volume_metadata').selectAll().where('volume_id', '=', v.id).execute()).length, 0);
  });

  it('cascades to snapshots: each removed from the backend, then every row', async () => {
    const v = await placed('deleting');
    const s1 = await snapshotOf(v.id);
    const s2 = await snapshotOf(v.id);
    ctx.manager.deleteVolume(v.id, true);
    await ctx.manager.settled(v.id);
    assert.equal(await load(v.id), undefined);
    assert.deepEqual(stub.called('deleteSnapshot').map((c) => c.args.snapshotId).sort(), [s1, s2].sort());
    assert.equal(stub.snapshots.size, 0);
    assert.equal((await ctx.deps.db.selectFrom('volume_snapshot').selectAll().execute()).length, 0);
    assert.equal((await ctx.deps.db.selectFrom('volume_snapshot_metadata').selectAll().execute()).length, 0);
  });

  it('a volume never placed is deleted without any agent', async () => {
    const v = await insertVolume(ctx, { status: 'deleting' });
    ctx.manager.deleteVolume(v.id, false);
    await ctx.manager.settled(v.id);
    assert.equal(await load(v.id), undefined);
    assert.equal(stub.calls.length, 0);
  });

  it('a failing backend leaves error_deleting and a message; deleting again succeeds', async () => {
    const v = await placed('deleting');
    stub.failing.set('deleteVolume', 'device busy');
    ctx.manager.deleteVolume(v.id, false);
    await ctx.manager.settled(v.id);
    const row = await load(v.id);
    assert.equal(row?.status, 'error_deleting');
    assert.match(row?.status_reason ?? '', /device busy/);
    await expectUserMessage(ctx, v.id, 'VOLUME_VOLUME_090_093', 'delete volume:Volume driver failed to delete the volume.');
    stub.failing.clear();
    await ctx.deps.db.updateTable('volume').set({ status: 'deleting' }).where('id', '=', v.id).execute();
    ctx.manager.deleteVolume(v.id, false);
    await ctx.manager.settled(v.id);
    assert.equal(await load(v.id), undefined);
  });

  it('refuses to drop snapshots without cascade', async () => {
    const v = await placed('deleting');
    await snapshotOf(v.id);
    ctx.manager.deleteVolume(v.id, false);
    await ctx.manager.settled(v.id);
    assert.equal((await load(v.id))?.status, 'error_deleting');
    assert.equal(stub.called('deleteVolume').length, 0);
  });

  it('extends an available volume: backend grown, size set, back to available', async () => {
    const v = await placed('extending', 1);
    ctx.manager.extendVolume(v.id, 3, 'available');
    await ctx.manager.settled(v.id);
    const row = await load(v.id);
    assert.equal(row?.status, 'available');
    assert.equal(row?.size, 3);
    assert.deepEqual(stub.called('extendVolume').map((c) => c.args), [{ id: v.id, sizeGb: 3, inUse: false }]);
    assert.equal(extended.length, 0);
  });

  it('extends an in-use volume: compute told for each attached server, back to in-use', async () => {
    const v = await placed('extending', 1);
    const server = randomUUID();
    const ts = new Date().toISOString();
    await ctx.deps.db.insertInto('volume_attachment').values({ id: randomUUID(), volume_id: v.id, instance_uuid: server, attached_host: 'h1',
      mountpoint: '/dev/vdb', attach_status: 'attached', attach_mode: 'rw', connector: null, connection_info: null, attach_time: ts,
      detach_time: null, created_at: ts, updated_at: ts }).execute();
    ctx.manager.extendVolume(v.id, 2, 'in-use');
    await ctx.manager.settled(v.id);
    const row = await load(v.id);
    assert.equal(row?.status, 'in-use');
    assert.equal(row?.size, 2);
    assert.deepEqual(stub.called('extendVolume').map((c) => c.args.inUse), [true]);
    assert.deepEqual(extended, [{ instanceUuid: server, volumeId: v.id, sizeGb: 2 }]);

    computeFails = 'block_resize failed';
    await ctx.deps.db.updateTable('volume').set({ status: 'extending' }).where('id', '=', v.id).execute();
    ctx.manager.extendVolume(v.id, 5, 'in-use');
    await ctx.manager.settled(v.id);
    const failed = await load(v.id);
    assert.equal(failed?.status, 'error_extending');
    assert.equal(failed?.size, 2, 'the size changes only when the guest got it');
    await expectUserMessage(ctx, v.id, 'VOLUME_VOLUME_007_009', 'extend volume:Compute service failed to extend volume.');
  });

  it('a failing extend leaves error_extending with the old size', async () => {
    const v = await placed('extending', 1);
    stub.failing.set('extendVolume', 'no space');
    ctx.manager.extendVolume(v.id, 9, 'available');
    await ctx.manager.settled(v.id);
    const row = await load(v.id);
    assert.equal(row?.status, 'error_extending');
    assert.equal(row?.size, 1);
    await expectUserMessage(ctx, v.id, 'VOLUME_VOLUME_007_010', 'extend volume:Volume Driver failed to extend volume.');
  });

  it('uploads to an image and goes back to its status, failure or not', async () => {
    const v = await placed('uploading');
    const imageId = randomUUID();
    ctx.manager.uploadToImage(v.id, imageId, 'qcow2', 'tok', 'available');
    await ctx.manager.settled(v.id);
    assert.equal((await load(v.id))?.status, 'available');
    assert.deepEqual(stub.called('copyToImage').map((c) => c.args), [{ id: v.id, inUse: false,
      target: { url: ctx.deps.images.fileUrl(imageId), authToken: 'tok', diskFormat: 'qcow2' } }]);

    stub.failing.set('copyToImage', 'PUT failed: 413');
    await ctx.deps.db.updateTable('volume').set({ status: 'uploading' }).where('id', '=', v.id).execute();
    ctx.manager.uploadToImage(v.id, imageId, 'raw', 'tok', 'in-use');
    await ctx.manager.settled(v.id);
    assert.equal((await load(v.id))?.status, 'in-use');
    await expectUserMessage(ctx, v.id, 'VOLUME_VOLUME_003_004', 'copy volume to image:Failed to upload volume to image at backend.');
  });
});
