import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const V3 = '/identity/v3';

describe('identity grants', () => {
  let t: TestCloud;
  let admin: string;
  let project: { id: string; name: string };
  const roles: Record<string, string> = {};

  async function createUser(name: string) {
    const res = await t.request('POST', `${V3}/users`, { token: admin, body: { user: { name, password: `pw-${name}` } } });
    assert.equal(res.status, 201, res.text);
    return res.body.user as { id: string };
  }
  async function grant(path: string, expected = 204) {
    const res = await t.request('PUT', `${V3}/${path}`, { token: admin });
    assert.equal(res.status, expected, `${path}: ${res.text}`);
  }

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    project = (await t.request('POST', `${V3}/projects`, { token: admin, body: { project: { name: 'grant-demo' } } })).body.project;
    for (const r of (await t.request('GET', `${V3}/roles`, { token: admin })).body.roles) roles[r.name] = r.id;
  });
  after(async () => { await t.close(); });

  it('grants, checks, lists and revokes on every target for users and groups', async () => {
    const u = await createUser('nina');
    const g = (await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { name: 'grantees' } } })).body.group;
    const targets = [`projects/${project.id}`, 'domains/default', 'system'];
    for (const target of targets) {
      for (const actor of [`users/${u.id}`, `groups/${g.id}`]) {
        const one = `${V3}/${target}/${actor}/roles/${roles.reader}`;
        assert.equal((await t.request('HEAD', one, { token: admin })).status, 404, one);
        const missing = await t.request('GET', one, { token: admin });
        assert.equal(missing.status, 404);
        assert.match(missing.body.error.message, /^Could not find role assignment with role: /);

        assert.equal((await t.request('PUT', one, { token: admin })).status, 204, one);
        assert.equal((await t.request('PUT', one, { token: admin })).status, 204, `${one} twice`);
        assert.equal((await t.request('HEAD', one, { token: admin })).status, 204);
        const check = await t.request('GET', one, { token: admin });
        assert.equal(check.status, 204);
        assert.equal(check.text, '');

        const list = await t.request('GET', `${V3}/${target}/${actor}/roles`, { token: admin });
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.roles.map((r: { name: string }) => r.name), ['reader']);
        assert.equal(list.body.roles[0].domain_id, null);
        assert.equal(list.body.roles[0].links.self, `${t.config.publicUrl}/identity/v3/roles/${roles.reader}`);
        assert.deepEqual(list.body.links, { self: `${t.config.publicUrl}/identity/v3/${target}/${actor}/roles`, previous: null, next: null });

        assert.equal((await t.request('DELETE', one, { token: admin })).status, 204);
        assert.equal((await t.request('DELETE', one, { token: admin })).status, 404);
        assert.equal((await t.request('HEAD', one, { token: admin })).status, 404);
        assert.deepEqual((await t.request('GET', `${V3}/${target}/${actor}/roles`, { token: admin })).body.roles, []);
      }
    }
    // The bootstrapped admin holds admin on the system.
    const sys = await t.request('GET', `${V3}/system/users/${t.cloud.bootstrap.adminUserId}/roles`, { token: admin });
    assert.deepEqual(sys.body.roles.map((r: { name: string }) => r.name), ['admin']);
  });

  it('answers 404 for unknown projects, domains, users, groups and roles', async () => {
    const u = await createUser('omar');
    const cases = [
      [`projects/nope/users/${u.id}/roles/${roles.member}`, 'project: nope'],
      [`domains/nope/users/${u.id}/roles/${roles.member}`, 'domain: nope'],
      [`projects/${project.id}/users/nope/roles/${roles.member}`, 'user: nope'],
      [`projects/${project.id}/groups/nope/roles/${roles.member}`, 'group: nope'],
      [`system/users/nope/roles/${roles.member}`, 'user: nope'],
      [`projects/${project.id}/users/${u.id}/roles/nope`, 'role: nope'],
      [`system/groups/${u.id}/roles/${roles.member}`, `group: ${u.id}`],
    ];
    for (const [path, what] of cases) {
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const res = await t.request(method, `${V3}/${path}`, { token: admin });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(res.body.error.message, `Could not find ${what}.`, `${method} ${path}`);
      }
      assert.equal((await t.request('HEAD', `${V3}/${path}`, { token: admin })).status, 404);
    }
    assert.equal((await t.request('GET', `${V3}/projects/nope/users/${u.id}/roles`, { token: admin })).status, 404);
    assert.equal((await t.request('GET', `${V3}/domains/default/groups/nope/roles`, { token: admin })).status, 404);
  });

  it('keeps domain-specific roles inside their domain and off the system', async () => {
    const u = await createUser('pia');
    const dom = (await t.request('POST', `${V3}/domains`, { token: admin, body: { domain: { name: 'elsewhere' } } })).body.domain;
    const foreign = (await t.request('POST', `${V3}/roles`, { token: admin, body: { role: { name: 'local', domain_id: dom.id } } })).body.role;
    const mismatch = await t.request('PUT', `${V3}/projects/${project.id}/users/${u.id}/roles/${foreign.id}`, { token: admin });
    assert.equal(mismatch.status, 403);
    assert.match(mismatch.body.error.message, /same domain/);
    const system = await t.request('PUT', `${V3}/system/users/${u.id}/roles/${foreign.id}`, { token: admin });
    assert.equal(system.status, 400);
    assert.match(system.body.error.message, /domain-specific/);
    const home = (await t.request('POST', `${V3}/roles`, { token: admin, body: { role: { name: 'local', domain_id: 'default' } } })).body.role;
    await grant(`projects/${project.id}/users/${u.id}/roles/${home.id}`);
  });

  it('revokes access at once when a grant is removed, even for issued tokens', async () => {
    const u = await createUser('quinn');
    await grant(`projects/${project.id}/users/${u.id}/roles/${roles.member}`);
    await grant(`projects/${project.id}/users/${u.id}/roles/${roles.admin}`);
    const token = await t.login('quinn', 'pw-quinn', project.name);
    assert.equal((await t.request('GET', `${V3}/users`, { token })).status, 200, 'admin on the project may list users');

    assert.equal((await t.request('DELETE', `${V3}/projects/${project.id}/users/${u.id}/roles/${roles.admin}`, { token: admin })).status, 204);
    const demoted = await t.request('GET', `${V3}/users`, { token });
    assert.equal(demoted.status, 403, 'the same token lost admin');
    const validated = await t.request('GET', `${V3}/auth/tokens`, { token: admin, headers: { 'x-subject-token': token } });
    assert.deepEqual(validated.body.token.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader']);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token })).status, 200, 'still a member');

    assert.equal((await t.request('DELETE', `${V3}/projects/${project.id}/users/${u.id}/roles/${roles.member}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token })).status, 401, 'no role left: the token is dead');
    await assert.rejects(t.login('quinn', 'pw-quinn', project.name));
  });

  it('revokes access given through a group when the membership or the group grant goes', async () => {
    const u = await createUser('rita');
    const g = (await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { name: 'via-group' } } })).body.group;
    await grant(`groups/${g.id}/users/${u.id}`);
    await grant(`projects/${project.id}/groups/${g.id}/roles/${roles.member}`);
    const token = await t.login('rita', 'pw-rita', project.name);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token })).status, 200);
    assert.equal((await t.request('DELETE', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token })).status, 401);

    await grant(`groups/${g.id}/users/${u.id}`);
    const again = await t.login('rita', 'pw-rita', project.name);
    assert.equal((await t.request('DELETE', `${V3}/projects/${project.id}/groups/${g.id}/roles/${roles.member}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token: again })).status, 401);
  });

  it('keeps members away from grants', async () => {
    const u = await createUser('sam');
    await grant(`projects/${project.id}/users/${u.id}/roles/${roles.member}`);
    const token = await t.login('sam', 'pw-sam', project.name);
    const self = `projects/${project.id}/users/${u.id}/roles`;
    for (const [method, path] of [
      ['PUT', `${self}/${roles.admin}`],
      ['GET', `${self}/${roles.member}`],
      ['HEAD', `${self}/${roles.member}`],
      ['DELETE', `${self}/${roles.member}`],
      ['GET', self],
      ['PUT', `domains/default/users/${u.id}/roles/${roles.admin}`],
      ['GET', `domains/default/users/${u.id}/roles`],
      ['PUT', `system/users/${u.id}/roles/${roles.admin}`],
      ['GET', `system/users/${u.id}/roles`],
      ['HEAD', `system/users/${u.id}/roles/${roles.admin}`],
      ['DELETE', `system/users/${t.cloud.bootstrap.adminUserId}/roles/${roles.admin}`],
    ] as const) {
      const res = await t.request(method, `${V3}/${path}`, { token });
      assert.equal(res.status, 403, `${method} ${path}`);
      if (method !== 'HEAD') assert.equal(res.body.error.title, 'Forbidden');
    }
    const mine = await t.request('GET', `${V3}/${self}`, { token: admin });
    assert.deepEqual(mine.body.roles.map((r: { name: string }) => r.name), ['member']);
    assert.equal((await t.request('HEAD', `${V3}/system/users/${u.id}/roles/${roles.admin}`, { token: admin })).status, 404);
  });
});
