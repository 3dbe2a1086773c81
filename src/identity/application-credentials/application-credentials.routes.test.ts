import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';

describe('identity application credentials', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'alice');
    bob = await createMemberUser(t, 'bob');
  });
  after(async () => { await t.close(); });

  const credsUrl = (userId: string) => `/identity/v3/users/${userId}/application_credentials`;
  const create = (user: MemberUser, body: unknown, token = user.token) =>
    t.request('POST', credsUrl(user.id), { token, body: { application_credential: body } });
  const authWith = (application_credential: unknown) => t.request('POST', '/identity/v3/auth/tokens', {
    body: { auth: { identity: { methods: ['application_credential'], application_credential } } },
  });
  const names = (res: TestResponse) => res.body.token.roles.map((r: { name: string }) => r.name).sort();

  it('creates a credential with the token roles, shows the secret once and never again', async () => {
    const res = await create(alice, { name: 'monitoring', description: 'for the monitor' });
    assert.equal(res.status, 201);
    const c = res.body.application_credential;
    assert.match(c.id, /^[0-9a-f]{32}$/);
    assert.equal(c.name, 'monitoring');
    assert.equal(c.description, 'for the monitor');
    assert.equal(c.project_id, alice.projectId);
    assert.equal(c.unrestricted, false);
    assert.equal(c.expires_at, null);
    assert.deepEqual(c.access_rules, []);
    assert.equal(typeof c.secret, 'string');
    assert.ok(c.secret.length >= 64);
    assert.deepEqual(c.roles.map((r: { name: string }) => r.name), ['member', 'reader']);
    assert.ok(c.roles.every((r: { id: string; domain_id: unknown }) => /^[0-9a-f]{32}$/.test(r.id) && r.domain_id === null));
    assert.equal(c.links.self, `${t.config.publicUrl}/identity/v3/users/${alice.id}/application_credentials/${c.id}`);

    const shown = await t.request('GET', `${credsUrl(alice.id)}/${c.id}`, { token: alice.token });
    assert.equal(shown.status, 200);
    const { secret: _secret, ...withoutSecret } = c;
    assert.deepEqual(shown.body.application_credential, withoutSecret);
    assert.ok(!shown.text.includes(c.secret));
    assert.ok(!shown.text.includes('scrypt'));

    const list = await t.request('GET', credsUrl(alice.id), { token: alice.token });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.application_credentials.map((x: { id: string }) => x.id), [c.id]);
    assert.ok(!list.text.includes(c.secret));
    assert.equal(list.body.links.self, `${t.config.publicUrl}/identity/v3/users/${alice.id}/application_credentials`);
    const byName = await t.request('GET', `${credsUrl(alice.id)}?name=monitoring`, { token: alice.token });
    assert.equal(byName.body.application_credentials.length, 1);
    const noMatch = await t.request('GET', `${credsUrl(alice.id)}?name=other`, { token: alice.token });
    assert.deepEqual(noMatch.body.application_credentials, []);
  });

  it('authenticates by id or by name and user, bound to its project and roles', async () => {
    const expires = new Date(Date.now() + 7 * 86400_000);
    const res = await create(alice, { name: 'reader-only', secret: 'my-own-secret', roles: [{ name: 'reader' }], expires_at: expires.toISOString() });
    assert.equal(res.status, 201);
    const c = res.body.application_credential;
    assert.equal(c.secret, 'my-own-secret');
    assert.deepEqual(c.roles.map((r: { name: string }) => r.name), ['reader']);
    assert.match(c.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(Date.parse(`${c.expires_at}Z`), Math.floor(expires.getTime()));

    const byId = await authWith({ id: c.id, secret: 'my-own-secret' });
    assert.equal(byId.status, 201);
    const tok = byId.body.token;
    assert.deepEqual(tok.methods, ['application_credential']);
    assert.equal(tok.project.id, alice.projectId);
    assert.equal(tok.user.id, alice.id);
    assert.deepEqual(names(byId), ['reader']);
    assert.deepEqual(tok.application_credential, { id: c.id, name: 'reader-only', restricted: true });
    assert.ok(Date.parse(tok.expires_at) <= expires.getTime());

    const byName = await authWith({ name: 'reader-only', secret: 'my-own-secret', user: { name: 'alice', domain: { id: 'default' } } });
    assert.equal(byName.status, 201);
    assert.equal(byName.body.token.application_credential.id, c.id);
    const byUserId = await authWith({ name: 'reader-only', secret: 'my-own-secret', user: { id: alice.id } });
    assert.equal(byUserId.status, 201);

    const wrong = await authWith({ id: c.id, secret: 'not-it' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.title, 'Unauthorized');
    const otherUser = await authWith({ name: 'reader-only', secret: 'my-own-secret', user: { id: bob.id } });
    assert.equal(otherUser.status, 401);

    // The token works within its roles: a reader may read its own user.
    const me = await t.request('GET', `/identity/v3/users/${alice.id}`, { token: String(byId.headers['x-subject-token']) });
    assert.equal(me.status, 200);
  });

  it('lets only unrestricted credentials manage credentials', async () => {
    const restricted = (await create(alice, { name: 'restricted' })).body.application_credential;
    const rToken = String((await authWith({ id: restricted.id, secret: restricted.secret })).headers['x-subject-token']);
    const refused = await create(alice, { name: 'spawned' }, rToken);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /not allowed for managing additional application credentials/);
    const refusedDelete = await t.request('DELETE', `${credsUrl(alice.id)}/${restricted.id}`, { token: rToken });
    assert.equal(refusedDelete.status, 403);
    assert.equal((await t.request('GET', `${credsUrl(alice.id)}/${restricted.id}`, { token: rToken })).status, 200);
    assert.deepEqual((await t.request('GET', `${credsUrl(alice.id)}?name=spawned`, { token: alice.token })).body.application_credentials, []);

    const free = (await create(alice, { name: 'unrestricted', unrestricted: true })).body.application_credential;
    assert.equal(free.unrestricted, true);
    const fToken = String((await authWith({ id: free.id, secret: free.secret })).headers['x-subject-token']);
    const spawned = await create(alice, { name: 'spawned' }, fToken);
    assert.equal(spawned.status, 201);
    assert.equal(spawned.body.application_credential.project_id, alice.projectId);
    assert.equal((await t.request('DELETE', `${credsUrl(alice.id)}/${spawned.body.application_credential.id}`, { token: fToken })).status, 204);
  });

  it('deletes a credential, revoking its tokens and its ability to authenticate', async () => {
    const c = (await create(alice, { name: 'short-lived' })).body.application_credential;
    const issued = await authWith({ id: c.id, secret: c.secret });
    const token = String(issued.headers['x-subject-token']);
    assert.equal((await t.request('GET', `/identity/v3/users/${alice.id}`, { token })).status, 200);

    assert.equal((await t.request('DELETE', `${credsUrl(alice.id)}/${c.id}`, { token: alice.token })).status, 204);
    assert.equal((await t.request('GET', `/identity/v3/users/${alice.id}`, { token })).status, 401);
    const check = await t.request('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': token } });
    assert.equal(check.status, 404);
    assert.equal((await authWith({ id: c.id, secret: c.secret })).status, 401);
    const gone = await t.request('GET', `${credsUrl(alice.id)}/${c.id}`, { token: alice.token });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.message, `Could not find Application Credential: ${c.id}.`);
    assert.equal((await t.request('DELETE', `${credsUrl(alice.id)}/${c.id}`, { token: alice.token })).status, 404);
    // Alice's own password token is untouched.
    assert.equal((await t.request('GET', `/identity/v3/users/${alice.id}`, { token: alice.token })).status, 200);
  });

  it('refuses bad input with Keystone errors', async () => {
    await create(alice, { name: 'taken' });
    const dup = await create(alice, { name: 'taken' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.title, 'Conflict');
    // Names are unique per user only.
    assert.equal((await create(bob, { name: 'taken' })).status, 201);

    const cases: [string, unknown, number, RegExp][] = [
      ['no name', { description: 'x' }, 400, /name/],
      ['empty name', { name: '' }, 400, /name/],
      ['unknown field', { name: 'u1', colour: 'blue' }, 400, /colour/],
      ['past expiry', { name: 'u2', expires_at: '2001-01-01T00:00:00Z' }, 400, /must not be before now/],
      ['bad expiry', { name: 'u3', expires_at: 'next tuesday' }, 400, /Timestamp not in expected format/],
      ['role not held', { name: 'u4', roles: [{ name: 'admin' }] }, 400, /unassigned role/],
      ['role id not held', { name: 'u5', roles: [{ id: 'f'.repeat(32) }] }, 400, /unassigned role/],
      ['unknown role', { name: 'u6', roles: [{ name: 'wizard' }] }, 404, /Role wizard is not defined/],
      ['role with id and name', { name: 'u7', roles: [{ id: 'a', name: 'b' }] }, 400, /roles/],
      ['access rules', { name: 'u8', access_rules: [{ service: 'compute', path: '/servers', method: 'GET' }] }, 400, /not supported/],
      ['unrestricted not boolean', { name: 'u9', unrestricted: 'yes' }, 400, /unrestricted/],
    ];
    for (const [what, body, status, message] of cases) {
      const res = await create(alice, body);
      assert.equal(res.status, status, what);
      assert.equal(res.body.error.code, status, what);
      assert.match(res.body.error.message, message, what);
    }
    const list = await t.request('GET', credsUrl(alice.id), { token: alice.token });
    assert.ok(!list.body.application_credentials.some((c: { name: string }) => /^u\d$/.test(c.name)));
    const noWrapper = await t.request('POST', credsUrl(alice.id), { token: alice.token, body: { name: 'x' } });
    assert.equal(noWrapper.status, 400);
  });

  it('keeps each user to their own credentials; admins may read and delete any', async () => {
    const bobs = (await create(bob, { name: 'bobs' })).body.application_credential;
    const forBob = await create(bob, { name: 'by-alice' }, alice.token);
    assert.equal(forBob.status, 403);
    assert.equal((await t.request('GET', credsUrl(bob.id), { token: alice.token })).status, 403);
    assert.equal((await t.request('GET', `${credsUrl(bob.id)}/${bobs.id}`, { token: alice.token })).status, 403);
    assert.equal((await t.request('DELETE', `${credsUrl(bob.id)}/${bobs.id}`, { token: alice.token })).status, 403);
    // Naming herself in the path does not get Alice to Bob's credential either.
    assert.equal((await t.request('GET', `${credsUrl(alice.id)}/${bobs.id}`, { token: alice.token })).status, 403);
    assert.equal((await t.request('DELETE', `${credsUrl(alice.id)}/${bobs.id}`, { token: alice.token })).status, 403);
    assert.equal((await authWith({ id: bobs.id, secret: bobs.secret })).status, 201);

    // An admin cannot mint credentials for someone else either: they carry the creator's roles.
    assert.equal((await create(bob, { name: 'by-admin' }, admin)).status, 403);
    const adminList = await t.request('GET', credsUrl(bob.id), { token: admin });
    assert.equal(adminList.status, 200);
    assert.ok(adminList.body.application_credentials.some((c: { id: string }) => c.id === bobs.id));
    assert.equal((await t.request('GET', `${credsUrl(bob.id)}/${bobs.id}`, { token: admin })).status, 200);
    assert.equal((await t.request('GET', `${credsUrl('nobody')}`, { token: admin })).status, 404);
    assert.equal((await t.request('DELETE', `${credsUrl(bob.id)}/${bobs.id}`, { token: admin })).status, 204);
    assert.equal((await authWith({ id: bobs.id, secret: bobs.secret })).status, 401);
  });

  it('needs a project-scoped token to create one', async () => {
    const unscoped = await t.request('POST', '/identity/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'], password: { user: { id: alice.id, password: alice.password } } }, scope: 'unscoped' } },
    });
    assert.equal(unscoped.status, 201);
    const res = await create(alice, { name: 'from-unscoped' }, String(unscoped.headers['x-subject-token']));
    assert.equal(res.status, 403);
    assert.match(res.body.error.message, /project-scoped/);
  });
});
