// The manager's workflows against the real storage agent and `file` backend the test cloud starts:
// files appear, grow and disappear on disk as the statuses say.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { run } from '../../platform/run.js';
import type { VolumeContext } from '../context.js';
import type { BackupRow } from '../volume.tables.js';
import { insertVolume, volumeCtx, waitFor } from './manager-fixtures.js';

describe('volume manager with the file backend', { timeout: 300_000 }, () => {
  let tc: TestCloud;
  let ctx: VolumeContext;
  let dir: string;
  before(async () => {
    tc = await startTestCloud();
    ctx = volumeCtx(tc);
    dir = tc.config.volume.backends[0]!.dir;
    // The agent's first report makes the backend schedulable.
    await waitFor('the file backend report', () => ctx.deps.db.selectFrom('volume_backend').selectAll().execute(), (rows) => rows.length > 0);
  });
  after(async () => { await tc?.close(); });

  const load = (id: string) => ctx.deps.db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
  const fileOf = (kind: 'volume' | 'snapshot', id: string) => readdirSync(dir).find((n) => n.startsWith(`${kind}-${id}.`));
  const virtualSize = async (name: string) => {
    const out = await run('qemu-img', ['info', '--force-share', '--output=json', `${dir}/${name}`]);
    return Number((JSON.parse(out) as { 'virtual-size': number })['virtual-size']);
  };
  const GiB = 1024 ** 3;
  const ts = () => new Date().toISOString();

  it('creates, extends, snapshots, clones, backs up, restores and deletes real files', async () => {
    const v = await insertVolume(ctx, { size: 1 });
    ctx.manager.createVolume(v.id, 'tok');
    await ctx.manager.settled(v.id);
    const created = await load(v.id);
    assert.equal(created?.status, 'available', created?.status_reason ?? '');
    assert.match(created?.host ?? '', /@file#file$/);
    const file = fileOf('volume', v.id);
    assert.ok(file, 'the volume file exists');
    assert.equal(await virtualSize(file), 1 * GiB);

    await ctx.deps.db.updateTable('volume').set({ status: 'extending' }).where('id', '=', v.id).execute();
    ctx.manager.extendVolume(v.id, 2, 'available');
    await ctx.manager.settled(v.id);
    assert.equal((await load(v.id))?.size, 2);
    assert.equal(await virtualSize(file), 2 * GiB);

    const snapId = randomUUID();
    await ctx.deps.db.insertInto('volume_snapshot').values({ id: snapId, volume_id: v.id, project_id: 'p', user_id: 'u', name: null,
      description: null, size: 2, status: 'creating', status_reason: null, progress: '0%', provider_location: null, created_at: ts(), updated_at: ts() }).execute();
    ctx.manager.createSnapshot(snapId);
    await ctx.manager.settled(snapId);
    const snap = await ctx.deps.db.selectFrom('volume_snapshot').selectAll().where('id', '=', snapId).executeTakeFirstOrThrow();
    assert.equal(snap.status, 'available', snap.status_reason ?? '');
    assert.equal(snap.progress, '100%');

    const fromSnap = await insertVolume(ctx, { size: 3, snapshot_id: snapId });
    const clone = await insertVolume(ctx, { size: 2, source_volid: v.id });
    ctx.manager.createVolume(fromSnap.id, 'tok');
    ctx.manager.createVolume(clone.id, 'tok');
    await ctx.manager.idle();
    for (const [id, gb] of [[fromSnap.id, 3], [clone.id, 2]] as const) {
      const row = await load(id);
      assert.equal(row?.status, 'available', row?.status_reason ?? '');
      assert.equal(await virtualSize(fileOf('volume', id)!), gb * GiB);
    }

    const backupId = randomUUID();
    const backup: BackupRow = { id: backupId, volume_id: v.id, snapshot_id: null, project_id: 'p', user_id: 'u', name: null, description: null,
      size: 2, status: 'creating', fail_reason: null, availability_zone: 'nova', container: null, is_incremental: 0, parent_id: null,
      object_count: 0, host: null, metadata: '{}', data_timestamp: ts(), restore_volume_id: null, created_at: ts(), updated_at: ts() };
    await ctx.deps.db.insertInto('volume_backup').values(backup).execute();
    await ctx.deps.db.updateTable('volume').set({ status: 'backing-up' }).where('id', '=', v.id).execute();
    ctx.manager.createBackup(backupId, 'available');
    await ctx.manager.settled(backupId);
    const made = await ctx.deps.db.selectFrom('volume_backup').selectAll().where('id', '=', backupId).executeTakeFirstOrThrow();
    assert.equal(made.status, 'available', made.fail_reason ?? '');
    assert.equal(made.host, tc.config.volume.host);
    assert.equal((await load(v.id))?.status, 'available');

    await ctx.deps.db.updateTable('volume_backup').set({ status: 'restoring' }).where('id', '=', backupId).execute();
    const restored = await insertVolume(ctx, { size: 2 });
    ctx.manager.restoreBackup(backupId, restored.id);
    await ctx.manager.settled(backupId);
    assert.equal((await load(restored.id))?.status, 'available', (await load(restored.id))?.status_reason ?? '');
    assert.ok(fileOf('volume', restored.id));

    // Delete everything: cascade takes the snapshot; the backup goes through the backup store.
    for (const id of [v.id, fromSnap.id, clone.id, restored.id]) {
      await ctx.deps.db.updateTable('volume').set({ status: 'deleting' }).where('id', '=', id).execute();
      ctx.manager.deleteVolume(id, true);
    }
    await ctx.deps.db.updateTable('volume_backup').set({ status: 'deleting' }).where('id', '=', backupId).execute();
    ctx.manager.deleteBackup(backupId);
    await ctx.manager.idle();
    for (const id of [v.id, fromSnap.id, clone.id, restored.id]) {
      assert.equal(await load(id), undefined);
      assert.equal(fileOf('volume', id), undefined, `no file left for ${id}`);
    }
    assert.equal(fileOf('snapshot', snapId), undefined);
    assert.equal(await ctx.deps.db.selectFrom('volume_backup').selectAll().where('id', '=', backupId).executeTakeFirst(), undefined);
  });

  it('a failed create from an unreachable image leaves error and no file', async () => {
    const v = await insertVolume(ctx, { size: 1, image_id: randomUUID() });
    await ctx.deps.db.insertInto('volume_image_metadata').values({ volume_id: v.id, key: 'disk_format', value: 'raw' }).execute();
    ctx.manager.createVolume(v.id, 'no-such-token');
    await ctx.manager.settled(v.id);
    const row = await load(v.id);
    assert.equal(row?.status, 'error');
    assert.ok(row?.status_reason);
    assert.equal(fileOf('volume', v.id), undefined);
    assert.ok(!readdirSync(dir).some((n) => n.includes(v.id)), 'no temporary file either');
    assert.ok(existsSync(dir));
  });
});
