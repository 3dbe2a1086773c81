import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { validateMetadata } from './server-metadata.validate.js';
import { insertServer, novaError } from '../../../test/harness/compute-fixtures.js';

const url = (id: string, key?: string) => `/compute/v2.1/servers/${id}/metadata${key === undefined ? '' : `/${encodeURIComponent(key)}`}`;

/** Asserts Nova's error body `{"<fault>": {"code", "message"}}` and returns the message. */
describe('server metadata API', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let owner: MemberUser;
  let stranger: MemberUser;
  let admin: string;

  before(async () => {
    t = await startTestCloud();
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    owner = await createMemberUser(t, 'nb-meta-owner');
    stranger = await createMemberUser(t, 'nb-meta-stranger');
  });
  after(async () => { await t?.close(); });

  const server = (over = {}) => insertServer(db, owner.projectId, owner.id, over);

  it('merges, replaces, sets, shows and deletes items', async () => {
    const s = await server();
    let res = await t.request('GET', url(s.uuid), { token: owner.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { metadata: {} });

    res = await t.request('POST', url(s.uuid), { token: owner.token, body: { metadata: { a: '1', 'b.c: d-e_f': '' } } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { metadata: { a: '1', 'b.c: d-e_f': '' } });
    res = await t.request('POST', url(s.uuid), { token: owner.token, body: { metadata: { a: '2', z: 'x'.repeat(255) } } });
    assert.deepEqual(res.body.metadata, { a: '2', 'b.c: d-e_f': '', z: 'x'.repeat(255) });

    res = await t.request('PUT', url(s.uuid, 'k'), { token: owner.token, body: { meta: { k: 'v' } } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { meta: { k: 'v' } });
    res = await t.request('GET', url(s.uuid, 'k'), { token: owner.token });
    assert.deepEqual([res.status, res.body], [200, { meta: { k: 'v' } }]);

    res = await t.request('PUT', url(s.uuid), { token: owner.token, body: { metadata: { only: 'this' } } });
    assert.deepEqual([res.status, res.body], [200, { metadata: { only: 'this' } }]);
    res = await t.request('DELETE', url(s.uuid, 'only'), { token: owner.token });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.match(novaError(await t.request('GET', url(s.uuid, 'only'), { token: owner.token }), 404, 'itemNotFound'), /Metadata item was not found/);
    novaError(await t.request('DELETE', url(s.uuid, 'only'), { token: owner.token }), 404, 'itemNotFound');
    res = await t.request('PUT', url(s.uuid), { token: owner.token, body: { metadata: {} } });
    assert.deepEqual(res.body, { metadata: {} });
  });

  it('hides other projects\' servers (404) and lets admins see every server', async () => {
    const s = await server();
    await t.request('POST', url(s.uuid), { token: owner.token, body: { metadata: { a: '1' } } });
    const msg = novaError(await t.request('GET', url(s.uuid), { token: stranger.token }), 404, 'itemNotFound');
    assert.equal(msg, `Instance ${s.uuid} could not be found.`);
    novaError(await t.request('POST', url(s.uuid), { token: stranger.token, body: { metadata: { a: '2' } } }), 404, 'itemNotFound');
    novaError(await t.request('DELETE', url(s.uuid, 'a'), { token: stranger.token }), 404, 'itemNotFound');
    assert.deepEqual((await t.request('GET', url(s.uuid), { token: admin })).body, { metadata: { a: '1' } });
    novaError(await t.request('GET', url('nope'), { token: owner.token }), 404, 'itemNotFound');
    const gone = await server({ deleted: 1, vm_state: 'deleted', deleted_at: new Date().toISOString() });
    novaError(await t.request('GET', url(gone.uuid), { token: owner.token }), 404, 'itemNotFound');
    novaError(await t.request('GET', url(s.uuid), {}), 401, 'unauthorized');
  });

  it('lets a reader read but not change', async () => {
    const s = await server();
    const rolesRes = await t.request('GET', '/identity/v3/roles?name=reader', { token: admin });
    const reader = rolesRes.body.roles[0].id;
    const u = await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name: 'nb-meta-reader', password: 'pw-nb-meta-reader' } } });
    await t.request('PUT', `/identity/v3/projects/${owner.projectId}/users/${u.body.user.id}/roles/${reader}`, { token: admin });
    const token = await t.login('nb-meta-reader', 'pw-nb-meta-reader', owner.projectName);
    assert.equal((await t.request('GET', url(s.uuid), { token })).status, 200);
    novaError(await t.request('POST', url(s.uuid), { token, body: { metadata: { a: '1' } } }), 403, 'forbidden');
    novaError(await t.request('PUT', url(s.uuid, 'a'), { token, body: { meta: { a: '1' } } }), 403, 'forbidden');
  });

  it('refuses bad bodies with a 400 naming the field', async () => {
    const s = await server();
    const bad: [string, string, unknown, RegExp][] = [
      ['POST', url(s.uuid), undefined, /metadata/],
      ['POST', url(s.uuid), { metadata: [] }, /metadata/],
      ['POST', url(s.uuid), { metadata: { a: 1 } }, /metadata\.a/],
      ['POST', url(s.uuid), { metadata: { a: null } }, /metadata\.a/],
      ['POST', url(s.uuid), { metadata: { '': 'x' } }, /metadata/],
      ['POST', url(s.uuid), { metadata: { ['k'.repeat(256)]: 'x' } }, /metadata/],
      ['POST', url(s.uuid), { metadata: { 'a/b': 'x' } }, /metadata/],
      ['POST', url(s.uuid), { metadata: { a: 'x'.repeat(256) } }, /metadata\.a/],
      ['POST', url(s.uuid), { metadata: {}, extra: 1 }, /extra/],
      ['PUT', url(s.uuid), { meta: { a: 'b' } }, /metadata/],
      ['PUT', url(s.uuid, 'a'), { meta: { b: 'x' } }, /Request body and URI mismatch/],
      ['PUT', url(s.uuid, 'a'), { meta: { a: 'x', b: 'y' } }, /meta/],
      ['PUT', url(s.uuid, 'a'), { meta: {} }, /meta/],
      ['PUT', url(s.uuid, 'a'), { metadata: { a: 'x' } }, /meta/],
      ['PUT', url(s.uuid, 'a'), 'a', /meta/],
    ];
    for (const [method, u, body, re] of bad) {
      const res = await t.request(method, u, { token: owner.token, ...(body === undefined ? {} : { body }) });
      assert.match(novaError(res, 400, 'badRequest'), re, `${method} ${u} ${JSON.stringify(body)}`);
    }
    const raw = await t.request('POST', url(s.uuid), { token: owner.token, rawBody: '{"metadata": {', headers: { 'content-type': 'application/json' } });
    novaError(raw, 400, 'badRequest');
    assert.deepEqual((await t.request('GET', url(s.uuid), { token: owner.token })).body, { metadata: {} });
  });

  it('refuses changes to a locked server from its owner (409), not from an admin', async () => {
    const s = await server({ locked: 1, locked_by: 'admin' });
    const msg = novaError(await t.request('POST', url(s.uuid), { token: owner.token, body: { metadata: { a: '1' } } }), 409, 'conflictingRequest');
    assert.equal(msg, `Instance ${s.uuid} is locked`);
    novaError(await t.request('PUT', url(s.uuid, 'a'), { token: owner.token, body: { meta: { a: '1' } } }), 409, 'conflictingRequest');
    assert.equal((await t.request('GET', url(s.uuid), { token: owner.token })).status, 200);
    assert.equal((await t.request('POST', url(s.uuid), { token: admin, body: { metadata: { a: '1' } } })).status, 200);
    novaError(await t.request('DELETE', url(s.uuid, 'a'), { token: owner.token }), 409, 'conflictingRequest');
    novaError(await t.request('PUT', url(s.uuid), { token: owner.token, body: { metadata: {} } }), 409, 'conflictingRequest');
  });

  it('refuses changes while building or busy (409)', async () => {
    const building = await server({ vm_state: 'building', task_state: 'spawning' });
    const msg = novaError(await t.request('POST', url(building.uuid), { token: owner.token, body: { metadata: { a: '1' } } }), 409, 'conflictingRequest');
    assert.equal(msg, `Cannot 'update metadata' instance ${building.uuid} while it is in vm_state building`);
    const busy = await server({ task_state: 'deleting' });
    assert.match(novaError(await t.request('PUT', url(busy.uuid), { token: owner.token, body: { metadata: {} } }), 409, 'conflictingRequest'), /task_state deleting/);
    const stopped = await server({ vm_state: 'stopped', power_state: 4 });
    assert.equal((await t.request('POST', url(stopped.uuid), { token: owner.token, body: { metadata: { a: '1' } } })).status, 200);
  });

  it('holds the metadata_items quota (403) counting the merged result', async () => {
    const s = await server();
    const limit = t.config.compute.quotaDefaults.metadata_items;
    const full = Object.fromEntries(Array.from({ length: limit }, (_, i) => [`k${i}`, 'v']));
    assert.equal((await t.request('PUT', url(s.uuid), { token: owner.token, body: { metadata: full } })).status, 200);
    assert.equal((await t.request('POST', url(s.uuid), { token: owner.token, body: { metadata: { k0: 'again' } } })).status, 200);
    assert.match(novaError(await t.request('POST', url(s.uuid), { token: owner.token, body: { metadata: { extra: 'x' } } }), 403, 'forbidden'), /metadata_items/);
    novaError(await t.request('PUT', url(s.uuid, 'extra'), { token: owner.token, body: { meta: { extra: 'x' } } }), 403, 'forbidden');
    const over = { ...full, extra: 'x' };
    novaError(await t.request('PUT', url(s.uuid), { token: owner.token, body: { metadata: over } }), 403, 'forbidden');
    assert.equal(Object.keys((await t.request('GET', url(s.uuid), { token: owner.token })).body.metadata).length, limit);
  });

  it('lets only one of two racing merges pass the quota', async () => {
    const racer = await createMemberUser(t, 'nb-meta-racer');
    await db.insertInto('compute_quota').values({ project_id: racer.projectId, resource: 'metadata_items', hard_limit: 3 }).execute();
    const s = await insertServer(db, racer.projectId, racer.id);
    const results = await Promise.all([
      t.request('POST', url(s.uuid), { token: racer.token, body: { metadata: { a1: 'x', a2: 'x' } } }),
      t.request('POST', url(s.uuid), { token: racer.token, body: { metadata: { b1: 'x', b2: 'x' } } }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 403]);
    assert.equal(Object.keys((await t.request('GET', url(s.uuid), { token: racer.token })).body.metadata).length, 2);
  });

  it('validateMetadata keeps a __proto__ key as data', () => {
    const m = validateMetadata(JSON.parse('{"__proto__": "x", "a": "b"}'));
    assert.deepEqual(Object.keys(m).sort(), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
