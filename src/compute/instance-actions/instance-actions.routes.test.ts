import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { finishAction, finishEvent, startAction, startEvent } from './action-log.js';
import { insertServer, novaError } from '../../../test/harness/compute-fixtures.js';

const ver = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
const url = (id: string, req?: string) => `/compute/v2.1/servers/${id}/os-instance-actions${req === undefined ? '' : `/${req}`}`;
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

describe('os-instance-actions API', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let owner: MemberUser;
  let stranger: MemberUser;
  let admin: string;

  before(async () => {
    t = await startTestCloud();
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    owner = await createMemberUser(t, 'nb-ia-owner');
    stranger = await createMemberUser(t, 'nb-ia-stranger');
  });
  after(async () => { await t?.close(); });

  /** A server with actions create (oldest), stop, start (newest), each a second apart. */
  async function serverWithActions(over = {}) {
    const s = await insertServer(db, owner.projectId, owner.id, over);
    const names = ['create', 'stop', 'start'];
    const ids: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const ts = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      const requestId = `req-${randomUUID()}`;
      ids.push(requestId);
      await db.insertInto('compute_instance_action').values({
        id: randomUUID(), instance_uuid: s.uuid, request_id: requestId, action: names[i]!, project_id: owner.projectId,
        user_id: owner.id, start_time: ts, finish_time: ts, message: null, updated_at: ts,
      }).execute();
    }
    return { s, ids };
  }

  it('lists actions newest first in Nova\'s fields', async () => {
    const { s, ids } = await serverWithActions();
    const res = await t.request('GET', url(s.uuid), { token: owner.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.instanceActions.map((a: { action: string }) => a.action), ['start', 'stop', 'create']);
    assert.deepEqual(res.body.instanceActions[0], {
      action: 'start', instance_uuid: s.uuid, request_id: ids[2], user_id: owner.id, project_id: owner.projectId,
      start_time: '2026-01-01T00:00:02.000000', message: null,
    });
    assert.equal(res.body.links, undefined);
    const v258 = await t.request('GET', url(s.uuid), { token: owner.token, headers: ver('2.58') });
    assert.equal(v258.body.instanceActions[0].updated_at, '2026-01-01T00:00:02.000000');
  });

  it('pages from 2.58 with limit, marker and changes-since', async () => {
    const { s, ids } = await serverWithActions();
    const h = ver('2.58');
    let res = await t.request('GET', `${url(s.uuid)}?limit=2`, { token: owner.token, headers: h });
    assert.deepEqual(res.body.instanceActions.map((a: { request_id: string }) => a.request_id), [ids[2], ids[1]]);
    assert.equal(res.body.links.length, 1);
    assert.equal(res.body.links[0].rel, 'next');
    assert.match(res.body.links[0].href, new RegExp(`/compute/v2\\.1/servers/${s.uuid}/os-instance-actions\\?limit=2&marker=${ids[1]}$`));
    res = await t.request('GET', `${url(s.uuid)}?limit=2&marker=${ids[1]}`, { token: owner.token, headers: h });
    assert.deepEqual(res.body.instanceActions.map((a: { request_id: string }) => a.request_id), [ids[0]]);
    assert.equal(res.body.links, undefined);
    res = await t.request('GET', `${url(s.uuid)}?changes-since=2026-01-01T00:00:01Z`, { token: owner.token, headers: h });
    assert.deepEqual(res.body.instanceActions.map((a: { request_id: string }) => a.request_id), [ids[2], ids[1]]);
    res = await t.request('GET', `${url(s.uuid)}?changes-since=2026-01-01T01:00:01%2B01:00`, { token: owner.token, headers: h });
    assert.equal(res.body.instanceActions.length, 2);
    res = await t.request('GET', `${url(s.uuid)}?limit=0`, { token: owner.token, headers: h });
    assert.deepEqual(res.body.instanceActions, []);

    for (const q of ['limit=-1', 'limit=x', 'limit=', 'limit=1&limit=2', 'marker=nope', 'changes-since=yesterday', 'changes-since=2026-13-45T00:00:00Z', 'foo=bar']) {
      novaError(await t.request('GET', `${url(s.uuid)}?${q}`, { token: owner.token, headers: h }), 400, 'badRequest');
    }
    assert.match(novaError(await t.request('GET', `${url(s.uuid)}?marker=nope`, { token: owner.token, headers: h }), 400, 'badRequest'), /Marker nope could not be found/);
    // Before 2.58 the query is not read.
    assert.equal((await t.request('GET', `${url(s.uuid)}?limit=x&foo=bar`, { token: owner.token })).body.instanceActions.length, 3);
  });

  it('shows one action with events as each microversion and role may see them', async () => {
    const s = await insertServer(db, owner.projectId, owner.id, { host: 'nb-host-1' });
    const auth = { userId: owner.id, projectId: owner.projectId };
    const requestId = `req-${randomUUID()}`;
    const action = await startAction(db, auth, s.uuid, 'reboot', requestId);
    await startEvent(db, action, 'compute_reboot_instance', 'nb-host-1');
    await finishEvent(db, action, 'compute_reboot_instance', 'Traceback: boom');
    await finishAction(db, action, 'boom');

    let res = await t.request('GET', url(s.uuid, requestId), { token: owner.token });
    assert.equal(res.status, 200);
    assert.equal(res.body.instanceAction.action, 'reboot');
    assert.equal(res.body.instanceAction.message, 'Error');
    assert.match(res.body.instanceAction.start_time, MICRO);
    assert.equal(res.body.instanceAction.events, undefined, 'no events for the owner before 2.51');

    res = await t.request('GET', url(s.uuid, requestId), { token: admin });
    const [adminEvent] = res.body.instanceAction.events;
    assert.deepEqual(Object.keys(adminEvent).sort(), ['event', 'finish_time', 'result', 'start_time', 'traceback']);
    assert.equal(adminEvent.result, 'Error');
    assert.equal(adminEvent.traceback, 'Traceback: boom');

    res = await t.request('GET', url(s.uuid, requestId), { token: owner.token, headers: ver('2.51') });
    assert.deepEqual(Object.keys(res.body.instanceAction.events[0]).sort(), ['event', 'finish_time', 'result', 'start_time']);

    const hid = createHash('sha224').update(owner.projectId + 'nb-host-1').digest('hex');
    res = await t.request('GET', url(s.uuid, requestId), { token: owner.token, headers: ver('2.62') });
    assert.deepEqual(res.body.instanceAction.events[0].hostId, hid);
    assert.equal(res.body.instanceAction.events[0].host, undefined);
    assert.match(res.body.instanceAction.updated_at, MICRO);
    res = await t.request('GET', url(s.uuid, requestId), { token: admin, headers: ver('2.62') });
    assert.equal(res.body.instanceAction.events[0].host, 'nb-host-1');
    assert.equal(res.body.instanceAction.events[0].hostId, hid);

    assert.equal(novaError(await t.request('GET', url(s.uuid, 'req-missing'), { token: owner.token }), 404, 'itemNotFound'), 'Action req-missing not found');
  });

  it('hides other projects\' servers (404) and deleted ones before 2.21', async () => {
    const { s, ids } = await serverWithActions();
    assert.equal(novaError(await t.request('GET', url(s.uuid), { token: stranger.token }), 404, 'itemNotFound'), `Instance ${s.uuid} could not be found.`);
    novaError(await t.request('GET', url(s.uuid, ids[0]), { token: stranger.token }), 404, 'itemNotFound');
    assert.equal((await t.request('GET', url(s.uuid), { token: admin })).body.instanceActions.length, 3);
    novaError(await t.request('GET', url('not-a-uuid'), { token: owner.token }), 404, 'itemNotFound');
    novaError(await t.request('GET', url(s.uuid), {}), 401, 'unauthorized');

    await db.updateTable('compute_instance').set({ deleted: 1, vm_state: 'deleted', deleted_at: new Date().toISOString() }).where('uuid', '=', s.uuid).execute();
    novaError(await t.request('GET', url(s.uuid), { token: owner.token, headers: ver('2.20') }), 404, 'itemNotFound');
    const res = await t.request('GET', url(s.uuid), { token: owner.token, headers: ver('2.21') });
    assert.equal(res.status, 200);
    assert.equal(res.body.instanceActions.length, 3);
    assert.equal((await t.request('GET', url(s.uuid, ids[0]), { token: owner.token, headers: ver('2.21') })).status, 200);
    novaError(await t.request('GET', url(s.uuid), { token: stranger.token, headers: ver('2.21') }), 404, 'itemNotFound');
  });

  it('lets a locked server\'s owner read its actions', async () => {
    const { s } = await serverWithActions({ locked: 1, locked_by: 'admin' });
    assert.equal((await t.request('GET', url(s.uuid), { token: owner.token })).status, 200);
  });
});
