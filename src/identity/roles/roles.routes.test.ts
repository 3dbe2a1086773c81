import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const V3 = '/identity/v3';

describe('identity roles', () => {
  let t: TestCloud;
  let admin: string;
  let project: { id: string; name: string };
  let memberRole: string;

  async function createRole(role: Record<string, unknown>) {
    const res = await t.request('POST', `${V3}/roles`, { token: admin, body: { role } });
    assert.equal(res.status, 201, res.text);
    return res.body.role as { id: string; name: string; domain_id: string | null };
  }

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    project = (await t.request('POST', `${V3}/projects`, { token: admin, body: { project: { name: 'role-demo' } } })).body.project;
    memberRole = (await t.request('GET', `${V3}/roles?name=member`, { token: admin })).body.roles[0].id;
  });
  after(async () => { await t.close(); });

  it('lists the bootstrapped roles and filters by name', async () => {
    const res = await t.request('GET', `${V3}/roles`, { token: admin });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.roles.map((r: { name: string }) => r.name), ['admin', 'member', 'reader']);
    const first = res.body.roles[0];
    assert.equal(first.domain_id, null);
    assert.deepEqual(first.options, {});
    assert.equal(first.links.self, `${t.config.publicUrl}/identity/v3/roles/${first.id}`);
    assert.deepEqual(res.body.links, { self: `${t.config.publicUrl}/identity/v3/roles`, previous: null, next: null });
    const one = await t.request('GET', `${V3}/roles?name=reader`, { token: admin });
    assert.deepEqual(one.body.roles.map((r: { name: string }) => r.name), ['reader']);
  });

  it('creates, shows, updates and deletes global and domain roles', async () => {
    const dev = await createRole({ name: 'developer', description: 'My new role' });
    const shown = await t.request('GET', `${V3}/roles/${dev.id}`, { token: admin });
    assert.deepEqual(shown.body.role, {
      id: dev.id, name: 'developer', domain_id: null, description: 'My new role', options: {},
      links: { self: `${t.config.publicUrl}/identity/v3/roles/${dev.id}` },
    });
    const plain = await createRole({ name: 'plain' });
    assert.equal((plain as unknown as { description: unknown }).description, null);

    // Names are unique per domain: the same name may exist once globally and once per domain.
    const scoped = await createRole({ name: 'developer', domain_id: 'default' });
    assert.equal(scoped.domain_id, 'default');
    const global = await t.request('GET', `${V3}/roles?name=developer`, { token: admin });
    assert.deepEqual(global.body.roles.map((r: { id: string }) => r.id), [dev.id]);
    const inDomain = await t.request('GET', `${V3}/roles?domain_id=default`, { token: admin });
    assert.deepEqual(inDomain.body.roles.map((r: { id: string }) => r.id), [scoped.id]);

    const patched = await t.request('PATCH', `${V3}/roles/${dev.id}`, { token: admin, body: { role: { name: 'dev', description: null } } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.role.name, 'dev');
    assert.equal(patched.body.role.description, null);
    assert.equal((await t.request('GET', `${V3}/roles/${dev.id}`, { token: admin })).body.role.name, 'dev');

    assert.equal((await t.request('DELETE', `${V3}/roles/${dev.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${V3}/roles/${dev.id}`, { token: admin })).status, 404);
    assert.equal((await t.request('DELETE', `${V3}/roles/${dev.id}`, { token: admin })).status, 404);
  });

  it('refuses bad input with Keystone error bodies', async () => {
    for (const role of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(256) }, { name: 'o', options: { sticky: true } }, { name: 5 }]) {
      const res = await t.request('POST', `${V3}/roles`, { token: admin, body: { role } });
      assert.equal(res.status, 400, JSON.stringify(role));
      assert.equal(res.body.error.code, 400);
      assert.equal(res.body.error.title, 'Bad Request');
    }
    const dup = await t.request('POST', `${V3}/roles`, { token: admin, body: { role: { name: 'member' } } });
    assert.equal(dup.status, 409);
    assert.match(dup.body.error.message, /Duplicate entry/);
    const other = await createRole({ name: 'renamable' });
    assert.equal((await t.request('PATCH', `${V3}/roles/${other.id}`, { token: admin, body: { role: { name: 'reader' } } })).status, 409);
    const move = await t.request('PATCH', `${V3}/roles/${other.id}`, { token: admin, body: { role: { domain_id: 'default' } } });
    assert.equal(move.status, 400);
    const noDomain = await t.request('POST', `${V3}/roles`, { token: admin, body: { role: { name: 'r', domain_id: 'nowhere' } } });
    assert.equal(noDomain.status, 404);
    const unknown = await t.request('GET', `${V3}/roles/nope`, { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, 'Could not find role: nope.');
    assert.equal((await t.request('PATCH', `${V3}/roles/nope`, { token: admin, body: { role: { name: 'n' } } })).status, 404);
  });

  it('protects immutable roles until the option is cleared', async () => {
    const r = await createRole({ name: 'frozen', options: { immutable: true } });
    assert.deepEqual((r as unknown as { options: unknown }).options, { immutable: true });
    assert.equal((await t.request('DELETE', `${V3}/roles/${r.id}`, { token: admin })).status, 403);
    assert.equal((await t.request('PATCH', `${V3}/roles/${r.id}`, { token: admin, body: { role: { name: 'thawed' } } })).status, 403);
    const cleared = await t.request('PATCH', `${V3}/roles/${r.id}`, { token: admin, body: { role: { options: { immutable: false } } } });
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.body.role.options, {});
    assert.equal((await t.request('DELETE', `${V3}/roles/${r.id}`, { token: admin })).status, 204);
  });

  it('deleting a role removes its grants and inference rules', async () => {
    const r = await createRole({ name: 'short-lived' });
    const u = (await t.request('POST', `${V3}/users`, { token: admin, body: { user: { name: 'kim', password: 'pw-kim' } } })).body.user;
    assert.equal((await t.request('PUT', `${V3}/projects/${project.id}/users/${u.id}/roles/${r.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('PUT', `${V3}/roles/${r.id}/implies/${memberRole}`, { token: admin })).status, 201);
    const token = await t.login('kim', 'pw-kim', project.name);

    assert.equal((await t.request('DELETE', `${V3}/roles/${r.id}`, { token: admin })).status, 204);
    const grants = await t.request('GET', `${V3}/role_assignments?role.id=${r.id}`, { token: admin });
    assert.deepEqual(grants.body.role_assignments, []);
    const rules = await t.request('GET', `${V3}/role_inferences`, { token: admin });
    assert.ok(!rules.text.includes(r.id));
    assert.deepEqual((await t.request('GET', `${V3}/projects/${project.id}/users/${u.id}/roles`, { token: admin })).body.roles, []);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token })).status, 401);
  });

  it('keeps members away from role administration', async () => {
    const u = (await t.request('POST', `${V3}/users`, { token: admin, body: { user: { name: 'lee', password: 'pw-lee' } } })).body.user;
    await t.request('PUT', `${V3}/projects/${project.id}/users/${u.id}/roles/${memberRole}`, { token: admin });
    const token = await t.login('lee', 'pw-lee', project.name);
    for (const [method, url, body] of [
      ['GET', `${V3}/roles`, undefined],
      ['POST', `${V3}/roles`, { role: { name: 'superuser' } }],
      ['GET', `${V3}/roles/${memberRole}`, undefined],
      ['PATCH', `${V3}/roles/${memberRole}`, { role: { name: 'boss' } }],
      ['DELETE', `${V3}/roles/${memberRole}`, undefined],
    ] as const) {
      const res = await t.request(method, url, { token, body });
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.equal(res.body.error.title, 'Forbidden');
    }
    assert.equal((await t.request('GET', `${V3}/roles?name=superuser`, { token: admin })).body.roles.length, 0);
    assert.equal((await t.request('GET', `${V3}/roles/${memberRole}`, { token: admin })).body.role.name, 'member');
  });
});
