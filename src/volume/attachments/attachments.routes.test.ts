// The Cinder attachments API (3.27+): the reserve → update (connector) → complete → delete flow
// with the volume's status at each step, the views' exact keys, the version gate, visibility for
// another project, the file backend refusing a guest on another host, bad input, and two racing
// reserves of one volume (exactly one wins).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { VolumeDb } from '../volume.tables.js';
import { insertVolume, startFakeStorage, type FakeStorage } from './attachment.fixture.js';

const V = (v: string) => ({ 'openstack-api-version': `volume ${v}` });
const DETAIL_KEYS = ['attach_mode', 'attached_at', 'connection_info', 'detached_at', 'id', 'instance', 'status', 'volume_id'];
const SUMMARY_KEYS = ['id', 'instance', 'status', 'volume_id'];

function cinderError(res: TestResponse, status: number): string {
  assert.equal(res.status, status, res.text);
  const [key] = Object.keys(res.body);
  assert.equal(res.body[key!].code, status);
  return res.body[key!].message as string;
}

describe('attachments API', () => {
  let t: TestCloud;
  let admin: string;
  let project: string;
  let userId: string;
  let db: VolumeDb;
  let storage: FakeStorage;
  let stranger: MemberUser;
  const url = (p = '') => `/volume/v3/${project}/attachments${p}`;
  const volume = async (id: string) => db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const post = (body: unknown, v = '3.44', token = admin) => t.request('POST', url(), { token, body, headers: V(v) });

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    project = await t.adminProjectId();
    db = t.cloud.volume.ctx.deps.db;
    userId = t.cloud.bootstrap.adminUserId;
    storage = await startFakeStorage(t.cloud.platform.bus);
    stranger = await createMemberUser(t, 'nb-att-stranger');
  });
  after(async () => { await storage?.stop(); await t?.close(); });

  it('is a 404 below 3.27', async () => {
    const v = await insertVolume(db, project, userId);
    const res = await post({ attachment: { volume_uuid: v.id, instance_uuid: randomUUID() } }, '3.26');
    cinderError(res, 404);
    cinderError(await t.request('GET', url(), { token: admin, headers: V('3.0') }), 404);
  });

  it('reserves, connects, completes and deletes, moving the volume along', async () => {
    const v = await insertVolume(db, project, userId);
    const server = randomUUID();
    const created = await post({ attachment: { volume_uuid: v.id, instance_uuid: server } });
    assert.equal(created.status, 200, created.text);
    const a = created.body.attachment;
    assert.deepEqual(Object.keys(a).sort(), DETAIL_KEYS);
    assert.equal(a.status, 'reserved');
    assert.equal(a.instance, server);
    assert.equal(a.volume_id, v.id);
    assert.equal(a.attach_mode, 'rw');
    assert.deepEqual(a.connection_info, {});
    assert.equal(a.attached_at, '');
    assert.equal((await volume(v.id)).status, 'reserved');

    const upd = await t.request('PUT', url(`/${a.id}`), { token: admin, headers: V('3.44'),
      body: { attachment: { connector: { host: 'nb-compute-1', initiator: 'iqn.x', ip: '10.0.0.1', platform: 'x86_64', os_type: 'linux', multipath: false } } } });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.body.attachment.status, 'attaching');
    assert.equal(upd.body.attachment.connection_info.driver_volume_type, 'file');
    assert.equal(upd.body.attachment.connection_info.data.host, 'nb-compute-1');
    assert.equal(upd.body.attachment.connection_info.data.access_mode, 'rw');
    assert.equal((await volume(v.id)).status, 'attaching');
    assert.deepEqual(storage.calls.filter((c) => c.id === v.id).map((c) => c.method), ['initializeConnection']);

    const done = await t.request('POST', url(`/${a.id}/action`), { token: admin, headers: V('3.44'), body: { 'os-complete': null } });
    assert.equal(done.status, 204, done.text);
    const inUse = await volume(v.id);
    assert.equal(inUse.status, 'in-use');
    assert.equal(inUse.attach_status, 'attached');
    const shown = await t.request('GET', url(`/${a.id}`), { token: admin, headers: V('3.44') });
    assert.equal(shown.body.attachment.status, 'attached');
    assert.match(shown.body.attachment.attached_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const mode = await db.selectFrom('volume_admin_metadata').select('value').where('volume_id', '=', v.id).where('key', '=', 'attached_mode').executeTakeFirst();
    assert.equal(mode?.value, 'rw');

    const list = await t.request('GET', url(`?volume_id=${v.id}`), { token: admin, headers: V('3.44') });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.attachments.length, 1);
    assert.deepEqual(Object.keys(list.body.attachments[0]).sort(), SUMMARY_KEYS);
    const detail = await t.request('GET', url(`/detail?instance_id=${server}`), { token: admin, headers: V('3.44') });
    assert.deepEqual(detail.body.attachments.map((x: { id: string }) => x.id), [a.id]);
    assert.deepEqual(Object.keys(detail.body.attachments[0]).sort(), DETAIL_KEYS);

    const del = await t.request('DELETE', url(`/${a.id}`), { token: admin, headers: V('3.44') });
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.body, { attachments: [] });
    const freed = await volume(v.id);
    assert.equal(freed.status, 'available');
    assert.equal(freed.attach_status, 'detached');
    assert.deepEqual(storage.calls.filter((c) => c.id === v.id).map((c) => c.method), ['initializeConnection', 'terminateConnection']);
    cinderError(await t.request('GET', url(`/${a.id}`), { token: admin, headers: V('3.44') }), 404);
  });

  it('connects at create when a connector is given, and honours mode (3.54)', async () => {
    const v = await insertVolume(db, project, userId);
    const res = await post({ attachment: { volume_uuid: v.id, instance_uuid: randomUUID(), connector: { host: 'nb-h2' }, mode: 'ro' } }, '3.54');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.attachment.status, 'attaching');
    assert.equal(res.body.attachment.attach_mode, 'ro');
    assert.equal(res.body.attachment.connection_info.data.access_mode, 'ro');
    // mode is unknown before 3.54.
    const v2 = await insertVolume(db, project, userId);
    cinderError(await post({ attachment: { volume_uuid: v2.id, instance_uuid: randomUUID(), mode: 'ro' } }, '3.53'), 400);
    assert.equal((await volume(v2.id)).status, 'available');
  });

  it('refuses a guest on another host than the file volume, leaving the attachment reserved', async () => {
    const v = await insertVolume(db, project, userId);
    const a = (await post({ attachment: { volume_uuid: v.id, instance_uuid: randomUUID() } })).body.attachment;
    storage.fileHost = 'nb-storage-host';
    try {
      const res = await t.request('PUT', url(`/${a.id}`), { token: admin, headers: V('3.44'), body: { attachment: { connector: { host: 'nb-other' } } } });
      const msg = cinderError(res, 400);
      assert.match(msg, /on host nb-storage-host and cannot be attached to a guest on host nb-other: the file backend serves only its own host/);
    } finally {
      storage.fileHost = null;
    }
    const shown = await t.request('GET', url(`/${a.id}`), { token: admin, headers: V('3.44') });
    assert.equal(shown.body.attachment.status, 'reserved');
    assert.equal((await volume(v.id)).status, 'reserved');
  });

  it('lets exactly one of two racing reserves of a volume win', async () => {
    const v = await insertVolume(db, project, userId);
    const results = await Promise.all([1, 2].map(() => post({ attachment: { volume_uuid: v.id, instance_uuid: randomUUID() } })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400], results.map((r) => r.text).join('\n'));
    const loser = results.find((r) => r.status === 400)!;
    assert.match(cinderError(loser, 400), /^Invalid volume: Volume .* status must be available to reserve, but the current status is reserved\.$/);
    const rows = await db.selectFrom('volume_attachment').select('id').where('volume_id', '=', v.id).execute();
    assert.equal(rows.length, 1);
  });

  it('lets a multiattach volume be reserved by two servers', async () => {
    const v = await insertVolume(db, project, userId, { multiattach: 1 });
    const results = await Promise.all([1, 2].map(() => post({ attachment: { volume_uuid: v.id, instance_uuid: randomUUID() } })));
    assert.deepEqual(results.map((r) => r.status), [200, 200], results.map((r) => r.text).join('\n'));
    const first = results[0]!.body.attachment.id;
    const left = await t.request('DELETE', url(`/${first}`), { token: admin, headers: V('3.44') });
    assert.equal(left.body.attachments.length, 1);
    assert.equal((await volume(v.id)).status, 'reserved');
  });

  it('hides another project\'s attachments and volumes (404)', async () => {
    const v = await insertVolume(db, project, userId);
    const a = (await post({ attachment: { volume_uuid: v.id, instance_uuid: randomUUID() } })).body.attachment;
    const theirs = `/volume/v3/${stranger.projectId}/attachments`;
    cinderError(await t.request('GET', `${theirs}/${a.id}`, { token: stranger.token, headers: V('3.44') }), 404);
    const list = await t.request('GET', theirs, { token: stranger.token, headers: V('3.44') });
    assert.deepEqual(list.body.attachments, []);
    const res = await t.request('POST', theirs, { token: stranger.token, headers: V('3.44'), body: { attachment: { volume_uuid: v.id, instance_uuid: randomUUID() } } });
    assert.match(cinderError(res, 404), new RegExp(`Volume ${v.id} could not be found`));
    cinderError(await t.request('DELETE', `${theirs}/${a.id}`, { token: stranger.token, headers: V('3.44') }), 404);
  });

  it('refuses bad input with 400s', async () => {
    const v = await insertVolume(db, project, userId);
    cinderError(await post({}), 400);
    cinderError(await post({ attachment: { volume_uuid: 'nope' } }), 400);
    cinderError(await post({ attachment: { volume_uuid: v.id, instance_uuid: 'x' } }), 400);
    cinderError(await post({ attachment: { volume_uuid: v.id, bogus: 1 } }), 400);
    cinderError(await post({ attachment: { volume_uuid: v.id, connector: { ip: '1.2.3.4' } } }), 400);
    assert.match(cinderError(await post({ attachment: { volume_uuid: randomUUID() } }), 404), /could not be found/);
    const a = (await post({ attachment: { volume_uuid: v.id, instance_uuid: randomUUID() } })).body.attachment;
    cinderError(await t.request('PUT', url(`/${a.id}`), { token: admin, headers: V('3.44'), body: { attachment: {} } }), 400);
    cinderError(await t.request('POST', url(`/${a.id}/action`), { token: admin, headers: V('3.44'), body: { 'os-nothing': null } }), 400);
    cinderError(await t.request('POST', url(`/${a.id}/action`), { token: admin, headers: V('3.43'), body: { 'os-complete': null } }), 404);
    cinderError(await t.request('GET', url('?sort=bogus:asc'), { token: admin, headers: V('3.44') }), 400);
    const err = await insertVolume(db, project, userId, { status: 'error' });
    assert.match(cinderError(await post({ attachment: { volume_uuid: err.id } }), 400), /error state/);
  });
});
