import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { validateTags } from './server-tags.validate.js';
import { insertServer, novaError } from '../../../test/harness/compute-fixtures.js';

const V = { 'OpenStack-API-Version': 'compute 2.26' };
const url = (id: string, tag?: string) => `/compute/v2.1/servers/${id}/tags${tag === undefined ? '' : `/${encodeURIComponent(tag)}`}`;

describe('server tags API', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let owner: MemberUser;
  let stranger: MemberUser;
  let admin: string;

  before(async () => {
    t = await startTestCloud();
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    owner = await createMemberUser(t, 'nb-tags-owner');
    stranger = await createMemberUser(t, 'nb-tags-stranger');
  });
  after(async () => { await t?.close(); });

  const server = (over = {}) => insertServer(db, owner.projectId, owner.id, over);
  const as = (token: string, body?: unknown) => ({ token, headers: V, ...(body === undefined ? {} : { body }) });

  it('adds, checks, replaces and removes tags', async () => {
    const s = await server();
    assert.deepEqual((await t.request('GET', url(s.uuid), as(owner.token))).body, { tags: [] });

    let res = await t.request('PUT', url(s.uuid, 'blue sky'), as(owner.token));
    assert.equal(res.status, 201);
    assert.equal(res.text, '');
    assert.match(String(res.headers.location), new RegExp(`/compute/v2\\.1/servers/${s.uuid}/tags/blue%20sky$`));
    res = await t.request('PUT', url(s.uuid, 'blue sky'), as(owner.token));
    assert.equal(res.status, 204);
    assert.equal((await t.request('GET', url(s.uuid, 'blue sky'), as(owner.token))).status, 204);
    const miss = novaError(await t.request('GET', url(s.uuid, 'red'), as(owner.token)), 404, 'itemNotFound');
    assert.equal(miss, `Server ${s.uuid} has no tag 'red'`);

    res = await t.request('PUT', url(s.uuid), as(owner.token, { tags: ['b', 'a', 'b', 'ünï'] }));
    assert.deepEqual([res.status, res.body], [200, { tags: ['a', 'b', 'ünï'] }]);
    assert.deepEqual((await t.request('GET', url(s.uuid), as(owner.token))).body, { tags: ['a', 'b', 'ünï'] });

    assert.equal((await t.request('DELETE', url(s.uuid, 'a'), as(owner.token))).status, 204);
    assert.match(novaError(await t.request('DELETE', url(s.uuid, 'a'), as(owner.token)), 404, 'itemNotFound'), /has no tag 'a'/);
    assert.equal((await t.request('DELETE', url(s.uuid), as(owner.token))).status, 204);
    assert.deepEqual((await t.request('GET', url(s.uuid), as(owner.token))).body, { tags: [] });
  });

  it('does not exist below microversion 2.26', async () => {
    const s = await server();
    novaError(await t.request('GET', url(s.uuid), { token: owner.token }), 404, 'itemNotFound');
    novaError(await t.request('PUT', url(s.uuid, 'x'), { token: owner.token, headers: { 'OpenStack-API-Version': 'compute 2.25' } }), 404, 'itemNotFound');
    assert.equal((await t.request('GET', url(s.uuid), { token: owner.token, headers: { 'OpenStack-API-Version': 'compute latest' } })).status, 200);
    assert.equal((await t.request('GET', url(s.uuid, 'x'), { token: owner.token })).status, 404);
    assert.equal((await db.selectFrom('compute_instance_tag').selectAll().where('instance_uuid', '=', s.uuid).execute()).length, 0);
  });

  it('hides other projects\' servers (404); admins see all', async () => {
    const s = await server();
    await t.request('PUT', url(s.uuid, 'mine'), as(owner.token));
    assert.equal(novaError(await t.request('GET', url(s.uuid), as(stranger.token)), 404, 'itemNotFound'), `Instance ${s.uuid} could not be found.`);
    novaError(await t.request('PUT', url(s.uuid, 'theirs'), as(stranger.token)), 404, 'itemNotFound');
    novaError(await t.request('DELETE', url(s.uuid), as(stranger.token)), 404, 'itemNotFound');
    novaError(await t.request('GET', url(s.uuid, 'mine'), as(stranger.token)), 404, 'itemNotFound');
    assert.deepEqual((await t.request('GET', url(s.uuid), as(admin))).body, { tags: ['mine'] });
    novaError(await t.request('GET', url(s.uuid), { headers: V }), 401, 'unauthorized');
  });

  it('lets a reader of the project read tags but not change them', async () => {
    const s = await server();
    await t.request('PUT', url(s.uuid, 'seen'), as(owner.token));
    const readerRole = (await t.request('GET', '/identity/v3/roles?name=reader', { token: admin })).body.roles[0].id;
    const u = await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name: 'nb-tags-reader', password: 'pw-nb-tags-reader' } } });
    await t.request('PUT', `/identity/v3/projects/${owner.projectId}/users/${u.body.user.id}/roles/${readerRole}`, { token: admin });
    const reader = await t.login('nb-tags-reader', 'pw-nb-tags-reader', owner.projectName);
    assert.deepEqual((await t.request('GET', url(s.uuid), as(reader))).body, { tags: ['seen'] });
    assert.equal((await t.request('GET', url(s.uuid, 'seen'), as(reader))).status, 204);
    novaError(await t.request('PUT', url(s.uuid, 'new'), as(reader)), 403, 'forbidden');
    novaError(await t.request('PUT', url(s.uuid), as(reader, { tags: [] })), 403, 'forbidden');
    novaError(await t.request('DELETE', url(s.uuid, 'seen'), as(reader)), 403, 'forbidden');
    novaError(await t.request('DELETE', url(s.uuid), as(reader)), 403, 'forbidden');
  });

  it('refuses bad tags with a 400', async () => {
    const s = await server();
    const badLists: unknown[] = [undefined, {}, { tags: 'a' }, { tags: [1] }, { tags: [''] }, { tags: ['a/b'] }, { tags: ['a,b'] },
      { tags: ['x'.repeat(61)] }, { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, { tags: [], more: 1 }, { tags: [null] }];
    for (const body of badLists) novaError(await t.request('PUT', url(s.uuid), as(owner.token, body)), 400, 'badRequest');
    assert.match(novaError(await t.request('PUT', url(s.uuid, 'a,b'), as(owner.token)), 400, 'badRequest'), /Tag 'a,b' is invalid/);
    novaError(await t.request('PUT', url(s.uuid, 'x'.repeat(61)), as(owner.token)), 400, 'badRequest');
    novaError(await t.request('PUT', `${url(s.uuid)}/a%2Fb`, as(owner.token)), 400, 'badRequest');
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    assert.equal((await t.request('PUT', url(s.uuid), as(owner.token, { tags: fifty }))).status, 200);
    assert.match(novaError(await t.request('PUT', url(s.uuid, 'one-more'), as(owner.token)), 400, 'badRequest'), /per-server limit 50/);
    assert.equal((await t.request('PUT', url(s.uuid, 't0'), as(owner.token))).status, 204);
  });

  it('refuses changes on a locked server (non-admin) and outside resting states', async () => {
    const locked = await server({ locked: 1, locked_by: 'owner' });
    assert.equal(novaError(await t.request('PUT', url(locked.uuid, 'a'), as(owner.token)), 409, 'conflictingRequest'), `Instance ${locked.uuid} is locked`);
    novaError(await t.request('PUT', url(locked.uuid), as(owner.token, { tags: ['a'] })), 409, 'conflictingRequest');
    novaError(await t.request('DELETE', url(locked.uuid), as(owner.token)), 409, 'conflictingRequest');
    assert.equal((await t.request('GET', url(locked.uuid), as(owner.token))).status, 200);
    assert.equal((await t.request('PUT', url(locked.uuid, 'a'), as(admin))).status, 201);

    const building = await server({ vm_state: 'building', task_state: 'scheduling' });
    assert.equal(novaError(await t.request('PUT', url(building.uuid, 'a'), as(owner.token)), 409, 'conflictingRequest'),
      `Cannot 'update tag' instance ${building.uuid} while it is in vm_state building`);
    novaError(await t.request('DELETE', url(building.uuid, 'a'), as(owner.token)), 409, 'conflictingRequest');
    const paused = await server({ vm_state: 'paused', power_state: 3 });
    assert.equal((await t.request('PUT', url(paused.uuid, 'a'), as(owner.token))).status, 201);
  });

  it('validateTags dedups and names the bad item', () => {
    assert.deepEqual(validateTags(['a', 'a', 'b']), ['a', 'b']);
    assert.throws(() => validateTags(['ok', 5]), /tags\[1\]/);
  });
});
