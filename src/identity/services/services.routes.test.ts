import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { ADMIN_PASSWORD, startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

interface CatalogEntry { type: string; name: string; id: string; endpoints: { url: string }[] }

describe('identity catalog services', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'sam');
  });
  after(async () => { await t.close(); });

  const post = (service: unknown, token = admin) => t.request('POST', '/identity/v3/services', { token, body: { service } });
  const catalogOf = async (token: string): Promise<CatalogEntry[]> =>
    (await t.request('GET', '/identity/v3/auth/catalog', { token })).body.catalog;

  it('creates, shows, lists by type and name, updates and deletes a service', async () => {
    const created = await post({ type: 'container-infra', name: 'magnum', description: 'Containers', owner: 'ops' });
    assert.equal(created.status, 201);
    const s = created.body.service;
    assert.match(s.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(s, {
      id: s.id, type: 'container-infra', name: 'magnum', description: 'Containers', enabled: true, owner: 'ops',
      links: { self: `${t.config.publicUrl}/identity/v3/services/${s.id}` },
    });
    const bare = await post({ type: 'placement' });
    assert.equal(bare.status, 201);
    assert.equal(bare.body.service.name, '');
    assert.equal(bare.body.service.enabled, true);

    const shown = await t.request('GET', `/identity/v3/services/${s.id}`, { token: admin });
    assert.equal(shown.status, 200);
    assert.equal(shown.body.service.name, 'magnum');

    const all = await t.request('GET', '/identity/v3/services', { token: admin });
    assert.equal(all.status, 200);
    assert.ok(all.body.services.some((x: { type: string }) => x.type === 'identity'), 'bootstrap service listed');
    assert.equal(all.body.links.self, `${t.config.publicUrl}/identity/v3/services`);
    const byType = await t.request('GET', '/identity/v3/services?type=container-infra', { token: admin });
    assert.deepEqual(byType.body.services.map((x: { id: string }) => x.id), [s.id]);
    const byName = await t.request('GET', '/identity/v3/services?name=magnum', { token: admin });
    assert.deepEqual(byName.body.services.map((x: { id: string }) => x.id), [s.id]);

    const updated = await t.request('PATCH', `/identity/v3/services/${s.id}`, {
      token: admin, body: { service: { name: 'nova3', enabled: false, id: s.id } },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.service.name, 'nova3');
    assert.equal(updated.body.service.enabled, false);
    assert.equal(updated.body.service.description, 'Containers');
    assert.equal(updated.body.service.owner, 'ops');

    assert.equal((await t.request('DELETE', `/identity/v3/services/${s.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `/identity/v3/services/${s.id}`, { token: admin })).status, 404);
    assert.equal((await t.request('DELETE', `/identity/v3/services/${s.id}`, { token: admin })).status, 404);
  });

  it('keeps the token catalog in step: disabling hides a service, deleting removes its endpoints', async () => {
    const s = (await post({ type: 'key-manager', name: 'barbican' })).body.service;
    const ep = await t.request('POST', '/identity/v3/endpoints', {
      token: admin, body: { endpoint: { interface: 'public', service_id: s.id, region_id: 'RegionOne', url: 'http://kms.example:9311' } },
    });
    assert.equal(ep.status, 201);
    const token = await t.login('admin', ADMIN_PASSWORD, 'admin');
    const listed = (await catalogOf(token)).find((c) => c.id === s.id);
    assert.equal(listed?.endpoints[0]?.url, 'http://kms.example:9311');

    await t.request('PATCH', `/identity/v3/services/${s.id}`, { token: admin, body: { service: { enabled: false } } });
    assert.equal((await catalogOf(token)).find((c) => c.id === s.id), undefined);
    const validated = await t.request('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': token } });
    assert.equal(validated.body.token.catalog.find((c: CatalogEntry) => c.id === s.id), undefined);
    await t.request('PATCH', `/identity/v3/services/${s.id}`, { token: admin, body: { service: { enabled: true } } });
    assert.ok((await catalogOf(token)).find((c) => c.id === s.id));

    assert.equal((await t.request('DELETE', `/identity/v3/services/${s.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `/identity/v3/endpoints/${ep.body.endpoint.id}`, { token: admin })).status, 404);
    const left = await t.request('GET', `/identity/v3/endpoints?service_id=${s.id}`, { token: admin });
    assert.deepEqual(left.body.endpoints, []);
    assert.equal((await catalogOf(token)).find((c) => c.id === s.id), undefined);
  });

  it('answers bad input with Keystone 400s and unknown ids with 404', async () => {
    const noType = await post({ name: 'x' });
    assert.equal(noType.status, 400);
    assert.equal(noType.body.error.title, 'Bad Request');
    assert.match(noType.body.error.message, /type/);
    assert.equal((await post({ type: '' })).status, 400);
    assert.equal((await post({ type: 'x'.repeat(256) })).status, 400);
    assert.equal((await post({ type: 'x', enabled: 'yes' })).status, 400);
    assert.equal((await post({ type: 'x', name: '' })).status, 400);
    assert.equal((await t.request('POST', '/identity/v3/services', { token: admin, body: { type: 'x' } })).status, 400);

    const s = (await post({ type: 'orchestration' })).body.service;
    const empty = await t.request('PATCH', `/identity/v3/services/${s.id}`, { token: admin, body: { service: {} } });
    assert.equal(empty.status, 400);
    const idChange = await t.request('PATCH', `/identity/v3/services/${s.id}`, { token: admin, body: { service: { id: 'other' } } });
    assert.equal(idChange.status, 400);
    assert.equal(idChange.body.error.message, 'Cannot change ID');
    const missing = await t.request('PATCH', '/identity/v3/services/nope', { token: admin, body: { service: { name: 'n' } } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.message, 'Could not find service: nope.');
    assert.equal((await t.request('GET', '/identity/v3/services/nope', { token: admin })).status, 404);
  });

  it('refuses every service operation to a project member', async () => {
    const s = (await post({ type: 'workflow', name: 'mistral' })).body.service;
    const calls: [string, string, unknown?][] = [
      ['GET', '/identity/v3/services'],
      ['GET', `/identity/v3/services/${s.id}`],
      ['POST', '/identity/v3/services', { service: { type: 'evil' } }],
      ['PATCH', `/identity/v3/services/${s.id}`, { service: { name: 'evil' } }],
      ['DELETE', `/identity/v3/services/${s.id}`],
    ];
    for (const [method, url, body] of calls) {
      const res = await t.request(method, url, { token: member.token, body });
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.equal(res.body.error.code, 403);
    }
    const after = await t.request('GET', `/identity/v3/services/${s.id}`, { token: admin });
    assert.equal(after.body.service.name, 'mistral');
    assert.deepEqual((await t.request('GET', '/identity/v3/services?type=evil', { token: admin })).body.services, []);
  });
});
