import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const V3 = '/identity/v3';

describe('identity groups', () => {
  let t: TestCloud;
  let admin: string;
  let project: { id: string; name: string };
  let memberRole: string;

  async function createUser(name: string, password = `pw-${name}`) {
    const res = await t.request('POST', `${V3}/users`, { token: admin, body: { user: { name, password } } });
    assert.equal(res.status, 201, res.text);
    return res.body.user as { id: string; name: string };
  }

  async function createGroup(name: string, extra: Record<string, unknown> = {}) {
    const res = await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { name, ...extra } } });
    assert.equal(res.status, 201, res.text);
    return res.body.group as { id: string; name: string; domain_id: string; description: string };
  }

  /** A user with only the member role on `project`, and its token. */
  async function memberUser(name: string) {
    const u = await createUser(name);
    const grant = await t.request('PUT', `${V3}/projects/${project.id}/users/${u.id}/roles/${memberRole}`, { token: admin });
    assert.equal(grant.status, 204, grant.text);
    return { ...u, token: await t.login(name, `pw-${name}`, project.name) };
  }

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    project = (await t.request('POST', `${V3}/projects`, { token: admin, body: { project: { name: 'grp-demo' } } })).body.project;
    memberRole = (await t.request('GET', `${V3}/roles?name=member`, { token: admin })).body.roles[0].id;
  });
  after(async () => { await t.close(); });

  it('creates, shows, lists, updates and deletes groups', async () => {
    const g = await createGroup('developers', { description: 'Contract developers' });
    assert.match(g.id, /^[0-9a-f]{32}$/);
    assert.equal(g.domain_id, 'default');
    assert.equal(g.description, 'Contract developers');
    const shown = await t.request('GET', `${V3}/groups/${g.id}`, { token: admin });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.group, { ...g, links: { self: `${t.config.publicUrl}/identity/v3/groups/${g.id}` } });

    await createGroup('operators');
    const byName = await t.request('GET', `${V3}/groups?name=developers`, { token: admin });
    assert.deepEqual(byName.body.groups.map((x: { id: string }) => x.id), [g.id]);
    assert.equal(byName.body.links.next, null);
    const byDomain = await t.request('GET', `${V3}/groups?domain_id=default`, { token: admin });
    assert.deepEqual(byDomain.body.groups.map((x: { name: string }) => x.name), ['developers', 'operators']);
    assert.equal((await t.request('GET', `${V3}/groups?domain_id=nowhere`, { token: admin })).body.groups.length, 0);

    const patched = await t.request('PATCH', `${V3}/groups/${g.id}`, { token: admin, body: { group: { name: 'devs', description: 'd2' } } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.group.name, 'devs');
    assert.equal(patched.body.group.description, 'd2');
    assert.equal((await t.request('GET', `${V3}/groups/${g.id}`, { token: admin })).body.group.name, 'devs');

    assert.equal((await t.request('DELETE', `${V3}/groups/${g.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${V3}/groups/${g.id}`, { token: admin })).status, 404);
    assert.equal((await t.request('DELETE', `${V3}/groups/${g.id}`, { token: admin })).status, 404);
  });

  it('refuses bad input with Keystone error bodies', async () => {
    const missing = await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { description: 'x' } } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 400);
    assert.match(missing.body.error.message, /name/);
    assert.equal((await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { name: '' } } })).status, 400);
    assert.equal((await t.request('POST', `${V3}/groups`, { token: admin, body: { name: 'flat' } })).status, 400);

    const unknownDomain = await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { name: 'x', domain_id: 'nowhere' } } });
    assert.equal(unknownDomain.status, 404);
    assert.match(unknownDomain.body.error.message, /domain: nowhere/);

    const g = await createGroup('unique-one');
    const dup = await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { name: 'unique-one' } } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.title, 'Conflict');
    const other = await createGroup('unique-two');
    assert.equal((await t.request('PATCH', `${V3}/groups/${other.id}`, { token: admin, body: { group: { name: 'unique-one' } } })).status, 409);
    const move = await t.request('PATCH', `${V3}/groups/${g.id}`, { token: admin, body: { group: { domain_id: 'elsewhere' } } });
    assert.equal(move.status, 400);
    assert.match(move.body.error.message, /domain_id/);

    const unknown = await t.request('GET', `${V3}/groups/nope`, { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, 'Could not find group: nope.');
    assert.equal((await t.request('PATCH', `${V3}/groups/nope`, { token: admin, body: { group: { name: 'n' } } })).status, 404);
  });

  it('manages membership', async () => {
    const g = await createGroup('members-of');
    const u = await createUser('gwen');
    const url = `${V3}/groups/${g.id}/users/${u.id}`;
    assert.equal((await t.request('HEAD', url, { token: admin })).status, 404);
    const notMember = await t.request('GET', url, { token: admin });
    assert.equal(notMember.status, 404);
    assert.match(notMember.body.error.message, /not found in group/);

    assert.equal((await t.request('PUT', url, { token: admin })).status, 204);
    assert.equal((await t.request('PUT', url, { token: admin })).status, 204, 'adding twice is idempotent');
    assert.equal((await t.request('HEAD', url, { token: admin })).status, 204);
    assert.equal((await t.request('GET', url, { token: admin })).status, 204);

    const users = await t.request('GET', `${V3}/groups/${g.id}/users`, { token: admin });
    assert.equal(users.status, 200);
    assert.deepEqual(users.body.users.map((x: { id: string }) => x.id), [u.id]);
    assert.ok(!users.text.includes('scrypt'));
    assert.equal((await t.request('GET', `${V3}/groups/${g.id}/users?name=other`, { token: admin })).body.users.length, 0);

    const groups = await t.request('GET', `${V3}/users/${u.id}/groups`, { token: admin });
    assert.equal(groups.status, 200);
    assert.equal(groups.body.groups.length, 1);
    assert.equal(groups.body.groups[0].id, g.id);
    assert.equal(groups.body.groups[0].membership_expires_at, null);
    assert.match(groups.body.links.self, new RegExp(`/users/${u.id}/groups$`));

    assert.equal((await t.request('DELETE', url, { token: admin })).status, 204);
    assert.equal((await t.request('DELETE', url, { token: admin })).status, 404);
    assert.equal((await t.request('HEAD', url, { token: admin })).status, 404);
    assert.equal((await t.request('GET', `${V3}/groups/${g.id}/users`, { token: admin })).body.users.length, 0);

    const noUser = await t.request('PUT', `${V3}/groups/${g.id}/users/nobody`, { token: admin });
    assert.equal(noUser.status, 404);
    assert.equal(noUser.body.error.message, 'Could not find user: nobody.');
    assert.equal((await t.request('PUT', `${V3}/groups/nogroup/users/${u.id}`, { token: admin })).status, 404);
    assert.equal((await t.request('GET', `${V3}/groups/nogroup/users`, { token: admin })).status, 404);
    assert.equal((await t.request('GET', `${V3}/users/nobody/groups`, { token: admin })).status, 404);
  });

  it('deleting a group removes its memberships and role assignments', async () => {
    const g = await createGroup('doomed');
    const u = await createUser('hugo');
    await t.request('PUT', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin });
    const grant = await t.request('PUT', `${V3}/projects/${project.id}/groups/${g.id}/roles/${memberRole}`, { token: admin });
    assert.equal(grant.status, 204);
    // The group's grant is what lets hugo in.
    const token = await t.login('hugo', 'pw-hugo', project.name);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token })).status, 200);

    assert.equal((await t.request('DELETE', `${V3}/groups/${g.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${V3}/users/${u.id}/groups`, { token: admin })).body.groups.length, 0);
    const left = await t.request('GET', `${V3}/role_assignments?group.id=${g.id}`, { token: admin });
    assert.equal(left.status, 200);
    assert.deepEqual(left.body.role_assignments, []);
    assert.equal((await t.request('GET', `${V3}/projects/${project.id}`, { token })).status, 401);
    await assert.rejects(t.login('hugo', 'pw-hugo', project.name));
  });

  it('lets a member list only its own groups and nothing else', async () => {
    const g = await createGroup('guarded');
    const m = await memberUser('ivy');
    await t.request('PUT', `${V3}/groups/${g.id}/users/${m.id}`, { token: admin });
    const own = await t.request('GET', `${V3}/users/${m.id}/groups`, { token: m.token });
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.groups.map((x: { id: string }) => x.id), [g.id]);

    const adminUserId = t.cloud.bootstrap.adminUserId;
    for (const [method, url, body] of [
      ['GET', `${V3}/groups`, undefined],
      ['POST', `${V3}/groups`, { group: { name: 'mine' } }],
      ['GET', `${V3}/groups/${g.id}`, undefined],
      ['PATCH', `${V3}/groups/${g.id}`, { group: { name: 'hijacked' } }],
      ['DELETE', `${V3}/groups/${g.id}`, undefined],
      ['GET', `${V3}/groups/${g.id}/users`, undefined],
      ['PUT', `${V3}/groups/${g.id}/users/${adminUserId}`, undefined],
      ['HEAD', `${V3}/groups/${g.id}/users/${m.id}`, undefined],
      ['DELETE', `${V3}/groups/${g.id}/users/${m.id}`, undefined],
      ['GET', `${V3}/users/${adminUserId}/groups`, undefined],
    ] as const) {
      const res = await t.request(method, url, { token: m.token, body });
      assert.equal(res.status, 403, `${method} ${url}`);
      if (method !== 'HEAD') assert.equal(res.body.error.title, 'Forbidden');
    }
    assert.equal((await t.request('GET', `${V3}/groups/${g.id}`, { token: admin })).body.group.name, 'guarded');
    assert.equal((await t.request('HEAD', `${V3}/groups/${g.id}/users/${m.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${V3}/groups?name=mine`, { token: admin })).body.groups.length, 0);
  });
});
