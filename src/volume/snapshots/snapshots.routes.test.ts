import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createMemberUser } from '../../../test/harness/member-user.js';
import type { SnapshotRow } from '../volume.tables.js';
import {
  backendMissing, createAvailableVolume, holdManager, insertSnapshot, insertVolume, startVolumeTestCloud, waitForStatus,
  type Caller, type HeldManager, type VolumeTestCloud,
} from './volume-test-fixtures.js';

const DETAIL_KEYS = ['created_at', 'description', 'id', 'metadata', 'name', 'os-extended-snapshot-attributes:progress',
  'os-extended-snapshot-attributes:project_id', 'size', 'status', 'updated_at', 'volume_id'];

describe('snapshots API', () => {
  let v: VolumeTestCloud;
  let member: Caller;
  let other: Caller;
  let held: HeldManager;
  before(async () => {
    v = await startVolumeTestCloud();
    held = holdManager(v);
    const m = await createMemberUser(v.tc, 'snap-member');
    member = { token: m.token, projectId: m.projectId, userId: m.id };
    const o = await createMemberUser(v.tc, 'snap-other');
    other = { token: o.token, projectId: o.projectId, userId: o.id };
  });
  after(async () => { await v?.close(); });

  test('create: a snapshot of an available volume is creating, with Cinder keys per microversion', async () => {
    const vol = await insertVolume(v, member, { size: 2 });
    const res = await v.call(member, 'POST', '/snapshots',
      { snapshot: { volume_id: vol.id, name: 's1', description: 'd', metadata: { a: 'b' } } });
    assert.equal(res.status, 202, res.text);
    const s = res.body.snapshot;
    assert.deepEqual(Object.keys(s).sort(), DETAIL_KEYS);
    assert.equal(s.status, 'creating');
    assert.deepEqual(held.calls.at(-1), ['createSnapshot', s.id]);
    assert.equal(s.size, 2);
    assert.equal(s.name, 's1');
    assert.deepEqual(s.metadata, { a: 'b' });
    assert.equal(s['os-extended-snapshot-attributes:project_id'], member.projectId);
    assert.match(s.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const newer = await v.call(member, 'GET', `/snapshots/${s.id}`, undefined, '3.41');
    assert.deepEqual(Object.keys(newer.body.snapshot).sort(), [...DETAIL_KEYS, 'group_snapshot_id', 'user_id'].sort());
    assert.equal(newer.body.snapshot.user_id, member.userId);
  });

  test('create: refusals name the problem', async () => {
    const inUse = await insertVolume(v, member, { status: 'in-use', attach_status: 'attached' });
    let res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: inUse.id } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message,
      `Invalid volume: Volume ${inUse.id} status must be available, but current status is: in-use.`);
    res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: inUse.id, force: 'True' } });
    assert.equal(res.status, 202, res.text);

    const creating = await insertVolume(v, member, { status: 'creating' });
    res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: creating.id, force: true } });
    assert.equal(res.status, 400);
    assert.match(res.body.badRequest.message, /status must be available, in-use, but current status is: creating/);

    res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: inUse.id, force: 'maybe' } });
    assert.equal(res.status, 400);
    res = await v.call(member, 'POST', '/snapshots', { volume_id: inUse.id });
    assert.equal(res.status, 400);
    assert.match(res.body.badRequest.message, /snapshot/);
    res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: 'nope' } });
    assert.equal(res.status, 400);
    const missing = randomUUID();
    res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: missing } });
    assert.equal(res.status, 404);
    assert.equal(res.body.itemNotFound.message, `Volume ${missing} could not be found.`);
    res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: inUse.id, name: 'x'.repeat(256), force: true } });
    assert.equal(res.status, 400);
    res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: inUse.id, metadata: { k: 1 }, force: true } });
    assert.equal(res.status, 400);
  });

  test('create: over the snapshots quota is 413 and leaves no row', async () => {
    const q = await createMemberUser(v.tc, 'snap-quota');
    const who = { token: q.token, projectId: q.projectId, userId: q.id };
    await v.db.insertInto('volume_quota').values({ project_id: who.projectId, resource: 'snapshots', hard_limit: 1 }).execute();
    const vol = await insertVolume(v, who);
    assert.equal((await v.call(who, 'POST', '/snapshots', { snapshot: { volume_id: vol.id } })).status, 202);
    const res = await v.call(who, 'POST', '/snapshots', { snapshot: { volume_id: vol.id } });
    assert.equal(res.status, 413, res.text);
    assert.ok(res.body.overLimit, res.text);
    const rows = await v.db.selectFrom('volume_snapshot').select('id').where('project_id', '=', who.projectId).execute();
    assert.equal(rows.length, 1);
  });

  test('list: summary and detail, filters, paging, sort, all_tenants for admins', async () => {
    const who = await createMemberUser(v.tc, 'snap-lister');
    const c = { token: who.token, projectId: who.projectId, userId: who.id };
    const vol = await insertVolume(v, c);
    const vol2 = await insertVolume(v, c);
    const made: SnapshotRow[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(await insertSnapshot(v, i < 3 ? vol : vol2, { name: `snap-${i}`, status: i === 4 ? 'error' : 'available',
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
    }
    let res = await v.call(c, 'GET', '/snapshots');
    assert.equal(res.status, 200);
    assert.equal(res.body.snapshots.length, 5);
    assert.ok(!('os-extended-snapshot-attributes:progress' in res.body.snapshots[0]));
    assert.equal(res.body.snapshots[0].name, 'snap-4', 'newest first');
    res = await v.call(c, 'GET', '/snapshots/detail');
    assert.deepEqual(Object.keys(res.body.snapshots[0]).sort(), DETAIL_KEYS);
    res = await v.call(c, 'GET', `/snapshots?volume_id=${vol2.id}`);
    assert.deepEqual(res.body.snapshots.map((s: { name: string }) => s.name), ['snap-4', 'snap-3']);
    res = await v.call(c, 'GET', '/snapshots?status=error');
    assert.deepEqual(res.body.snapshots.map((s: { name: string }) => s.name), ['snap-4']);
    res = await v.call(c, 'GET', '/snapshots?name=snap-1');
    assert.deepEqual(res.body.snapshots.map((s: { id: string }) => s.id), [made[1]!.id]);

    res = await v.call(c, 'GET', '/snapshots/detail?limit=2&sort=name:asc');
    assert.deepEqual(res.body.snapshots.map((s: { name: string }) => s.name), ['snap-0', 'snap-1']);
    const next = new URL(res.body.snapshots_links[0].href);
    assert.equal(next.searchParams.get('marker'), made[1]!.id);
    res = await v.call(c, 'GET', `/snapshots/detail${next.search}`);
    assert.deepEqual(res.body.snapshots.map((s: { name: string }) => s.name), ['snap-2', 'snap-3']);
    res = await v.call(c, 'GET', '/snapshots?sort=bogus:asc');
    assert.equal(res.status, 400);
    res = await v.call(c, 'GET', `/snapshots?marker=${randomUUID()}`);
    assert.equal(res.status, 404);
    res = await v.call(c, 'GET', '/snapshots?limit=-1');
    assert.equal(res.status, 400);

    // Someone else's project sees none; all_tenants is ignored for members, honoured for admins.
    res = await v.call(other, 'GET', '/snapshots?all_tenants=1');
    assert.ok(!res.body.snapshots.some((s: { id: string }) => made.some((m) => m.id === s.id)));
    res = await v.call(v.admin, 'GET', '/snapshots?all_tenants=1');
    assert.ok(made.every((m) => res.body.snapshots.some((s: { id: string }) => s.id === m.id)));
    res = await v.call(v.admin, 'GET', `/snapshots?project_id=${c.projectId}`);
    assert.equal(res.body.snapshots.length, 5);
  });

  test('show/update: another project gets 404; name, description and display_* update', async () => {
    const vol = await insertVolume(v, member);
    const snap = await insertSnapshot(v, vol);
    let res = await v.call(other, 'GET', `/snapshots/${snap.id}`);
    assert.equal(res.status, 404);
    assert.equal(res.body.itemNotFound.message, `Snapshot ${snap.id} could not be found.`);
    assert.equal((await v.call(other, 'PUT', `/snapshots/${snap.id}`, { snapshot: { name: 'x' } })).status, 404);
    assert.equal((await v.call(other, 'DELETE', `/snapshots/${snap.id}`)).status, 404);
    assert.equal((await v.call(other, 'GET', `/snapshots/${snap.id}/metadata`)).status, 404);
    res = await v.call(member, 'PUT', `/snapshots/${snap.id}`, { snapshot: { name: 'renamed', description: 'why' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.snapshot.name, 'renamed');
    res = await v.call(member, 'PUT', `/snapshots/${snap.id}`, { snapshot: { display_name: 'legacy', display_description: null } });
    assert.equal(res.body.snapshot.name, 'legacy');
    assert.equal(res.body.snapshot.description, null);
    res = await v.call(member, 'GET', `/snapshots/${snap.id}`);
    assert.equal(res.body.snapshot.name, 'legacy');
    assert.equal((await v.call(member, 'PUT', `/snapshots/${snap.id}`, { snapshot: {} })).status, 400);
    assert.equal((await v.call(v.admin, 'GET', `/snapshots/${snap.id}`)).status, 200, 'admins see every project');
  });

  test('metadata: show, merge, replace, one key', async () => {
    const vol = await insertVolume(v, member);
    const snap = await insertSnapshot(v, vol);
    const base = `/snapshots/${snap.id}/metadata`;
    let res = await v.call(member, 'POST', base, { metadata: { a: '1', b: '2' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.metadata, { a: '1', b: '2' });
    res = await v.call(member, 'POST', base, { metadata: { b: '3' } });
    assert.deepEqual(res.body.metadata, { a: '1', b: '3' });
    res = await v.call(member, 'PUT', base, { metadata: { c: '4' } });
    assert.deepEqual(res.body.metadata, { c: '4' });
    res = await v.call(member, 'GET', base);
    assert.deepEqual(res.body.metadata, { c: '4' });
    res = await v.call(member, 'GET', `${base}/c`);
    assert.deepEqual(res.body, { meta: { c: '4' } });
    res = await v.call(member, 'PUT', `${base}/d`, { meta: { d: '5' } });
    assert.deepEqual(res.body, { meta: { d: '5' } });
    assert.equal((await v.call(member, 'PUT', `${base}/d`, { meta: { e: '5' } })).status, 400);
    assert.equal((await v.call(member, 'PUT', `${base}/d`, { meta: { d: '5', e: '6' } })).status, 400);
    assert.equal((await v.call(member, 'DELETE', `${base}/d`)).status, 200);
    res = await v.call(member, 'GET', `${base}/d`);
    assert.equal(res.status, 404);
    assert.equal((await v.call(member, 'DELETE', `${base}/d`)).status, 404);
    assert.equal((await v.call(member, 'POST', base, { metadata: 'x' })).status, 400);
    assert.equal((await v.call(member, 'POST', base, {})).status, 400);
  });

  test('delete: available or error only; not while a volume is being created from it', async () => {
    const vol = await insertVolume(v, member);
    const creating = await insertSnapshot(v, vol, { status: 'creating' });
    let res = await v.call(member, 'DELETE', `/snapshots/${creating.id}`);
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, 'Invalid snapshot: Snapshot status must be available or error and must not be part of a group.');

    const source = await insertSnapshot(v, vol);
    await insertVolume(v, member, { status: 'creating', snapshot_id: source.id });
    res = await v.call(member, 'DELETE', `/snapshots/${source.id}`);
    assert.equal(res.status, 400);
    assert.match(res.body.badRequest.message, /^Invalid snapshot: .*being created from it/);

    const errored = await insertSnapshot(v, vol, { status: 'error' });
    res = await v.call(member, 'DELETE', `/snapshots/${errored.id}`);
    assert.equal(res.status, 202, res.text);
    const after = await v.db.selectFrom('volume_snapshot').select('status').where('id', '=', errored.id).executeTakeFirst();
    assert.ok(after === undefined || after.status === 'deleting' || after.status === 'error_deleting', JSON.stringify(after));
    assert.equal((await v.call(member, 'DELETE', `/snapshots/${randomUUID()}`)).status, 404);
  });

  test('actions: reset status and force delete are for admins', async () => {
    const vol = await insertVolume(v, member);
    const snap = await insertSnapshot(v, vol, { status: 'creating' });
    const action = `/snapshots/${snap.id}/action`;
    let res = await v.call(member, 'POST', action, { 'os-reset_status': { status: 'error' } });
    assert.equal(res.status, 403);
    res = await v.call(v.admin, 'POST', action, { 'os-reset_status': { status: 'bogus' } });
    assert.equal(res.status, 400);
    res = await v.call(v.admin, 'POST', action, { 'os-reset_status': { status: 'error' } });
    assert.equal(res.status, 202, res.text);
    assert.equal((await v.call(member, 'GET', `/snapshots/${snap.id}`)).body.snapshot.status, 'error');
    assert.equal((await v.call(member, 'POST', action, { 'os-force_delete': {} })).status, 403);
    const stuck = await insertSnapshot(v, vol, { status: 'creating' });
    res = await v.call(v.admin, 'POST', `/snapshots/${stuck.id}/action`, { 'os-force_delete': {} });
    assert.equal(res.status, 202, res.text);
    assert.equal((await v.call(v.admin, 'POST', action, { 'os-bogus': {} })).status, 400);
  });

  test('happy path: snapshot an available volume on the file backend, then delete it', async (t) => {
    held.release();
    const missing = await backendMissing(v);
    if (missing) { t.skip(missing); return; }
    const member = await createMemberUser(v.tc, 'snap-happy').then((m) => ({ token: m.token, projectId: m.projectId, userId: m.id }));
    const volumeId = await createAvailableVolume(v, member);
    const res = await v.call(member, 'POST', '/snapshots', { snapshot: { volume_id: volumeId, name: 'real' } });
    assert.equal(res.status, 202, res.text);
    const id = res.body.snapshot.id;
    const snap = await waitForStatus(v, member, `/snapshots/${id}`, 'snapshot', ['available', 'error']);
    assert.equal(snap.status, 'available');
    assert.equal(snap['os-extended-snapshot-attributes:progress'], '100%');
    assert.equal((await v.call(member, 'DELETE', `/snapshots/${id}`)).status, 202);
    await waitForStatus(v, member, `/snapshots/${id}`, 'snapshot', ['gone']);
  });
});
