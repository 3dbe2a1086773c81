import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { VolumeContext } from '../context.js';
import type { BackupRow, SnapshotRow } from '../volume.tables.js';
import { clearVolumeRows, expectUserMessage, insertVolume, reportBackend, startCloudWithoutStorage, volumeCtx } from './manager-fixtures.js';
import { StubStorageAgent } from './stub-storage-agent.js';

describe('volume manager: snapshots and backups', () => {
  let tc: TestCloud;
  let ctx: VolumeContext;
  let stub: StubStorageAgent;
  before(async () => {
    tc = await startCloudWithoutStorage();
    ctx = volumeCtx(tc);
    stub = await new StubStorageAgent('h1@stub').serve(ctx.deps.bus);
  });
  after(async () => { await stub.stop(); await tc.close(); });
  beforeEach(async () => {
    await clearVolumeRows(ctx);
    stub.reset();
    stub.volumes.clear(); stub.snapshots.clear(); stub.backups.clear();
    await reportBackend(ctx, 'h1@stub');
  });

  const ts = () => new Date().toISOString();
  const vol = (id: string) => ctx.deps.db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
  const snap = (id: string) => ctx.deps.db.selectFrom('volume_snapshot').selectAll().where('id', '=', id).executeTakeFirst();
  const backup = (id: string) => ctx.deps.db.selectFrom('volume_backup').selectAll().where('id', '=', id).executeTakeFirst();
  const placed = async (status: 'available' | 'in-use' | 'backing-up' | 'reverting' | 'restoring-backup', over = {}) => {
    const v = await insertVolume(ctx, { status, host: 'h1@stub#stub', provider_location: 'x', ...over });
    stub.volumes.add(v.id);
    return v;
  };
  const insertSnapshot = async (volumeId: string, status: SnapshotRow['status']) => {
    const id = randomUUID();
    await ctx.deps.db.insertInto('volume_snapshot').values({ id, volume_id: volumeId, project_id: 'p', user_id: 'u', name: null, description: null,
      size: 1, status, status_reason: null, progress: '0%', provider_location: null, created_at: ts(), updated_at: ts() }).execute();
    return id;
  };
  const insertBackup = async (volumeId: string, over: Partial<BackupRow>) => {
    const id = randomUUID();
    await ctx.deps.db.insertInto('volume_backup').values({ id, volume_id: volumeId, snapshot_id: null, project_id: 'p', user_id: 'u', name: null,
      description: null, size: 1, status: 'creating', fail_reason: null, availability_zone: 'nova', container: null, is_incremental: 0,
      parent_id: null, object_count: 0, host: null, metadata: '{}', data_timestamp: ts(), restore_volume_id: null, created_at: ts(), updated_at: ts(),
      ...over }).execute();
    return id;
  };

  it('creates a snapshot (of an in-use volume too): available, 100%, location', async () => {
    const v = await placed('in-use', { attach_status: 'attached' });
    const s = await insertSnapshot(v.id, 'creating');
    ctx.manager.createSnapshot(s);
    await ctx.manager.settled(s);
    const row = await snap(s);
    assert.equal(row?.status, 'available');
    assert.equal(row?.progress, '100%');
    assert.equal(row?.provider_location, `snapshot-${s}`);
    assert.deepEqual(stub.called('createSnapshot').map((c) => c.args), [{ snapshotId: s, volumeId: v.id, inUse: true }]);
  });

  it('a failing snapshot ends error with a message and nothing behind', async () => {
    const v = await placed('available');
    const s = await insertSnapshot(v.id, 'creating');
    stub.failing.set('createSnapshot', 'qemu-img: lock held');
    ctx.manager.createSnapshot(s);
    await ctx.manager.settled(s);
    const row = await snap(s);
    assert.equal(row?.status, 'error');
    assert.match(row?.status_reason ?? '', /lock held/);
    assert.equal(stub.called('deleteSnapshot').length, 1);
    await expectUserMessage(ctx, s, 'VOLUME_VOLUME_SNAPSHOT_009_012', 'create snapshot:Snapshot failed to create.');
  });

  it('deletes a snapshot (row and metadata); a failure leaves error_deleting', async () => {
    const v = await placed('available');
    const s = await insertSnapshot(v.id, 'deleting');
    stub.snapshots.add(s);
    await ctx.deps.db.insertInto('volume_snapshot_metadata').values({ snapshot_id: s, key: 'a', value: 'b' }).execute();
    ctx.manager.deleteSnapshot(s);
    await ctx.manager.settled(s);
    assert.equal(await snap(s), undefined);
    assert.ok(!stub.snapshots.has(s));

    const s2 = await insertSnapshot(v.id, 'deleting');
    stub.failing.set('deleteSnapshot', 'busy');
    ctx.manager.deleteSnapshot(s2);
    await ctx.manager.settled(s2);
    assert.equal((await snap(s2))?.status, 'error_deleting');
  });

  it('reverts a volume to a snapshot; a failure leaves the volume in error, the snapshot available', async () => {
    const v = await placed('reverting');
    const s = await insertSnapshot(v.id, 'restoring');
    ctx.manager.revertToSnapshot(v.id, s);
    await ctx.manager.settled(s);
    await ctx.manager.settled(v.id);
    assert.equal((await vol(v.id))?.status, 'available');
    assert.equal((await snap(s))?.status, 'available');
    assert.deepEqual(stub.called('revertToSnapshot').map((c) => c.args), [{ volumeId: v.id, snapshotId: s }]);

    await ctx.deps.db.updateTable('volume').set({ status: 'reverting' }).where('id', '=', v.id).execute();
    await ctx.deps.db.updateTable('volume_snapshot').set({ status: 'restoring' }).where('id', '=', s).execute();
    stub.failing.set('revertToSnapshot', 'corrupt');
    ctx.manager.revertToSnapshot(v.id, s);
    await ctx.manager.idle();
    assert.equal((await vol(v.id))?.status, 'error');
    assert.equal((await snap(s))?.status, 'available');
  });

  it('backs up (incremental: the parent passed on): backup available on the storage host, volume back', async () => {
    const v = await placed('backing-up', { attach_status: 'attached' });
    const parent = await insertBackup(v.id, { status: 'available', host: 'h1', container: 'c' });
    const b = await insertBackup(v.id, { parent_id: parent, is_incremental: 1 });
    ctx.manager.createBackup(b, 'in-use');
    await ctx.manager.settled(b);
    const row = await backup(b);
    assert.equal(row?.status, 'available');
    assert.equal(row?.host, 'h1');
    assert.equal(row?.container, `backup-${b}`);
    assert.equal(row?.object_count, 3);
    assert.equal((await vol(v.id))?.status, 'in-use');
    assert.deepEqual(stub.called('backup').map((c) => c.args), [{ backupId: b, volumeId: v.id, snapshotId: null, parentId: parent, inUse: true }]);
  });

  it('a failing backup: backup error with fail_reason, volume back, no chunks left', async () => {
    const v = await placed('backing-up');
    const b = await insertBackup(v.id, {});
    stub.failing.set('backup', 'read error');
    ctx.manager.createBackup(b, 'available');
    await ctx.manager.settled(b);
    const row = await backup(b);
    assert.equal(row?.status, 'error');
    assert.match(row?.fail_reason ?? '', /read error/);
    assert.equal((await vol(v.id))?.status, 'available');
    assert.equal(stub.called('deleteBackup').length, 1);
    await expectUserMessage(ctx, b, 'VOLUME_VOLUME_BACKUP_013_019', 'create backup:Backup driver failed to create backup.');
  });

  it('restores into an existing volume (bootable copied) and into a new one (placed, created, restored)', async () => {
    const src = await placed('available', { bootable: 1 });
    const b = await insertBackup(src.id, { status: 'restoring', host: 'h1', container: 'c' });
    stub.backups.add(b);
    const target = await placed('restoring-backup');
    ctx.manager.restoreBackup(b, target.id);
    await ctx.manager.settled(b);
    assert.equal((await vol(target.id))?.status, 'available');
    assert.equal((await vol(target.id))?.bootable, 1);
    assert.equal((await backup(b))?.status, 'available');
    assert.deepEqual(stub.called('restore').map((c) => c.args), [{ backupId: b, volumeId: target.id }]);

    await ctx.deps.db.updateTable('volume_backup').set({ status: 'restoring' }).where('id', '=', b).execute();
    const fresh = await insertVolume(ctx, { size: 2 });
    ctx.manager.restoreBackup(b, fresh.id);
    await ctx.manager.settled(b);
    const row = await vol(fresh.id);
    assert.equal(row?.status, 'available');
    assert.equal(row?.host, 'h1@stub#stub');
    assert.ok(row?.launched_at);
    assert.deepEqual(stub.calls.slice(-2).map((c) => c.method), ['createVolume', 'restore']);
  });

  it('a failing restore: volume error_restoring, backup available, a new volume\'s data removed', async () => {
    const src = await placed('available');
    const b = await insertBackup(src.id, { status: 'restoring', host: 'h1', container: 'c' });
    stub.failing.set('restore', 'chunk missing');
    const fresh = await insertVolume(ctx, { size: 1 });
    ctx.manager.restoreBackup(b, fresh.id);
    await ctx.manager.settled(b);
    assert.equal((await vol(fresh.id))?.status, 'error_restoring');
    assert.equal((await backup(b))?.status, 'available');
    assert.ok(!stub.volumes.has(fresh.id));
    await expectUserMessage(ctx, fresh.id, 'VOLUME_VOLUME_015_025', 'restore backup:Backup driver failed to restore backup.');
  });

  it('deletes a backup through an agent of its host; failure → error_deleting', async () => {
    const b = await insertBackup(randomUUID(), { status: 'deleting', host: 'h1', container: 'c' });
    stub.backups.add(b);
    ctx.manager.deleteBackup(b);
    await ctx.manager.settled(b);
    assert.equal(await backup(b), undefined);
    assert.ok(!stub.backups.has(b));

    const b2 = await insertBackup(randomUUID(), { status: 'deleting', host: 'h1', container: 'c' });
    stub.failing.set('deleteBackup', 'EACCES');
    ctx.manager.deleteBackup(b2);
    await ctx.manager.settled(b2);
    assert.equal((await backup(b2))?.status, 'error_deleting');
  });
});
