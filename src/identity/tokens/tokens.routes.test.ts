import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_PASSWORD, startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const passwordAuth = (name: string, password: string, scope?: unknown) => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name, domain: { id: 'default' }, password } } },
    ...(scope ? { scope } : {}),
  },
});

describe('identity tokens', () => {
  let t: TestCloud;
  before(async () => { t = await startTestCloud(); });
  after(async () => { await t.close(); });

  it('issues a project-scoped token with roles and catalog', async () => {
    const res = await t.request('POST', '/identity/v3/auth/tokens', {
      body: passwordAuth('admin', ADMIN_PASSWORD, { project: { name: 'admin', domain: { name: 'Default' } } }),
    });
    assert.equal(res.status, 201);
    assert.ok(typeof res.headers['x-subject-token'] === 'string');
    const tok = res.body.token;
    assert.deepEqual(tok.methods, ['password']);
    assert.equal(tok.user.name, 'admin');
    assert.equal(tok.project.name, 'admin');
    assert.equal(tok.is_domain, false);
    assert.deepEqual(tok.roles.map((r: { name: string }) => r.name).sort(), ['admin', 'member', 'reader']);
    assert.match(tok.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const identity = tok.catalog.find((s: { type: string }) => s.type === 'identity');
    assert.equal(identity.endpoints.length, 3);
  });

  it('issues system-scoped, domain-scoped and unscoped tokens for the admin', async () => {
    const system = await t.request('POST', '/identity/v3/auth/tokens', { body: passwordAuth('admin', ADMIN_PASSWORD, { system: { all: true } }) });
    assert.equal(system.status, 201);
    assert.deepEqual(system.body.token.system, { all: true });
    const unscoped = await t.request('POST', '/identity/v3/auth/tokens', { body: passwordAuth('admin', ADMIN_PASSWORD) });
    assert.equal(unscoped.status, 201);
    assert.equal(unscoped.body.token.roles, undefined);
    assert.equal(unscoped.body.token.project, undefined);
  });

  it('gives the same 401 for an unknown user and a wrong password', async () => {
    const wrongPassword = await t.request('POST', '/identity/v3/auth/tokens', { body: passwordAuth('admin', 'nope') });
    const unknownUser = await t.request('POST', '/identity/v3/auth/tokens', { body: passwordAuth('nobody', 'nope') });
    assert.equal(wrongPassword.status, 401);
    assert.equal(unknownUser.status, 401);
    assert.deepEqual(wrongPassword.body, unknownUser.body);
    assert.equal(wrongPassword.body.error.code, 401);
    assert.equal(wrongPassword.body.error.title, 'Unauthorized');
  });

  it('validates with GET and HEAD, revokes with DELETE', async () => {
    const admin = await t.adminToken();
    const subject = await t.login('admin', ADMIN_PASSWORD, 'admin');
    const got = await t.request('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': subject } });
    assert.equal(got.status, 200);
    assert.equal(got.headers['x-subject-token'], subject);
    assert.equal(got.body.token.project.name, 'admin');
    const head = await t.request('HEAD', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': subject } });
    assert.equal(head.status, 200);
    const del = await t.request('DELETE', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': subject } });
    assert.equal(del.status, 204);
    const again = await t.request('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': subject } });
    assert.equal(again.status, 404);
    const used = await t.request('GET', '/identity/v3/projects', { token: subject });
    assert.equal(used.status, 401);
  });

  it('refuses requests without a valid token', async () => {
    const res = await t.request('GET', '/identity/v3/projects', { token: 'not-a-token' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.title, 'Unauthorized');
  });

  it('answers malformed bodies with a Keystone 400', async () => {
    const bad = await t.request('POST', '/identity/v3/auth/tokens', { rawBody: '{"auth": ', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 400);
    const wrongType = await t.request('POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: 'password' } } } });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.error.message, /methods/);
  });

  it('serves version discovery', async () => {
    const root = await t.request('GET', '/identity');
    assert.equal(root.status, 300);
    assert.equal(root.body.versions.values[0].id, 'v3.14');
    const v3 = await t.request('GET', '/identity/v3');
    assert.equal(v3.status, 200);
    assert.equal(v3.body.version.status, 'stable');
  });
});
