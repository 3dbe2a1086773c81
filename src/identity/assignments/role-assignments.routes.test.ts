import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const V3 = '/identity/v3';

interface Entry {
  role: { id: string; name?: string; domain?: { id: string; name: string } };
  user?: { id: string; name?: string; domain?: { id: string; name: string } };
  group?: { id: string; name?: string; domain?: { id: string; name: string } };
  scope: { project?: { id: string; name?: string; domain?: { id: string; name: string } }; domain?: { id: string; name?: string }; system?: { all: boolean } };
  links: { assignment: string; membership?: string; prior_role?: string };
}

describe('identity role assignments', () => {
  let t: TestCloud;
  let admin: string;
  let base: string;
  const roles: Record<string, string> = {};
  let alpha: { id: string; name: string };
  let beta: { id: string; name: string };
  let user: { id: string; name: string };
  let group: { id: string; name: string };

  async function list(query: string, token = admin): Promise<Entry[]> {
    const res = await t.request('GET', `${V3}/role_assignments${query}`, { token });
    assert.equal(res.status, 200, res.text);
    return res.body.role_assignments;
  }
  async function put(path: string) {
    const res = await t.request('PUT', `${V3}/${path}`, { token: admin });
    assert.equal(res.status, 204, `${path}: ${res.text}`);
  }
  const roleName = (id: string) => Object.keys(roles).find((n) => roles[n] === id);
  /** One comparable line per entry: role@scope, how it came. */
  const summary = (entries: Entry[]) => entries.map((e) => {
    const where = e.scope.project ? `project:${e.scope.project.id === alpha.id ? 'alpha' : 'beta'}` : e.scope.domain ? `domain:${e.scope.domain.id}` : 'system';
    const who = e.user ? (e.user.id === user.id ? 'user' : e.user.id) : `group:${e.group!.id === group.id ? 'g' : e.group!.id}`;
    return `${roleName(e.role.id)}@${where} ${who}${e.links.membership ? ' via-group' : ''}${e.links.prior_role ? ' implied' : ''}`;
  }).sort();

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    base = `${t.config.publicUrl}/identity/v3`;
    for (const r of (await t.request('GET', `${V3}/roles`, { token: admin })).body.roles) roles[r.name] = r.id;
    alpha = (await t.request('POST', `${V3}/projects`, { token: admin, body: { project: { name: 'alpha' } } })).body.project;
    beta = (await t.request('POST', `${V3}/projects`, { token: admin, body: { project: { name: 'beta' } } })).body.project;
    user = (await t.request('POST', `${V3}/users`, { token: admin, body: { user: { name: 'uma', password: 'pw-uma' } } })).body.user;
    group = (await t.request('POST', `${V3}/groups`, { token: admin, body: { group: { name: 'team' } } })).body.group;
    // uma: member of alpha through the team, admin of beta directly, reader on the default domain.
    await put(`groups/${group.id}/users/${user.id}`);
    await put(`projects/${alpha.id}/groups/${group.id}/roles/${roles.member}`);
    await put(`projects/${beta.id}/users/${user.id}/roles/${roles.admin}`);
    await put(`domains/default/users/${user.id}/roles/${roles.reader}`);
  });
  after(async () => { await t.close(); });

  it('lists direct assignments with filters', async () => {
    const mine = await list(`?user.id=${user.id}`);
    assert.deepEqual(summary(mine), ['admin@project:beta user', 'reader@domain:default user']);
    const onBeta = mine.find((e) => e.scope.project)!;
    assert.deepEqual(onBeta, {
      role: { id: roles.admin }, user: { id: user.id }, scope: { project: { id: beta.id } },
      links: { assignment: `${base}/projects/${beta.id}/users/${user.id}/roles/${roles.admin}` },
    });

    const onAlpha = await list(`?scope.project.id=${alpha.id}`);
    assert.deepEqual(onAlpha, [{
      role: { id: roles.member }, group: { id: group.id }, scope: { project: { id: alpha.id } },
      links: { assignment: `${base}/projects/${alpha.id}/groups/${group.id}/roles/${roles.member}` },
    }]);
    assert.deepEqual(summary(await list(`?group.id=${group.id}`)), ['member@project:alpha group:g']);
    assert.deepEqual(summary(await list(`?scope.domain.id=default`)), ['reader@domain:default user']);
    assert.deepEqual(summary(await list(`?role.id=${roles.reader}`)), ['reader@domain:default user'], 'direct mode does not expand');

    const system = await list('?scope.system=all');
    const adminId = t.cloud.bootstrap.adminUserId;
    assert.deepEqual(system, [{
      role: { id: roles.admin }, user: { id: adminId }, scope: { system: { all: true } },
      links: { assignment: `${base}/system/users/${adminId}/roles/${roles.admin}` },
    }]);

    const everything = await list('');
    assert.equal(everything.length, 5, 'admin on its project and the system, plus uma\'s three');
    const res = await t.request('GET', `${V3}/role_assignments?user.id=${user.id}`, { token: admin });
    assert.deepEqual(res.body.links, { self: `${base}/role_assignments?user.id=${user.id}`, previous: null, next: null });
  });

  it('expands groups and implied roles in effective mode', async () => {
    const eff = await list(`?effective&user.id=${user.id}`);
    assert.deepEqual(summary(eff), [
      'admin@project:beta user',
      'member@project:alpha user via-group',
      'member@project:beta user implied',
      'reader@domain:default user',
      'reader@project:alpha user via-group implied',
      'reader@project:beta user implied',
    ]);
    assert.ok(eff.every((e) => !e.group), 'effective lists no group entries');

    const viaGroup = eff.find((e) => e.scope.project?.id === alpha.id && e.role.id === roles.reader)!;
    assert.deepEqual(viaGroup.links, {
      assignment: `${base}/projects/${alpha.id}/groups/${group.id}/roles/${roles.member}`,
      membership: `${base}/groups/${group.id}/users/${user.id}`,
      prior_role: `${base}/roles/${roles.member}/implies/${roles.reader}`,
    });
    // Two steps down the chain, the assignment link still names the grant that exists.
    const deep = eff.find((e) => e.scope.project?.id === beta.id && e.role.id === roles.reader)!;
    assert.deepEqual(deep.links, {
      assignment: `${base}/projects/${beta.id}/users/${user.id}/roles/${roles.admin}`,
      prior_role: `${base}/roles/${roles.member}/implies/${roles.reader}`,
    });

    assert.deepEqual(summary(await list(`?effective&role.id=${roles.reader}&scope.project.id=${alpha.id}`)),
      ['reader@project:alpha user via-group implied']);
    assert.deepEqual(summary(await list(`?effective=true&user.id=${user.id}&scope.project.id=${beta.id}`)),
      ['admin@project:beta user', 'member@project:beta user implied', 'reader@project:beta user implied']);
    // What the listing promises is what the token holds.
    const token = await t.login('uma', 'pw-uma', 'alpha');
    const body = (await t.request('GET', `${V3}/auth/tokens`, { token: admin, headers: { 'x-subject-token': token } })).body;
    assert.deepEqual(body.token.roles.map((r: { name: string }) => r.name).sort(), ['member', 'reader']);
  });

  it('includes names and domains when asked', async () => {
    const named = await list(`?include_names=True&effective&user.id=${user.id}&scope.project.id=${alpha.id}`);
    const member = named.find((e) => e.role.id === roles.member)!;
    assert.deepEqual(member.role, { id: roles.member, name: 'member' });
    assert.deepEqual(member.user, { id: user.id, name: 'uma', domain: { id: 'default', name: 'Default' } });
    assert.deepEqual(member.scope, { project: { id: alpha.id, name: 'alpha', domain: { id: 'default', name: 'Default' } } });

    const groups = await list(`?include_names&group.id=${group.id}`);
    assert.deepEqual(groups[0]!.group, { id: group.id, name: 'team', domain: { id: 'default', name: 'Default' } });
    const domains = await list(`?include_names=1&scope.domain.id=default`);
    assert.deepEqual(domains[0]!.scope, { domain: { id: 'default', name: 'Default' } });

    const local = (await t.request('POST', `${V3}/roles`, { token: admin, body: { role: { name: 'local', domain_id: 'default' } } })).body.role;
    roles.local = local.id;
    await put(`projects/${alpha.id}/groups/${group.id}/roles/${local.id}`);
    const withLocal = await list(`?include_names&role.id=${local.id}`);
    assert.deepEqual(withLocal[0]!.role, { id: local.id, name: 'local', domain: { id: 'default', name: 'Default' } });
    await t.request('DELETE', `${V3}/projects/${alpha.id}/groups/${group.id}/roles/${local.id}`, { token: admin });
  });

  it('leaves domain-specific roles out of effective listings but keeps what they imply', async () => {
    const dom = (await t.request('POST', `${V3}/roles`, { token: admin, body: { role: { name: 'dom-helper', domain_id: 'default' } } })).body.role;
    roles['dom-helper'] = dom.id;
    assert.equal((await t.request('PUT', `${V3}/roles/${dom.id}/implies/${roles.reader}`, { token: admin })).status, 201);
    const other = (await t.request('POST', `${V3}/users`, { token: admin, body: { user: { name: 'vic', password: 'pw-vic' } } })).body.user;
    await put(`projects/${alpha.id}/users/${other.id}/roles/${dom.id}`);
    assert.deepEqual((await list(`?user.id=${other.id}`)).map((e) => roleName(e.role.id)), ['dom-helper']);
    const eff = await list(`?effective&user.id=${other.id}`);
    assert.deepEqual(eff.map((e) => roleName(e.role.id)), ['reader']);
    assert.equal(eff[0]!.links.assignment, `${base}/projects/${alpha.id}/users/${other.id}/roles/${dom.id}`);
    const token = await t.login('vic', 'pw-vic', 'alpha');
    const body = (await t.request('GET', `${V3}/auth/tokens`, { token: admin, headers: { 'x-subject-token': token } })).body;
    assert.deepEqual(body.token.roles.map((r: { name: string }) => r.name), ['reader']);
  });

  it('refuses contradictory filters with Keystone 400s', async () => {
    for (const query of [
      `?user.id=${user.id}&group.id=${group.id}`,
      `?scope.project.id=${alpha.id}&scope.domain.id=default`,
      `?scope.project.id=${alpha.id}&scope.system=all`,
      '?scope.domain.id=default&scope.system=all',
      `?effective&group.id=${group.id}`,
      '?scope.system=some',
      '?effective=maybe',
      '?include_subtree=true',
    ]) {
      const res = await t.request('GET', `${V3}/role_assignments${query}`, { token: admin });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 400);
      assert.equal(res.body.error.title, 'Bad Request');
    }
    assert.deepEqual(await list('?user.id=nobody'), []);
    assert.deepEqual(await list('?scope.OS-INHERIT:inherited_to=projects'), []);
  });

  it('lists a project subtree when include_subtree is set', async () => {
    const child = (await t.request('POST', `${V3}/projects`, { token: admin, body: { project: { name: 'alpha-child', parent_id: alpha.id } } })).body.project;
    await put(`projects/${child.id}/users/${user.id}/roles/${roles.reader}`);
    const tree = await list(`?scope.project.id=${alpha.id}&include_subtree=true`);
    assert.deepEqual([...new Set(tree.map((e) => e.scope.project!.id))].sort(), [alpha.id, child.id].sort());
    assert.deepEqual(tree.filter((e) => e.scope.project!.id === child.id).map((e) => e.user!.id), [user.id]);
    const flat = await list(`?scope.project.id=${alpha.id}`);
    assert.deepEqual([...new Set(flat.map((e) => e.scope.project!.id))], [alpha.id]);
    const unknown = await t.request('GET', `${V3}/role_assignments?scope.project.id=nope&include_subtree=true`, { token: admin });
    assert.equal(unknown.status, 404);
    await t.request('DELETE', `${V3}/projects/${child.id}/users/${user.id}/roles/${roles.reader}`, { token: admin });
  });

  it('is for admins only', async () => {
    const token = await t.login('uma', 'pw-uma', 'alpha');
    for (const query of ['', `?user.id=${user.id}`, `?effective&user.id=${user.id}`]) {
      const res = await t.request('GET', `${V3}/role_assignments${query}`, { token });
      assert.equal(res.status, 403, query);
      assert.equal(res.body.error.title, 'Forbidden');
    }
  });
});
