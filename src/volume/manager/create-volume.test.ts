import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { VolumeContext } from '../context.js';
import { clearVolumeRows, expectUserMessage, insertType, insertVolume, reportBackend, startCloudWithoutStorage, volumeCtx, waitFor } from './manager-fixtures.js';
import { StubStorageAgent } from './stub-storage-agent.js';

describe('volume manager: create', () => {
  let tc: TestCloud;
  let ctx: VolumeContext;
  let stub: StubStorageAgent;
  let big: StubStorageAgent;
  before(async () => {
    tc = await startCloudWithoutStorage();
    ctx = volumeCtx(tc);
    stub = await new StubStorageAgent('h1@stub').serve(ctx.deps.bus);
    big = await new StubStorageAgent('h1@big').serve(ctx.deps.bus);
  });
  after(async () => { await stub.stop(); await big.stop(); await tc.close(); });
  beforeEach(async () => {
    await clearVolumeRows(ctx);
    stub.reset(); big.reset();
    await reportBackend(ctx, 'h1@stub', { capacity: { totalGb: 50, freeGb: 50, provisionedGb: 0 } });
    await reportBackend(ctx, 'h1@big', { capacity: { totalGb: 5000, freeGb: 5000, provisionedGb: 0 } });
  });

  const load = (id: string) => ctx.deps.db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const stubType = () => insertType(ctx, { volume_backend_name: 'stub' });
  const create = async (id: string, token = 'tok-1') => { ctx.manager.createVolume(id, token); await ctx.manager.settled(id); return load(id); };

  it('creates a blank volume on the roomiest backend: available, placed, launched', async () => {
    const v = await insertVolume(ctx, { size: 3 });
    const row = await create(v.id);
    assert.equal(row.status, 'available');
    assert.equal(row.host, 'h1@big#big');
    assert.equal(row.provider_location, `volume-${v.id}`);
    assert.equal(row.bootable, 0);
    assert.ok(row.launched_at && Date.parse(row.launched_at) > 0);
    assert.deepEqual(big.called('createVolume').map((c) => c.args), [{ id: v.id, sizeGb: 3 }]);
    assert.ok(big.volumes.has(v.id));
  });

  it('creates from an image with the user\'s token, the image\'s format and size; bootable', async () => {
    const imageId = randomUUID();
    const v = await insertVolume(ctx, { size: 2, image_id: imageId, volume_type_id: await stubType() });
    await ctx.deps.db.insertInto('volume_image_metadata').values([
      { volume_id: v.id, key: 'disk_format', value: 'qcow2' }, { volume_id: v.id, key: 'virtual_size', value: '67108864' },
    ]).execute();
    const row = await create(v.id, 'user-token');
    assert.equal(row.status, 'available');
    assert.equal(row.bootable, 1);
    const [call] = stub.called('createFromImage');
    assert.deepEqual(call?.args, { id: v.id, sizeGb: 2, image: {
      id: imageId, url: ctx.deps.images.fileUrl(imageId), authToken: 'user-token', disk_format: 'qcow2', virtualSize: 67108864,
    } });
  });

  it('clones and creates from a snapshot on the source\'s backend, copying bootable', async () => {
    const src = await insertVolume(ctx, { volume_type_id: await stubType(), bootable: 1 });
    assert.equal((await create(src.id)).host, 'h1@stub#stub');
    await ctx.deps.db.updateTable('volume').set({ bootable: 1 }).where('id', '=', src.id).execute();
    await ctx.deps.db.insertInto('volume_image_metadata').values({ volume_id: src.id, key: 'image_name', value: 'cirros' }).execute();
    const clone = await insertVolume(ctx, { size: 2, source_volid: src.id });
    const c = await create(clone.id);
    assert.equal(c.status, 'available');
    assert.equal(c.host, 'h1@stub#stub', 'a clone lands with its source, not on the roomier backend');
    assert.equal(c.bootable, 1);
    assert.deepEqual(stub.called('cloneVolume').map((x) => x.args), [{ id: clone.id, sizeGb: 2, sourceId: src.id }]);
    const meta = await ctx.deps.db.selectFrom('volume_image_metadata').select(['key', 'value']).where('volume_id', '=', clone.id).execute();
    assert.deepEqual(meta, [{ key: 'image_name', value: 'cirros' }], 'a clone keeps its source\'s image metadata');

    const snapId = randomUUID();
    const ts = new Date().toISOString();
    await ctx.deps.db.insertInto('volume_snapshot').values({ id: snapId, volume_id: src.id, project_id: 'p', user_id: 'u', name: null,
      description: null, size: 1, status: 'available', status_reason: null, progress: '100%', provider_location: null, created_at: ts, updated_at: ts }).execute();
    stub.snapshots.add(snapId);
    const fromSnap = await insertVolume(ctx, { size: 4, snapshot_id: snapId });
    const f = await create(fromSnap.id);
    assert.equal(f.status, 'available');
    assert.equal(f.host, 'h1@stub#stub');
    assert.equal(f.bootable, 1);
    assert.deepEqual(stub.called('createFromSnapshot').map((x) => x.args), [{ id: fromSnap.id, sizeGb: 4, snapshotId: snapId }]);
  });

  it('creates from a backup: blank on the backup\'s host, restored, backup back to available', async () => {
    const src = await insertVolume(ctx, { status: 'available', host: 'h1@stub#stub', bootable: 1 });
    const backupId = randomUUID();
    const ts = new Date().toISOString();
    await ctx.deps.db.insertInto('volume_backup').values({ id: backupId, volume_id: src.id, snapshot_id: null, project_id: 'p', user_id: 'u',
      name: null, description: null, size: 1, status: 'restoring', fail_reason: null, availability_zone: 'nova', container: 'c', is_incremental: 0,
      parent_id: null, object_count: 1, host: 'h1', metadata: '{}', data_timestamp: ts, restore_volume_id: null, created_at: ts, updated_at: ts }).execute();
    big.backups.add(backupId); stub.backups.add(backupId);
    const v = await insertVolume(ctx, { size: 2, backup_id: backupId });
    const row = await create(v.id);
    assert.equal(row.status, 'available');
    assert.equal(row.bootable, 1);
    const agent = row.host === 'h1@big#big' ? big : stub;
    assert.deepEqual(agent.calls.map((c) => c.method), ['createVolume', 'restore']);
    const b = await ctx.deps.db.selectFrom('volume_backup').select('status').where('id', '=', backupId).executeTakeFirstOrThrow();
    assert.equal(b.status, 'available');
  });

  it('a failing backend leaves error, the reason, a user message and no file', async () => {
    stub.failing.set('createVolume', 'qemu-img: disk full');
    const v = await insertVolume(ctx, { volume_type_id: await stubType() });
    const row = await create(v.id);
    assert.equal(row.status, 'error');
    assert.match(row.status_reason ?? '', /disk full/);
    assert.deepEqual(stub.called('deleteVolume').map((c) => c.args), [{ id: v.id }]);
    assert.ok(!stub.volumes.has(v.id));
    await expectUserMessage(ctx, v.id, 'VOLUME_VOLUME_008_092', 'create volume from backend storage:Volume driver failed to create the volume.');
  });

  it('an image that cannot be written leaves error and nothing behind', async () => {
    stub.failing.set('createFromImage', 'image download failed: 404');
    const v = await insertVolume(ctx, { image_id: randomUUID(), volume_type_id: await stubType() });
    const row = await create(v.id);
    assert.equal(row.status, 'error');
    assert.equal(stub.called('deleteVolume').length, 1);
    await expectUserMessage(ctx, v.id, 'VOLUME_VOLUME_005_001', 'copy image to volume:An unknown error occurred.');
  });

  it('no backend for the type: error with the scheduler\'s reason, no agent touched', async () => {
    const t = await insertType(ctx, { volume_backend_name: 'ceph' });
    const v = await insertVolume(ctx, { volume_type_id: t });
    const row = await create(v.id);
    assert.equal(row.status, 'error');
    assert.equal(row.host, null);
    assert.match(row.status_reason ?? '', /No valid backend was found\. No weighed backends available: the volume type asks for backend ceph/);
    assert.equal(stub.calls.length + big.calls.length, 0);
    await expectUserMessage(ctx, v.id, 'VOLUME_VOLUME_001_003', 'schedule allocate volume:Could not find any available weighted backend.');
  });

  it('a source gone before the work ran: error, nothing created', async () => {
    const v = await insertVolume(ctx, { source_volid: randomUUID() });
    const row = await create(v.id);
    assert.equal(row.status, 'error');
    assert.match(row.status_reason ?? '', /could not be found/);
    assert.equal(stub.calls.length + big.calls.length, 0);
  });

  it('a volume deleted before its turn is left alone', async () => {
    const v = await insertVolume(ctx, { status: 'deleting' });
    await create(v.id).catch(() => undefined);
    assert.equal(stub.calls.length + big.calls.length, 0);
  });

  it('a forced delete during the create wins: the create ends, then the data and row go', async () => {
    let open!: () => void;
    stub.gate = new Promise((resolve) => { open = resolve; });
    const v = await insertVolume(ctx, { volume_type_id: await stubType() });
    ctx.manager.createVolume(v.id, 't');
    await waitFor('the agent call', async () => stub.called('createVolume').length, (n) => n === 1);
    // What the API's force delete does while the volume is `creating`.
    await ctx.deps.db.updateTable('volume').set({ status: 'deleting' }).where('id', '=', v.id).execute();
    ctx.manager.deleteVolume(v.id, false);
    open();
    await ctx.manager.settled(v.id);
    assert.equal(await ctx.deps.db.selectFrom('volume').select('id').where('id', '=', v.id).executeTakeFirst(), undefined);
    assert.ok(!stub.volumes.has(v.id), 'nothing left on the backend');
    assert.deepEqual(stub.calls.map((c) => c.method), ['createVolume', 'deleteVolume']);
  });

  it('10 concurrent creates all end available, each on a backend that had room', async () => {
    await reportBackend(ctx, 'h1@big', { capacity: { totalGb: 4, freeGb: 4, provisionedGb: 0 } });
    const vols = await Promise.all(Array.from({ length: 10 }, () => insertVolume(ctx, { size: 5 })));
    for (const v of vols) ctx.manager.createVolume(v.id, 't');
    await ctx.manager.idle();
    const rows = await Promise.all(vols.map((v) => load(v.id)));
    assert.deepEqual(rows.map((r) => r.status), Array(10).fill('available'));
    assert.ok(rows.every((r) => r.host === 'h1@stub#stub'));
    ctx.manager.createVolume((await insertVolume(ctx, { size: 5 })).id, 't');
    await ctx.manager.idle();
    const over = await ctx.deps.db.selectFrom('volume').select('status').where('status', '=', 'error').execute();
    assert.equal(over.length, 1, 'the next 5 GB fit nowhere');
  });
});
