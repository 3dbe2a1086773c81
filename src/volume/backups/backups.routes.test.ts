import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createMemberUser } from '../../../test/harness/member-user.js';
import {
  backendMissing, createAvailableVolume, holdManager, insertBackup, insertSnapshot, insertVolume, startVolumeTestCloud, waitForStatus,
  type Caller, type HeldManager, type VolumeTestCloud,
} from '../snapshots/volume-test-fixtures.js';

const DETAIL_KEYS = ['availability_zone', 'container', 'created_at', 'data_timestamp', 'description', 'fail_reason',
  'has_dependent_backups', 'id', 'is_incremental', 'links', 'name', 'object_count', 'size', 'snapshot_id', 'status',
  'updated_at', 'volume_id'];

describe('backups API', () => {
  let v: VolumeTestCloud;
  let member: Caller;
  let other: Caller;
  let held: HeldManager;
  const fresh = async (name: string): Promise<Caller> => {
    const m = await createMemberUser(v.tc, name);
    return { token: m.token, projectId: m.projectId, userId: m.id };
  };
  const statusOf = async (table: 'volume' | 'volume_backup', id: string) =>
    (await v.db.selectFrom(table).select('status').where('id', '=', id).executeTakeFirst())?.status;

  before(async () => {
    v = await startVolumeTestCloud();
    held = holdManager(v);
    member = await fresh('backup-member');
    other = await fresh('backup-other');
  });
  after(async () => { await v?.close(); });

  test('create: 202 with the summary, the volume backing-up, the detail per microversion', async () => {
    const vol = await insertVolume(v, member, { size: 3 });
    const res = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id, name: 'b1', description: 'first', container: 'box' } });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(Object.keys(res.body.backup).sort(), ['id', 'links', 'name']);
    assert.equal(res.body.backup.name, 'b1');
    assert.match(res.body.backup.links[0].href, new RegExp(`/volume/v3/${member.projectId}/backups/${res.body.backup.id}$`));
    assert.equal(await statusOf('volume', vol.id), 'backing-up');
    const id = res.body.backup.id;
    assert.deepEqual(held.calls.at(-1), ['createBackup', id, 'available']);
    let show = await v.call(member, 'GET', `/backups/${id}`);
    assert.equal(show.status, 200);
    assert.deepEqual(Object.keys(show.body.backup).sort(), DETAIL_KEYS);
    assert.equal(show.body.backup.size, 3);
    assert.equal(show.body.backup.container, 'box');
    assert.equal(show.body.backup.is_incremental, false);
    assert.match(show.body.backup.data_timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    show = await v.call(member, 'GET', `/backups/${id}`, undefined, '3.60');
    assert.deepEqual(Object.keys(show.body.backup).sort(), [...DETAIL_KEYS, 'metadata'].sort(), 'members see no project attribute');
    show = await v.call(v.admin, 'GET', `/backups/${id}`, undefined, '3.60');
    assert.equal(show.body.backup['os-backup-project-attr:project_id'], member.projectId);
    assert.equal(show.body.backup.user_id, member.userId);
    // The volume is busy: a second backup is refused.
    const again = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id } });
    assert.equal(again.status, 400);
    assert.equal(again.body.badRequest.message, 'Invalid volume: Volume to be backed up must be available or in-use, but the current status is "backing-up".');
  });

  test('create: refusals (in-use without force, incremental without a base, snapshot mismatch, quota)', async () => {
    const inUse = await insertVolume(v, member, { status: 'in-use', attach_status: 'attached' });
    let res = await v.call(member, 'POST', '/backups', { backup: { volume_id: inUse.id } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, 'Invalid volume: Backing up an in-use volume must use the force flag.');
    res = await v.call(member, 'POST', '/backups', { backup: { volume_id: inUse.id, force: 'true' } });
    assert.equal(res.status, 202, res.text);
    assert.equal(await statusOf('volume', inUse.id), 'backing-up');
    assert.deepEqual(held.calls.at(-1), ['createBackup', res.body.backup.id, 'in-use']);

    const vol = await insertVolume(v, member);
    res = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id, incremental: true } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, 'Invalid backup: No backups available to do an incremental backup.');
    await insertBackup(v, vol, { status: 'error' });
    res = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id, incremental: true } });
    assert.equal(res.status, 400, 'an errored backup is no base');
    assert.equal(await statusOf('volume', vol.id), 'available', 'a refusal leaves the volume as it was');

    const otherVol = await insertVolume(v, member);
    const snap = await insertSnapshot(v, otherVol);
    res = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id, snapshot_id: snap.id } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, `Invalid volume: Volume ${vol.id} does not match with snapshot.volume_id ${otherVol.id}.`);
    const busySnap = await insertSnapshot(v, vol, { status: 'creating' });
    res = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id, snapshot_id: busySnap.id } });
    assert.equal(res.status, 400);
    assert.match(res.body.badRequest.message, /^Invalid snapshot: Snapshot to be backed up must be available/);

    for (const bad of [{}, { volume_id: 'x' }, { volume_id: vol.id, incremental: 'perhaps' }, { volume_id: vol.id, container: '../x' },
      { volume_id: vol.id, metadata: [] }, { volume_id: vol.id, snapshot_id: 12 }]) {
      res = await v.call(member, 'POST', '/backups', { backup: bad });
      assert.equal(res.status, 400, `${JSON.stringify(bad)} → ${res.text}`);
    }
    res = await v.call(member, 'POST', '/backups', { backup: { volume_id: randomUUID() } });
    assert.equal(res.status, 404);
    res = await v.call(other, 'POST', '/backups', { backup: { volume_id: vol.id } });
    assert.equal(res.status, 404, 'another project\'s volume');

    const q = await fresh('backup-quota');
    await v.db.insertInto('volume_quota').values({ project_id: q.projectId, resource: 'backups', hard_limit: 0 }).execute();
    const qv = await insertVolume(v, q);
    res = await v.call(q, 'POST', '/backups', { backup: { volume_id: qv.id } });
    assert.equal(res.status, 413, res.text);
    assert.equal(await statusOf('volume', qv.id), 'available');
  });

  test('incremental: the parent is the latest available backup, and it cannot be deleted under its child', async () => {
    const vol = await insertVolume(v, member);
    const old = await insertBackup(v, vol, { data_timestamp: '2026-01-01T00:00:00.000Z', created_at: '2026-01-01T00:00:00.000Z' });
    const latest = await insertBackup(v, vol, { data_timestamp: '2026-01-02T00:00:00.000Z', created_at: '2026-01-02T00:00:00.000Z' });
    await insertBackup(v, vol, { status: 'error', data_timestamp: '2026-01-03T00:00:00.000Z' });
    const res = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id, incremental: true } });
    assert.equal(res.status, 202, res.text);
    const child = await v.db.selectFrom('volume_backup').selectAll().where('id', '=', res.body.backup.id).executeTakeFirstOrThrow();
    assert.equal(child.parent_id, latest.id);
    assert.equal(child.is_incremental, 1);
    const shown = await v.call(member, 'GET', `/backups/${latest.id}`);
    assert.equal(shown.body.backup.has_dependent_backups, true);
    assert.equal((await v.call(member, 'GET', `/backups/${old.id}`)).body.backup.has_dependent_backups, false);
    const del = await v.call(member, 'DELETE', `/backups/${latest.id}`);
    assert.equal(del.status, 400);
    assert.equal(del.body.badRequest.message, 'Invalid backup: Incremental backups exist for this backup.');
    const busy = await v.call(member, 'DELETE', `/backups/${child.id}`);
    assert.equal(busy.status, 400, 'a backup being made is not deleted');
    assert.match(busy.body.badRequest.message, /^Invalid backup: Backup status must be available or error/);
    assert.equal((await v.call(member, 'DELETE', `/backups/${old.id}`)).status, 202);
    assert.notEqual(await statusOf('volume_backup', old.id), 'available');
  });

  test('a backup of a snapshot: the snapshot is busy, its time is the data time, an incremental builds on older data', async () => {
    const vol = await insertVolume(v, member, { status: 'in-use', attach_status: 'attached' });
    const older = await insertBackup(v, vol, { data_timestamp: '2026-01-01T00:00:00.000Z' });
    await insertBackup(v, vol, { data_timestamp: '2026-03-01T00:00:00.000Z' });
    const snap = await insertSnapshot(v, vol, { created_at: '2026-02-01T00:00:00.000Z' });
    const res = await v.call(member, 'POST', '/backups', { backup: { volume_id: vol.id, snapshot_id: snap.id, incremental: true } });
    assert.equal(res.status, 202, res.text);
    const row = await v.db.selectFrom('volume_backup').selectAll().where('id', '=', res.body.backup.id).executeTakeFirstOrThrow();
    assert.equal(row.snapshot_id, snap.id);
    assert.equal(row.parent_id, older.id, 'the parent holds data from before the snapshot');
    assert.equal(row.data_timestamp, snap.created_at);
    assert.equal((await v.db.selectFrom('volume_snapshot').select('status').where('id', '=', snap.id).executeTakeFirstOrThrow()).status, 'backing-up');
    assert.equal(await statusOf('volume', vol.id), 'in-use', 'the volume itself is not taken (no force needed)');
    assert.deepEqual(held.calls.at(-1), ['createBackup', row.id, 'in-use']);
  });

  test('list: summary and detail, filters, paging; other projects see nothing', async () => {
    const who = await fresh('backup-lister');
    const vol = await insertVolume(v, who);
    const vol2 = await insertVolume(v, who);
    for (let i = 0; i < 4; i++) {
      await insertBackup(v, i < 2 ? vol : vol2, { name: `bk-${i}`, status: i === 3 ? 'error' : 'available',
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() });
    }
    let res = await v.call(who, 'GET', '/backups');
    assert.deepEqual(res.body.backups.map((b: { name: string }) => b.name), ['bk-3', 'bk-2', 'bk-1', 'bk-0']);
    assert.deepEqual(Object.keys(res.body.backups[0]).sort(), ['id', 'links', 'name']);
    res = await v.call(who, 'GET', '/backups/detail');
    assert.deepEqual(Object.keys(res.body.backups[0]).sort(), DETAIL_KEYS);
    res = await v.call(who, 'GET', `/backups/detail?volume_id=${vol.id}&sort=name:asc`);
    assert.deepEqual(res.body.backups.map((b: { name: string }) => b.name), ['bk-0', 'bk-1']);
    res = await v.call(who, 'GET', '/backups?status=error');
    assert.deepEqual(res.body.backups.map((b: { name: string }) => b.name), ['bk-3']);
    res = await v.call(who, 'GET', '/backups?limit=3');
    assert.equal(res.body.backups.length, 3);
    const next = new URL(res.body.backups_links[0].href);
    res = await v.call(who, 'GET', `/backups${next.search}`);
    assert.deepEqual(res.body.backups.map((b: { name: string }) => b.name), ['bk-0']);
    assert.equal((await v.call(who, 'GET', '/backups?sort_key=nonsense')).status, 400);
    assert.equal((await v.call(who, 'GET', '/backups?all_tenants=maybe')).status, 400);
    res = await v.call(other, 'GET', '/backups/detail?all_tenants=1');
    assert.ok(!res.body.backups.some((b: { volume_id: string }) => b.volume_id === vol.id));
    res = await v.call(v.admin, 'GET', `/backups?all_tenants=1&name=bk-2`);
    assert.equal(res.body.backups.length, 1);
  });

  test('update: 3.9+ for name and description, 3.43+ for metadata', async () => {
    const vol = await insertVolume(v, member);
    const b = await insertBackup(v, vol);
    let res = await v.call(member, 'PUT', `/backups/${b.id}`, { backup: { name: 'n' } });
    assert.equal(res.status, 404, 'not before 3.9');
    res = await v.call(member, 'PUT', `/backups/${b.id}`, { backup: { name: 'n', description: 'd' } }, '3.9');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body.backup).sort(), ['id', 'links', 'name']);
    assert.equal(res.body.backup.name, 'n');
    res = await v.call(member, 'PUT', `/backups/${b.id}`, { backup: { metadata: { k: 'v' } } }, '3.9');
    assert.equal(res.status, 400, 'metadata needs 3.43');
    res = await v.call(member, 'PUT', `/backups/${b.id}`, { backup: { metadata: { k: 'v' } } }, '3.43');
    assert.equal(res.status, 200, res.text);
    res = await v.call(member, 'GET', `/backups/${b.id}`, undefined, '3.43');
    assert.deepEqual(res.body.backup.metadata, { k: 'v' });
    assert.equal(res.body.backup.description, 'd');
    assert.equal((await v.call(other, 'PUT', `/backups/${b.id}`, { backup: { name: 'x' } }, '3.9')).status, 404);
  });

  test('restore: checks, into an existing volume, into a new one', async () => {
    const member = await fresh('restore-member');
    const vol = await insertVolume(v, member, { size: 2 });
    const b = await insertBackup(v, vol);
    const small = await insertVolume(v, member, { size: 1 });
    let res = await v.call(member, 'POST', `/backups/${b.id}/restore`, { restore: { volume_id: small.id } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, 'Invalid volume: volume size 1 is too small to restore backup of size 2.');
    const busy = await insertVolume(v, member, { size: 2, status: 'in-use' });
    res = await v.call(member, 'POST', `/backups/${b.id}/restore`, { restore: { volume_id: busy.id } });
    assert.equal(res.status, 400);
    assert.match(res.body.badRequest.message, /^Invalid volume: /);
    assert.equal(await statusOf('volume_backup', b.id), 'available', 'the refused restore left the backup alone');
    const creating = await insertBackup(v, vol, { status: 'creating' });
    res = await v.call(member, 'POST', `/backups/${creating.id}/restore`, { restore: {} });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, 'Invalid backup: Backup status must be available');
    assert.equal((await v.call(member, 'POST', `/backups/${b.id}/restore`, {})).status, 400);
    assert.equal((await v.call(member, 'POST', `/backups/${b.id}/restore`, { restore: { volume_id: 'x' } })).status, 400);
    assert.equal((await v.call(other, 'POST', `/backups/${b.id}/restore`, { restore: {} })).status, 404);

    const into = await insertVolume(v, member, { size: 3 });
    res = await v.call(member, 'POST', `/backups/${b.id}/restore`, { restore: { volume_id: into.id } });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body, { restore: { backup_id: b.id, volume_id: into.id, volume_name: 'row-volume' } });
    assert.equal(await statusOf('volume', into.id), 'restoring-backup');
    assert.equal(await statusOf('volume_backup', b.id), 'restoring');
    assert.deepEqual(held.calls.at(-1), ['restoreBackup', b.id, into.id]);

    const b2 = await insertBackup(v, vol);
    res = await v.call(member, 'POST', `/backups/${b2.id}/restore`, { restore: null });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.restore.volume_name, `restore_backup_${b2.id}`);
    const made = await v.db.selectFrom('volume').selectAll().where('id', '=', res.body.restore.volume_id).executeTakeFirstOrThrow();
    assert.equal(made.size, 2);
    assert.equal(made.project_id, member.projectId);
    assert.equal(made.description, 'auto-created_from_restore_from_backup');

    const q = await fresh('restore-quota');
    await v.db.insertInto('volume_quota').values({ project_id: q.projectId, resource: 'volumes', hard_limit: 1 }).execute();
    const qv = await insertVolume(v, q);
    const qb = await insertBackup(v, qv);
    res = await v.call(q, 'POST', `/backups/${qb.id}/restore`, { restore: { name: 'named' } });
    assert.equal(res.status, 413, res.text);
    assert.equal(await statusOf('volume_backup', qb.id), 'available', 'the quota refusal rolled the backup back');
  });

  test('racing restores of two backups into one volume: exactly one wins', async () => {
    const vol = await insertVolume(v, member);
    const backups = await Promise.all([1, 2, 3, 4].map(() => insertBackup(v, vol)));
    const into = await insertVolume(v, member);
    const results = await Promise.all(backups.map((b) => v.call(member, 'POST', `/backups/${b.id}/restore`, { restore: { volume_id: into.id } })));
    assert.deepEqual(results.map((r) => r.status).sort(), [202, 400, 400, 400], results.map((r) => r.text).join('\n'));
    const restoring = await v.db.selectFrom('volume_backup').select('id').where('restore_volume_id', '=', into.id).where('status', '=', 'restoring').execute();
    assert.equal(restoring.length, 1);
  });

  test('actions: reset status and force delete are for admins; another project gets 404', async () => {
    const vol = await insertVolume(v, member);
    const b = await insertBackup(v, vol, { status: 'creating' });
    const action = `/backups/${b.id}/action`;
    assert.equal((await v.call(other, 'GET', `/backups/${b.id}`)).status, 404);
    assert.equal((await v.call(other, 'DELETE', `/backups/${b.id}`)).status, 404);
    assert.equal((await v.call(member, 'POST', action, { 'os-reset_status': { status: 'error' } })).status, 403);
    assert.equal((await v.call(v.admin, 'POST', action, { 'os-reset_status': { status: 'creating' } })).status, 400);
    assert.equal((await v.call(v.admin, 'POST', action, { 'os-reset_status': { status: 'error' } })).status, 202);
    assert.equal(await statusOf('volume_backup', b.id), 'error');
    assert.equal((await v.call(member, 'POST', action, { 'os-force_delete': {} })).status, 403);
    const stuck = await insertBackup(v, vol, { status: 'creating' });
    assert.equal((await v.call(v.admin, 'POST', `/backups/${stuck.id}/action`, { 'os-force_delete': {} })).status, 202);
    assert.notEqual(await statusOf('volume_backup', stuck.id), 'creating');
  });

  test('happy path on the file backend: full, incremental, restore to a new volume, delete the chain', async (t) => {
    held.release();
    const missing = await backendMissing(v);
    if (missing) { t.skip(missing); return; }
    const member = await createMemberUser(v.tc, 'backup-happy').then((m) => ({ token: m.token, projectId: m.projectId, userId: m.id }));
    const volumeId = await createAvailableVolume(v, member);
    let res = await v.call(member, 'POST', '/backups', { backup: { volume_id: volumeId, name: 'full' } });
    assert.equal(res.status, 202, res.text);
    const full = res.body.backup.id;
    assert.equal((await waitForStatus(v, member, `/backups/${full}`, 'backup', ['available', 'error'])).status, 'available');
    await waitForStatus(v, member, `/volumes/${volumeId}`, 'volume', ['available']);
    res = await v.call(member, 'POST', '/backups', { backup: { volume_id: volumeId, name: 'incr', incremental: true } });
    assert.equal(res.status, 202, res.text);
    const incr = res.body.backup.id;
    const shown = await waitForStatus(v, member, `/backups/${incr}`, 'backup', ['available', 'error']);
    assert.equal(shown.status, 'available');
    assert.equal(shown.is_incremental, true);
    res = await v.call(member, 'POST', `/backups/${incr}/restore`, { restore: { name: 'restored' } });
    assert.equal(res.status, 202, res.text);
    const restored = await waitForStatus(v, member, `/volumes/${res.body.restore.volume_id}`, 'volume', ['available', 'error', 'error_restoring']);
    assert.equal(restored.status, 'available');
    await waitForStatus(v, member, `/backups/${incr}`, 'backup', ['available']);
    assert.equal((await v.call(member, 'DELETE', `/backups/${full}`)).status, 400);
    assert.equal((await v.call(member, 'DELETE', `/backups/${incr}`)).status, 202);
    await waitForStatus(v, member, `/backups/${incr}`, 'backup', ['gone']);
    assert.equal((await v.call(member, 'DELETE', `/backups/${full}`)).status, 202);
    await waitForStatus(v, member, `/backups/${full}`, 'backup', ['gone']);
  });
});
