// The API's half of the actions that start manager work (extend, force delete, revert, upload to
// image): checks, the claimed status, the manager call it makes, and races between requests. The
// manager's calls are recorded here; volume-actions.e2e.test.ts runs the same with the real one.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { recordManager, startActionCloud, type ActionCloud, type ManagerCall } from './action-test-kit.js';

describe('volume actions that start workflows (API half)', () => {
  let c: ActionCloud;
  let calls: ManagerCall[];
  before(async () => { c = await startActionCloud(); calls = recordManager(c.ctx); });
  after(async () => { await c?.close(); });

  const msg = (res: { body: Record<string, { message: string }> }) => Object.values(res.body)[0]!.message;
  const callsFor = (id: string) => calls.filter((call) => call[1] === id);

  it('os-extend claims an available volume and asks the manager to grow it', async () => {
    const v = await c.volume(c.admin.projectId);
    const res = await c.act(v.id, { 'os-extend': { new_size: '3' } });
    assert.equal(res.status, 202);
    assert.equal(res.text, '');
    assert.equal((await c.row(v.id))?.status, 'extending');
    assert.deepEqual(callsFor(v.id), [['extendVolume', v.id, 3, 'available']]);
  });

  it('os-extend refusals: not larger, bad sizes, wrong status, in-use before 3.42', async () => {
    const v = await c.volume(c.admin.projectId, { size: 2 });
    let res = await c.act(v.id, { 'os-extend': { new_size: 2 } });
    assert.equal(res.status, 400);
    assert.equal(msg(res), 'Invalid input received: New size for extend must be greater than current size. (current: 2, extended: 2).');
    for (const bad of [{ new_size: 'x' }, { new_size: 0 }, { new_size: 2.5 }, {}, { new_size: 3, size: 3 }]) {
      res = await c.act(v.id, { 'os-extend': bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    const used = await c.volume(c.admin.projectId, { status: 'in-use', attach_status: 'attached' });
    res = await c.act(used.id, { 'os-extend': { new_size: 2 } }, { version: '3.41' });
    assert.equal(res.status, 400);
    assert.equal(msg(res), 'Invalid volume: Volume status must be available to extend, but current status is: in-use.');
    const broken = await c.volume(c.admin.projectId, { status: 'error' });
    res = await c.act(broken.id, { 'os-extend': { new_size: 2 } }, { version: '3.42' });
    assert.equal(res.status, 400);
    assert.equal(callsFor(v.id).length + callsFor(used.id).length + callsFor(broken.id).length, 0);
    assert.equal((await c.row(used.id))?.status, 'in-use');
  });

  it('os-extend of an in-use volume at 3.42 keeps in-use as the status to return to', async () => {
    const v = await c.volume(c.admin.projectId, { status: 'in-use', attach_status: 'attached' });
    const res = await c.act(v.id, { 'os-extend': { new_size: 2 } }, { version: '3.42' });
    assert.equal(res.status, 202);
    assert.deepEqual(callsFor(v.id), [['extendVolume', v.id, 2, 'in-use']]);
  });

  it('os-extend past the gigabytes quota is a 413 and leaves the volume as it was', async () => {
    const projectId = c.member.projectId;
    await c.ctx.deps.db.insertInto('volume_quota').values({ project_id: projectId, resource: 'gigabytes', hard_limit: 4 }).execute();
    const v = await c.volume(projectId, { size: 2 });
    const res = await c.act(v.id, { 'os-extend': { new_size: 5 } }, { who: { token: c.member.token, projectId } });
    assert.equal(res.status, 413);
    assert.match(msg(res), /gigabytes quota/);
    assert.equal((await c.row(v.id))?.status, 'available');
    assert.equal(callsFor(v.id).length, 0);
  });

  it('racing extends: exactly one 202, the others 400', async () => {
    const v = await c.volume(c.admin.projectId);
    const results = await Promise.all([2, 3, 4, 5, 6].map((n) => c.act(v.id, { 'os-extend': { new_size: n } })));
    assert.deepEqual(results.map((r) => r.status).sort(), [202, 400, 400, 400, 400]);
    for (const lost of results.filter((r) => r.status === 400)) {
      assert.equal(msg(lost), 'Invalid volume: Volume status must be available to extend, but current status is: extending.');
    }
    assert.equal(callsFor(v.id).length, 1);
  });

  it('os-force_delete deletes from any status but deleting; not attached ones or ones with snapshots', async () => {
    const v = await c.volume(c.admin.projectId, { status: 'error_deleting' });
    let res = await c.act(v.id, { 'os-force_delete': {} });
    assert.equal(res.status, 202);
    assert.equal((await c.row(v.id))?.status, 'deleting');
    assert.deepEqual(callsFor(v.id), [['deleteVolume', v.id, false]]);
    res = await c.act(v.id, { 'os-force_delete': null });
    assert.equal(res.status, 400);
    assert.match(msg(res), /^Invalid volume: Volume status must be creating, available, .* or reverting to be force deleted, but current status is: deleting\.$/);
    const used = await c.volume(c.admin.projectId, { status: 'in-use', attach_status: 'attached' });
    res = await c.act(used.id, { 'os-force_delete': {} });
    assert.equal(res.status, 400);
    assert.match(msg(res), /^Invalid volume: Volume must not be migrating, attached/);
    const snapped = await c.volume(c.admin.projectId);
    await c.snapshot(snapped);
    res = await c.act(snapped.id, { 'os-force_delete': {} });
    assert.equal(res.status, 400);
    assert.equal((await c.row(snapped.id))?.status, 'available');
  });

  it('revert (3.40): latest snapshot only, same size, both available; claims both', async () => {
    const v = await c.volume(c.admin.projectId, { size: 2 });
    let res = await c.act(v.id, { revert: { snapshot_id: randomUUID() } }, { version: '3.40' });
    assert.equal(res.status, 400);
    assert.equal(msg(res), `Volume ${v.id} doesn't have any snapshots.`);
    const older = await c.snapshot(v);
    const latest = await c.snapshot(v);
    res = await c.act(v.id, { revert: { snapshot_id: older.id } }, { version: '3.40' });
    assert.equal(res.status, 400);
    assert.equal(msg(res), `Specified snapshot ${older.id} is None or not the latest one of volume ${v.id}.`);
    await c.ctx.deps.db.updateTable('volume').set({ status: 'in-use' }).where('id', '=', v.id).execute();
    res = await c.act(v.id, { revert: { snapshot_id: latest.id } }, { version: '3.40' });
    assert.equal(res.status, 409);
    assert.equal(msg(res), `Invalid volume: Can't revert volume ${v.id} to its latest snapshot ${latest.id}. Volume's status must be 'available'.`);
    await c.ctx.deps.db.updateTable('volume').set({ status: 'available' }).where('id', '=', v.id).execute();
    await c.ctx.deps.db.updateTable('volume_snapshot').set({ status: 'error' }).where('id', '=', latest.id).execute();
    res = await c.act(v.id, { revert: { snapshot_id: latest.id } }, { version: '3.40' });
    assert.equal(res.status, 409);
    assert.equal((await c.row(v.id))?.status, 'available', 'the volume claim is rolled back with the snapshot refusal');
    await c.ctx.deps.db.updateTable('volume_snapshot').set({ status: 'available' }).where('id', '=', latest.id).execute();
    res = await c.act(v.id, { revert: { snapshot_id: latest.id } }, { version: '3.40' });
    assert.equal(res.status, 202);
    assert.equal((await c.row(v.id))?.status, 'reverting');
    const snap = await c.ctx.deps.db.selectFrom('volume_snapshot').select('status').where('id', '=', latest.id).executeTakeFirst();
    assert.equal(snap?.status, 'restoring');
    assert.deepEqual(callsFor(v.id), [['revertToSnapshot', v.id, latest.id]]);
    const grown = await c.volume(c.admin.projectId, { size: 3 });
    const small = await c.snapshot(grown, { size: 2 });
    res = await c.act(grown.id, { revert: { snapshot_id: small.id } }, { version: '3.40' });
    assert.equal(res.status, 400);
    assert.match(msg(res), /The volume size must be equal to the snapshot size\.$/);
  });
});
