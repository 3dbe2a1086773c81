import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

describe('identity users', () => {
  let t: TestCloud;
  let admin: string;
  let project: { id: string; name: string };
  let memberRole: string;

  /** A user with only the member role on `project`, through the API. */
  async function memberUser(name: string, password: string) {
    const u = (await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name, password, email: `${name}@example.org` } } })).body.user;
    const grant = await t.request('PUT', `/identity/v3/projects/${project.id}/users/${u.id}/roles/${memberRole}`, { token: admin });
    assert.equal(grant.status, 204, grant.text);
    return u as { id: string };
  }

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    project = (await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 'demo' } } })).body.project;
    const roles = await t.request('GET', '/identity/v3/roles?name=member', { token: admin });
    memberRole = roles.body?.roles?.[0]?.id;
  });
  after(async () => { await t.close(); });

  it('creates users without ever returning the password', async () => {
    const res = await t.request('POST', '/identity/v3/users', {
      token: admin, body: { user: { name: 'carol', password: 'pw-carol', email: 'carol@example.org' } },
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.user.email, 'carol@example.org');
    assert.equal(res.body.user.domain_id, 'default');
    assert.equal(res.body.user.password_expires_at, null);
    assert.ok(!res.text.includes('pw-carol'));
    assert.ok(!res.text.includes('scrypt'));
    const dup = await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name: 'carol' } } });
    assert.equal(dup.status, 409);
  });

  it('lets a member read itself and its projects but nothing across projects', async () => {
    const u = await memberUser('dave', 'pw-dave');
    const token = await t.login('dave', 'pw-dave', 'demo');
    assert.equal((await t.request('GET', `/identity/v3/users/${u.id}`, { token })).status, 200);
    const mine = await t.request('GET', `/identity/v3/users/${u.id}/projects`, { token });
    assert.deepEqual(mine.body.projects.map((p: { name: string }) => p.name), ['demo']);
    assert.equal((await t.request('GET', `/identity/v3/projects/${project.id}`, { token })).status, 200);

    for (const [method, url, body] of [
      ['GET', '/identity/v3/users', undefined],
      ['POST', '/identity/v3/users', { user: { name: 'mallory' } }],
      ['GET', '/identity/v3/projects', undefined],
      ['POST', '/identity/v3/projects', { project: { name: 'evil' } }],
      ['PATCH', `/identity/v3/users/${u.id}`, { user: { enabled: true } }],
      ['GET', '/identity/v3/domains', undefined],
      ['DELETE', `/identity/v3/projects/${project.id}`, undefined],
    ] as const) {
      const res = await t.request(method, url, { token, body });
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.equal(res.body.error.title, 'Forbidden');
    }
    assert.equal((await t.request('GET', '/identity/v3/projects?name=evil', { token: admin })).body.projects.length, 0);
  });

  it('changes its own password, which revokes its tokens', async () => {
    const u = await memberUser('erin', 'pw-erin-1');
    const token = await t.login('erin', 'pw-erin-1', 'demo');
    const wrong = await t.request('POST', `/identity/v3/users/${u.id}/password`, {
      token, body: { user: { original_password: 'nope', password: 'pw-erin-2' } },
    });
    assert.equal(wrong.status, 401);
    const ok = await t.request('POST', `/identity/v3/users/${u.id}/password`, {
      token, body: { user: { original_password: 'pw-erin-1', password: 'pw-erin-2' } },
    });
    assert.equal(ok.status, 204);
    assert.equal((await t.request('GET', `/identity/v3/users/${u.id}`, { token })).status, 401);
    await assert.rejects(t.login('erin', 'pw-erin-1', 'demo'));
    assert.ok(await t.login('erin', 'pw-erin-2', 'demo'));
  });

  it('revokes tokens when the user or its project is disabled', async () => {
    const u = await memberUser('frank', 'pw-frank');
    const token = await t.login('frank', 'pw-frank', 'demo');
    await t.request('PATCH', `/identity/v3/users/${u.id}`, { token: admin, body: { user: { enabled: false } } });
    assert.equal((await t.request('GET', `/identity/v3/users/${u.id}`, { token })).status, 401);
    await assert.rejects(t.login('frank', 'pw-frank', 'demo'));
    await t.request('PATCH', `/identity/v3/users/${u.id}`, { token: admin, body: { user: { enabled: true } } });
    assert.equal((await t.request('GET', `/identity/v3/users/${u.id}`, { token })).status, 401, 'a re-enabled user keeps old tokens revoked');

    const p2 = (await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 'p2' } } })).body.project;
    await t.request('PUT', `/identity/v3/projects/${p2.id}/users/${u.id}/roles/${memberRole}`, { token: admin });
    const scoped = await t.login('frank', 'pw-frank', 'p2');
    await t.request('PATCH', `/identity/v3/projects/${p2.id}`, { token: admin, body: { project: { enabled: false } } });
    assert.equal((await t.request('GET', `/identity/v3/users/${u.id}`, { token: scoped })).status, 401);
  });

  it('filters, updates and deletes', async () => {
    const u = (await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name: 'gina', enabled: false } } })).body.user;
    const off = await t.request('GET', '/identity/v3/users?enabled=false', { token: admin });
    assert.deepEqual(off.body.users.map((x: { name: string }) => x.name), ['gina']);
    const renamed = await t.request('PATCH', `/identity/v3/users/${u.id}`, { token: admin, body: { user: { name: 'gina2', description: 'd' } } });
    assert.equal(renamed.body.user.name, 'gina2');
    assert.equal(renamed.body.user.description, 'd');
    assert.equal((await t.request('DELETE', `/identity/v3/users/${u.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('DELETE', `/identity/v3/users/${u.id}`, { token: admin })).status, 404);
    const badQuery = await t.request('GET', '/identity/v3/users?enabled=maybe', { token: admin });
    assert.equal(badQuery.status, 400);
  });
});
