import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

describe('identity projects and domains', () => {
  let t: TestCloud;
  let admin: string;
  before(async () => { t = await startTestCloud(); admin = await t.adminToken(); });
  after(async () => { await t.close(); });

  it('creates, shows, lists, updates and deletes a project', async () => {
    const created = await t.request('POST', '/identity/v3/projects', {
      token: admin, body: { project: { name: 'alpha', description: 'first', tags: ['blue'] } },
    });
    assert.equal(created.status, 201);
    const p = created.body.project;
    assert.match(p.id, /^[0-9a-f]{32}$/);
    assert.equal(p.domain_id, 'default');
    assert.equal(p.parent_id, 'default');
    assert.equal(p.is_domain, false);
    assert.equal(p.enabled, true);
    assert.deepEqual(p.tags, ['blue']);
    assert.equal(p.links.self, `${t.config.publicUrl}/identity/v3/projects/${p.id}`);

    const shown = await t.request('GET', `/identity/v3/projects/${p.id}`, { token: admin });
    assert.equal(shown.body.project.name, 'alpha');

    const byName = await t.request('GET', '/identity/v3/projects?name=alpha', { token: admin });
    assert.deepEqual(byName.body.projects.map((x: { id: string }) => x.id), [p.id]);
    const byTag = await t.request('GET', '/identity/v3/projects?tags=blue', { token: admin });
    assert.equal(byTag.body.projects.length, 1);

    const updated = await t.request('PATCH', `/identity/v3/projects/${p.id}`, {
      token: admin, body: { project: { description: 'changed', enabled: false } },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.project.description, 'changed');
    assert.equal(updated.body.project.enabled, false);
    const disabled = await t.request('GET', '/identity/v3/projects?enabled=false', { token: admin });
    assert.ok(disabled.body.projects.some((x: { id: string }) => x.id === p.id));

    assert.equal((await t.request('DELETE', `/identity/v3/projects/${p.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `/identity/v3/projects/${p.id}`, { token: admin })).status, 404);
  });

  it('keeps a hierarchy and refuses to delete a parent with children', async () => {
    const parent = (await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 'parent' } } })).body.project;
    const child = await t.request('POST', '/identity/v3/projects', {
      token: admin, body: { project: { name: 'child', parent_id: parent.id } },
    });
    assert.equal(child.status, 201);
    assert.equal(child.body.project.parent_id, parent.id);
    const children = await t.request('GET', `/identity/v3/projects?parent_id=${parent.id}`, { token: admin });
    assert.deepEqual(children.body.projects.map((x: { name: string }) => x.name), ['child']);
    const refused = await t.request('DELETE', `/identity/v3/projects/${parent.id}`, { token: admin });
    assert.equal(refused.status, 403);
    const missingParent = await t.request('POST', '/identity/v3/projects', {
      token: admin, body: { project: { name: 'orphan', parent_id: 'f'.repeat(32) } },
    });
    assert.equal(missingParent.status, 404);
  });

  it('answers duplicates, unknown ids and bad bodies with Keystone errors', async () => {
    await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 'dup' } } });
    const dup = await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 'dup' } } });
    assert.equal(dup.status, 409);
    assert.deepEqual(Object.keys(dup.body.error).sort(), ['code', 'message', 'title']);
    assert.equal(dup.body.error.title, 'Conflict');

    const unknown = await t.request('GET', '/identity/v3/projects/nope', { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, 'Could not find project: nope.');

    const noName = await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: {} } });
    assert.equal(noName.status, 400);
    assert.match(noName.body.error.message, /'name' is a required property/);
    const wrongType = await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 5 } } });
    assert.equal(wrongType.status, 400);
    const badDomain = await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 'x', domain_id: 'nope' } } });
    assert.equal(badDomain.status, 404);
    const before = await t.request('GET', '/identity/v3/projects?name=x', { token: admin });
    assert.equal(before.body.projects.length, 0);
  });

  it('manages domains and deletes only disabled ones, with their contents', async () => {
    const d = (await t.request('POST', '/identity/v3/domains', { token: admin, body: { domain: { name: 'acme' } } })).body.domain;
    assert.equal(d.enabled, true);
    const p = await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: 'web', domain_id: d.id } } });
    assert.equal(p.body.project.parent_id, d.id);
    const u = await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name: 'bob', domain_id: d.id } } });
    assert.equal(u.status, 201);

    const enabled = await t.request('DELETE', `/identity/v3/domains/${d.id}`, { token: admin });
    assert.equal(enabled.status, 403);
    const off = await t.request('PATCH', `/identity/v3/domains/${d.id}`, { token: admin, body: { domain: { enabled: false } } });
    assert.equal(off.body.domain.enabled, false);
    assert.equal((await t.request('DELETE', `/identity/v3/domains/${d.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `/identity/v3/projects/${p.body.project.id}`, { token: admin })).status, 404);
    assert.equal((await t.request('GET', `/identity/v3/users/${u.body.user.id}`, { token: admin })).status, 404);

    const dflt = await t.request('PATCH', '/identity/v3/domains/default', { token: admin, body: { domain: { enabled: false } } });
    assert.equal(dflt.status, 403);
    const list = await t.request('GET', '/identity/v3/domains?name=Default', { token: admin });
    assert.deepEqual(list.body.domains.map((x: { id: string }) => x.id), ['default']);
  });
});
