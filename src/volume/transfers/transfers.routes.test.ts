import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createMemberUser } from '../../../test/harness/member-user.js';
import {
  backendMissing, createAvailableVolume, insertSnapshot, insertVolume, startVolumeTestCloud, waitForStatus,
  type Caller, type VolumeTestCloud,
} from '../snapshots/volume-test-fixtures.js';

describe('volume transfers API', () => {
  let v: VolumeTestCloud;
  let giver: Caller;
  let taker: Caller;
  const fresh = async (name: string): Promise<Caller> => {
    const m = await createMemberUser(v.tc, name);
    return { token: m.token, projectId: m.projectId, userId: m.id };
  };
  const volumeRow = (id: string) => v.db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  before(async () => {
    v = await startVolumeTestCloud();
    giver = await fresh('xfer-giver');
    taker = await fresh('xfer-taker');
  });
  after(async () => { await v?.close(); });

  test('create: 202 with a 16-hex auth key shown once and stored hashed; the volume awaits the transfer', async () => {
    const vol = await insertVolume(v, giver);
    const res = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id, name: 'gift' } });
    assert.equal(res.status, 202, res.text);
    const t = res.body.transfer;
    assert.deepEqual(Object.keys(t).sort(), ['auth_key', 'created_at', 'id', 'links', 'name', 'volume_id']);
    assert.match(t.auth_key, /^[0-9a-f]{16}$/);
    assert.equal(t.name, 'gift');
    assert.match(t.links[0].href, new RegExp(`/volume/v3/${giver.projectId}/os-volume-transfer/${t.id}$`));
    assert.equal((await volumeRow(vol.id)).status, 'awaiting-transfer');
    const stored = await v.db.selectFrom('volume_transfer').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
    assert.ok(!stored.crypt_hash.includes(t.auth_key) && stored.salt !== '' && !stored.salt.includes(t.auth_key));
    const shown = await v.call(giver, 'GET', `/os-volume-transfer/${t.id}`);
    assert.deepEqual(Object.keys(shown.body.transfer).sort(), ['created_at', 'id', 'links', 'name', 'volume_id']);
    const again = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id } });
    assert.equal(again.status, 400);
    assert.equal(again.body.badRequest.message, 'Invalid volume: status must be available');
  });

  test('create: refusals and microversions', async () => {
    const inUse = await insertVolume(v, giver, { status: 'in-use' });
    let res = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: inUse.id } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, 'Invalid volume: status must be available');
    const vol = await insertVolume(v, giver);
    res = await v.call(taker, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id } });
    assert.equal(res.status, 404, 'another project\'s volume');
    const snap = await insertSnapshot(v, vol, { status: 'creating' });
    res = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, `Invalid snapshot: snapshot: ${snap.id} status must be available`);
    assert.equal((await volumeRow(vol.id)).status, 'available');
    res = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id, no_snapshots: true } });
    assert.equal(res.status, 400, 'no_snapshots needs 3.55');
    res = await v.call(giver, 'POST', '/volume-transfers', { transfer: { volume_id: vol.id, no_snapshots: true } });
    assert.equal(res.status, 404, '/volume-transfers needs 3.55');
    res = await v.call(giver, 'POST', '/volume-transfers', { transfer: { volume_id: vol.id, no_snapshots: true } }, '3.57');
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.transfer.no_snapshots, true);
    assert.equal(res.body.transfer.accepted, false);
    assert.equal(res.body.transfer.source_project_id, giver.projectId);
    for (const bad of [{}, { volume_id: 'nope' }, { volume_id: randomUUID(), name: 5 }]) {
      res = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    res = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: randomUUID() } });
    assert.equal(res.status, 404);
  });

  test('list, detail, show and delete: the giving project only (admins with all_tenants)', async () => {
    const who = await fresh('xfer-lister');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const vol = await insertVolume(v, who);
      const res = await v.call(who, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id, name: `t-${i}` } });
      ids.push(res.body.transfer.id);
    }
    let res = await v.call(who, 'GET', '/os-volume-transfer');
    assert.equal(res.body.transfers.length, 3);
    assert.deepEqual(Object.keys(res.body.transfers[0]).sort(), ['id', 'links', 'name', 'volume_id']);
    res = await v.call(who, 'GET', '/os-volume-transfer/detail?sort=name:asc&limit=2', undefined, '3.59');
    assert.deepEqual(res.body.transfers.map((t: { name: string }) => t.name), ['t-0', 't-1']);
    assert.ok(res.body.transfers_links[0].href.includes(`marker=${ids[1]}`));
    assert.ok(!('auth_key' in res.body.transfers[0]));
    res = await v.call(taker, 'GET', '/os-volume-transfer');
    assert.ok(!res.body.transfers.some((t: { id: string }) => ids.includes(t.id)));
    assert.equal((await v.call(taker, 'GET', `/os-volume-transfer/${ids[0]}`)).status, 404);
    assert.equal((await v.call(taker, 'DELETE', `/os-volume-transfer/${ids[0]}`)).status, 404);
    res = await v.call(v.admin, 'GET', '/os-volume-transfer?all_tenants=1');
    assert.ok(ids.every((id) => res.body.transfers.some((t: { id: string }) => t.id === id)));

    const row = await v.db.selectFrom('volume_transfer').select('volume_id').where('id', '=', ids[0]!).executeTakeFirstOrThrow();
    res = await v.call(who, 'DELETE', `/os-volume-transfer/${ids[0]}`);
    assert.equal(res.status, 202, res.text);
    assert.equal((await volumeRow(row.volume_id)).status, 'available');
    assert.equal((await v.call(who, 'GET', `/os-volume-transfer/${ids[0]}`)).status, 404);
    assert.equal((await v.call(who, 'DELETE', `/os-volume-transfer/${ids[0]}`)).status, 404);
    assert.equal((await v.call(who, 'GET', `/volume-transfers/${ids[1]}`, undefined, '3.55')).status, 200);
  });

  test('accept: a wrong key is refused; the right one moves the volume and its snapshots to the taker', async () => {
    const vol = await insertVolume(v, giver, { size: 2 });
    const snap = await insertSnapshot(v, vol);
    const made = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id, name: 'move' } });
    const { id, auth_key: key } = made.body.transfer;
    let res = await v.call(taker, 'POST', `/os-volume-transfer/${id}/accept`, { accept: { auth_key: 'deadbeefdeadbeef' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, `Invalid auth key: Attempt to transfer ${id} with invalid auth key.`);
    assert.equal((await v.call(taker, 'POST', `/os-volume-transfer/${id}/accept`, { accept: {} })).status, 400);
    assert.equal((await v.call(taker, 'POST', `/os-volume-transfer/${randomUUID()}/accept`, { accept: { auth_key: key } })).status, 404);

    res = await v.call(taker, 'POST', `/os-volume-transfer/${id}/accept`, { accept: { auth_key: key } });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(Object.keys(res.body.transfer).sort(), ['id', 'links', 'name', 'volume_id']);
    assert.equal(res.body.transfer.volume_id, vol.id);
    const moved = await volumeRow(vol.id);
    assert.equal(moved.project_id, taker.projectId);
    assert.equal(moved.user_id, taker.userId);
    assert.equal(moved.status, 'available');
    const s = await v.db.selectFrom('volume_snapshot').selectAll().where('id', '=', snap.id).executeTakeFirstOrThrow();
    assert.equal(s.project_id, taker.projectId);
    assert.equal((await v.call(taker, 'GET', `/snapshots/${snap.id}`)).status, 200);
    assert.equal((await v.call(giver, 'GET', `/snapshots/${snap.id}`)).status, 404);
    assert.equal((await v.call(giver, 'GET', `/os-volume-transfer/${id}`)).status, 404, 'the transfer is gone');
    assert.equal((await v.call(taker, 'POST', `/os-volume-transfer/${id}/accept`, { accept: { auth_key: key } })).status, 404);
  });

  test('accept: no_snapshots leaves the snapshots behind; the taker\'s quota applies', async () => {
    const vol = await insertVolume(v, giver);
    const snap = await insertSnapshot(v, vol);
    const made = await v.call(giver, 'POST', '/volume-transfers', { transfer: { volume_id: vol.id, no_snapshots: 'true' } }, '3.55');
    assert.equal(made.status, 202, made.text);
    let res = await v.call(taker, 'POST', `/volume-transfers/${made.body.transfer.id}/accept`, { accept: { auth_key: made.body.transfer.auth_key } }, '3.55');
    assert.equal(res.status, 202, res.text);
    assert.equal((await volumeRow(vol.id)).project_id, taker.projectId);
    const s = await v.db.selectFrom('volume_snapshot').select('project_id').where('id', '=', snap.id).executeTakeFirstOrThrow();
    assert.equal(s.project_id, giver.projectId);

    const full = await fresh('xfer-full');
    await v.db.insertInto('volume_quota').values({ project_id: full.projectId, resource: 'volumes', hard_limit: 0 }).execute();
    const vol2 = await insertVolume(v, giver);
    const offer = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol2.id } });
    res = await v.call(full, 'POST', `/os-volume-transfer/${offer.body.transfer.id}/accept`, { accept: { auth_key: offer.body.transfer.auth_key } });
    assert.equal(res.status, 413, res.text);
    const after = await volumeRow(vol2.id);
    assert.equal(after.project_id, giver.projectId);
    assert.equal(after.status, 'awaiting-transfer', 'the refused accept changed nothing');
    assert.equal((await v.call(giver, 'GET', `/os-volume-transfer/${offer.body.transfer.id}`)).status, 200);
  });

  test('racing accepts: exactly one wins', async () => {
    const vol = await insertVolume(v, giver);
    const made = await v.call(giver, 'POST', '/os-volume-transfer', { transfer: { volume_id: vol.id } });
    const { id, auth_key: key } = made.body.transfer;
    const second = await fresh('xfer-racer');
    const results = await Promise.all([taker, second, taker, second].map((c) =>
      v.call(c, 'POST', `/os-volume-transfer/${id}/accept`, { accept: { auth_key: key } })));
    const won = results.filter((r) => r.status === 202);
    assert.equal(won.length, 1, results.map((r) => `${r.status} ${r.text}`).join('\n'));
    assert.ok(results.every((r) => [202, 404, 400].includes(r.status)));
  });

  test('happy path: a real volume changes hands and its new owner deletes it', async (t) => {
    const missing = await backendMissing(v);
    if (missing) { t.skip(missing); return; }
    const from = await fresh('xfer-real-from');
    const to = await fresh('xfer-real-to');
    const volumeId = await createAvailableVolume(v, from);
    const made = await v.call(from, 'POST', '/os-volume-transfer', { transfer: { volume_id: volumeId } });
    assert.equal(made.status, 202, made.text);
    const res = await v.call(to, 'POST', `/os-volume-transfer/${made.body.transfer.id}/accept`, { accept: { auth_key: made.body.transfer.auth_key } });
    assert.equal(res.status, 202, res.text);
    const shown = await v.call(to, 'GET', `/volumes/${volumeId}`);
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.volume.status, 'available');
    assert.equal((await v.call(from, 'GET', `/volumes/${volumeId}`)).status, 404);
    assert.equal((await v.call(to, 'DELETE', `/volumes/${volumeId}`)).status, 202);
    await waitForStatus(v, to, `/volumes/${volumeId}`, 'volume', ['gone']);
  });
});
