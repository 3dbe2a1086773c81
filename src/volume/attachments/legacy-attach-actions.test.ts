// The legacy attach actions of POST /volumes/{id}/action, the flow older consumers follow:
// os-reserve → os-initialize_connection → os-attach, then os-begin_detaching (and its roll back) →
// os-terminate_connection → os-detach; os-unreserve; os-force_detach for admins only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { VolumeDb } from '../volume.tables.js';
import { insertVolume, startFakeStorage, type FakeStorage } from './attachment.fixture.js';

describe('legacy attach actions', () => {
  let t: TestCloud;
  let db: VolumeDb;
  let storage: FakeStorage;
  let member: MemberUser;
  const act = (id: string, body: unknown, token = member.token) =>
    t.request('POST', `/volume/v3/${member.projectId}/volumes/${id}/action`, { token, body });
  const status = async (id: string) => (await db.selectFrom('volume').select(['status', 'attach_status']).where('id', '=', id).executeTakeFirstOrThrow());

  before(async () => {
    t = await startTestCloud();
    db = t.cloud.volume.ctx.deps.db;
    storage = await startFakeStorage(t.cloud.platform.bus);
    member = await createMemberUser(t, 'nb-legacy-member');
  });
  after(async () => { await storage?.stop(); await t?.close(); });

  it('attaches and detaches step by step', async () => {
    const v = await insertVolume(db, member.projectId, member.id);
    assert.equal((await act(v.id, { 'os-reserve': null })).status, 202);
    assert.equal((await status(v.id)).status, 'attaching');
    const second = await act(v.id, { 'os-reserve': null });
    assert.equal(second.status, 400, second.text);
    assert.match(second.body.badRequest.message, /^Invalid volume: Volume status must be available to reserve, but the status is attaching\.$/);

    const init = await act(v.id, { 'os-initialize_connection': { connector: { host: 'nb-legacy-host', initiator: 'iqn.x' } } });
    assert.equal(init.status, 200, init.text);
    assert.equal(init.body.connection_info.driver_volume_type, 'file');
    assert.equal(init.body.connection_info.data.access_mode, 'rw');

    const server = randomUUID();
    const attach = await act(v.id, { 'os-attach': { instance_uuid: server, mountpoint: '/dev/vdb', mode: 'rw' } });
    assert.equal(attach.status, 202, attach.text);
    assert.deepEqual(await status(v.id), { status: 'in-use', attach_status: 'attached' });
    const [a] = await db.selectFrom('volume_attachment').selectAll().where('volume_id', '=', v.id).execute();
    assert.equal(a!.instance_uuid, server);
    assert.equal(a!.mountpoint, '/dev/vdb');

    assert.equal((await act(v.id, { 'os-begin_detaching': null })).status, 202);
    assert.equal((await status(v.id)).status, 'detaching');
    assert.equal((await act(v.id, { 'os-roll_detaching': null })).status, 202);
    assert.equal((await status(v.id)).status, 'in-use');
    assert.equal((await act(v.id, { 'os-begin_detaching': null })).status, 202);
    const again = await act(v.id, { 'os-begin_detaching': null });
    assert.equal(again.status, 400);
    assert.match(again.body.badRequest.message, /Volume status must be 'in-use' and attach_status must be 'attached' to detach/);
    assert.equal((await act(v.id, { 'os-terminate_connection': { connector: { host: 'nb-legacy-host' } } })).status, 202);
    assert.ok(storage.calls.some((c) => c.id === v.id && c.method === 'terminateConnection'));
    assert.equal((await act(v.id, { 'os-detach': { attachment_id: a!.id } })).status, 202);
    assert.deepEqual(await status(v.id), { status: 'available', attach_status: 'detached' });
    assert.deepEqual(await db.selectFrom('volume_attachment').select('id').where('volume_id', '=', v.id).execute(), []);
  });

  it('unreserves, and refuses bad bodies', async () => {
    const v = await insertVolume(db, member.projectId, member.id);
    assert.equal((await act(v.id, { 'os-reserve': null })).status, 202);
    assert.equal((await act(v.id, { 'os-unreserve': null })).status, 202);
    assert.equal((await status(v.id)).status, 'available');
    assert.equal((await act(v.id, { 'os-initialize_connection': {} })).status, 400);
    assert.equal((await act(v.id, { 'os-initialize_connection': { connector: { ip: '1.2.3.4' } } })).status, 400);
    assert.equal((await act(v.id, { 'os-attach': { mountpoint: '/dev/vdb' } })).status, 400);
    assert.equal((await act(v.id, { 'os-attach': { instance_uuid: randomUUID() } })).status, 400);
    assert.equal((await act(v.id, { 'os-attach': { instance_uuid: randomUUID(), mountpoint: '/dev/vdb', mode: 'xx' } })).status, 400);
    assert.equal((await act(v.id, { 'os-detach': { attachment_id: randomUUID() } })).status, 404);
    assert.equal((await status(v.id)).status, 'available');
  });

  it('force-detaches for admins only', async () => {
    const v = await insertVolume(db, member.projectId, member.id);
    assert.equal((await act(v.id, { 'os-reserve': null })).status, 202);
    assert.equal((await act(v.id, { 'os-attach': { instance_uuid: randomUUID(), mountpoint: '/dev/vdc' } })).status, 202);
    const refused = await act(v.id, { 'os-force_detach': {} });
    assert.equal(refused.status, 403, refused.text);
    assert.equal((await status(v.id)).status, 'in-use');
    const admin = await t.adminToken();
    const forced = await t.request('POST', `/volume/v3/${member.projectId}/volumes/${v.id}/action`, { token: admin, body: { 'os-force_detach': { connector: { host: 'nb-legacy-host' } } } });
    assert.equal(forced.status, 202, forced.text);
    assert.deepEqual(await status(v.id), { status: 'available', attach_status: 'detached' });
  });
});
