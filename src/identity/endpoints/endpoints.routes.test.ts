import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { isValidEndpointUrl } from './endpoint-url.js';

interface CatalogEntry { id: string; endpoints: { id: string; interface: string; url: string; region_id: string | null; region: string | null }[] }

describe('identity endpoints', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let service: { id: string };
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'eve');
    service = (await t.request('POST', '/identity/v3/services', { token: admin, body: { service: { type: 'object-store', name: 'swift' } } })).body.service;
  });
  after(async () => { await t.close(); });

  const post = (endpoint: unknown, token = admin) => t.request('POST', '/identity/v3/endpoints', { token, body: { endpoint } });
  const patch = (id: string, endpoint: unknown) => t.request('PATCH', `/identity/v3/endpoints/${id}`, { token: admin, body: { endpoint } });
  const catalogEntry = async (token: string) =>
    ((await t.request('GET', '/identity/v3/auth/catalog', { token })).body.catalog as CatalogEntry[]).find((c) => c.id === service.id);

  it('creates an endpoint that the next catalog shows, with the project filled in', async () => {
    const created = await post({ interface: 'public', service_id: service.id, region_id: 'RegionOne', url: 'http://swift.example:8080/v1/AUTH_$(project_id)s' });
    assert.equal(created.status, 201);
    const e = created.body.endpoint;
    assert.deepEqual(e, {
      id: e.id, interface: 'public', region_id: 'RegionOne', region: 'RegionOne', service_id: service.id,
      url: 'http://swift.example:8080/v1/AUTH_$(project_id)s', enabled: true,
      links: { self: `${t.config.publicUrl}/identity/v3/endpoints/${e.id}` },
    });
    const shown = await t.request('GET', `/identity/v3/endpoints/${e.id}`, { token: admin });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.endpoint, e);

    // An existing token's catalog changes with the endpoints, as validation rebuilds it.
    const entry = await catalogEntry(member.token);
    assert.deepEqual(entry?.endpoints, [{
      id: e.id, interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `http://swift.example:8080/v1/AUTH_${member.projectId}`,
    }]);
    const validated = await t.request('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': member.token } });
    const swift = validated.body.token.catalog.find((c: CatalogEntry) => c.id === service.id);
    assert.equal(swift.endpoints[0].url, `http://swift.example:8080/v1/AUTH_${member.projectId}`);

    const moved = await patch(e.id, { url: 'https://swift2.example/v1/AUTH_%(tenant_id)s', interface: 'internal' });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.endpoint.interface, 'internal');
    assert.equal(moved.body.endpoint.region_id, 'RegionOne');
    const after = await catalogEntry(member.token);
    assert.equal(after?.endpoints[0]?.url, `https://swift2.example/v1/AUTH_${member.projectId}`);
    assert.equal(after?.endpoints[0]?.interface, 'internal');

    assert.equal((await patch(e.id, { enabled: false })).body.endpoint.enabled, false);
    assert.equal(await catalogEntry(member.token), undefined);
    await patch(e.id, { enabled: true });
    assert.ok(await catalogEntry(member.token));

    assert.equal((await t.request('DELETE', `/identity/v3/endpoints/${e.id}`, { token: admin })).status, 204);
    assert.equal(await catalogEntry(member.token), undefined);
    assert.equal((await t.request('GET', `/identity/v3/endpoints/${e.id}`, { token: admin })).status, 404);
    assert.equal((await t.request('DELETE', `/identity/v3/endpoints/${e.id}`, { token: admin })).status, 404);
  });

  it('lists endpoints filtered by interface, service and region', async () => {
    await t.request('PUT', '/identity/v3/regions/RegionList', { token: admin, body: { region: {} } });
    const svc = (await t.request('POST', '/identity/v3/services', { token: admin, body: { service: { type: 'share' } } })).body.service;
    const made: Record<string, string> = {};
    for (const iface of ['public', 'internal', 'admin']) {
      const res = await post({ interface: iface, service_id: svc.id, region_id: 'RegionList', url: `http://manila.example/${iface}` });
      assert.equal(res.status, 201);
      made[iface] = res.body.endpoint.id;
    }
    const all = await t.request('GET', '/identity/v3/endpoints', { token: admin });
    assert.equal(all.status, 200);
    assert.ok(all.body.endpoints.length >= 6, 'bootstrap endpoints and the new ones');
    assert.equal(all.body.links.self, `${t.config.publicUrl}/identity/v3/endpoints`);
    const bySvc = await t.request('GET', `/identity/v3/endpoints?service_id=${svc.id}`, { token: admin });
    assert.deepEqual(bySvc.body.endpoints.map((e: { id: string }) => e.id).sort(), Object.values(made).sort());
    const both = await t.request('GET', `/identity/v3/endpoints?service_id=${svc.id}&interface=admin`, { token: admin });
    assert.deepEqual(both.body.endpoints.map((e: { id: string }) => e.id), [made.admin]);
    const byRegion = await t.request('GET', '/identity/v3/endpoints?region_id=RegionList', { token: admin });
    assert.equal(byRegion.body.endpoints.length, 3);
    const publicOnes = await t.request('GET', '/identity/v3/endpoints?interface=public', { token: admin });
    assert.ok(publicOnes.body.endpoints.every((e: { interface: string }) => e.interface === 'public'));
    const bad = await t.request('GET', '/identity/v3/endpoints?interface=private', { token: admin });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 400);
  });

  it('creates the region named by the legacy `region` field, as Keystone does', async () => {
    const res = await post({ interface: 'public', service_id: service.id, region: 'LegacyRegion', url: 'http://legacy.example' });
    assert.equal(res.status, 201);
    assert.equal(res.body.endpoint.region_id, 'LegacyRegion');
    assert.equal(res.body.endpoint.region, 'LegacyRegion');
    const region = await t.request('GET', '/identity/v3/regions/LegacyRegion', { token: admin });
    assert.equal(region.status, 200);
    const moved = await patch(res.body.endpoint.id, { region: 'LegacyRegion2' });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.endpoint.region_id, 'LegacyRegion2');
    const cleared = await patch(res.body.endpoint.id, { region_id: null });
    assert.equal(cleared.body.endpoint.region_id, null);
    assert.equal(cleared.body.endpoint.region, null);
  });

  it('refuses bad input with Keystone errors and leaves nothing behind', async () => {
    const ok = { interface: 'public', service_id: service.id, url: 'http://ok.example' };
    const before = (await t.request('GET', '/identity/v3/endpoints', { token: admin })).body.endpoints.length;
    const cases: [string, unknown, RegExp][] = [
      ['bad interface', { ...ok, interface: 'private' }, /interface/],
      ['missing url', { interface: 'public', service_id: service.id }, /url/],
      ['missing service', { interface: 'public', url: 'http://x.example' }, /service_id/],
      ['not a url', { ...ok, url: 'no scheme here' }, /url/],
      ['unknown substitution', { ...ok, url: 'http://x.example/$(flavor)s' }, /invalid URL/],
      ['stray percent', { ...ok, url: 'http://x.example/100%' }, /invalid URL/],
      ['unknown service', { ...ok, service_id: 'nope' }, /endpoint service_id in service table/],
      ['unknown region', { ...ok, region_id: 'Nowhere' }, /endpoint region_id in region table/],
      ['enabled not boolean', { ...ok, enabled: 'yes' }, /enabled/],
    ];
    for (const [what, body, message] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, what);
      assert.equal(res.body.error.title, 'Bad Request', what);
      assert.match(res.body.error.message, message, what);
    }
    assert.equal((await t.request('GET', '/identity/v3/regions/Nowhere', { token: admin })).status, 404);
    assert.equal((await t.request('GET', '/identity/v3/endpoints', { token: admin })).body.endpoints.length, before);

    const e = (await post(ok)).body.endpoint;
    assert.equal((await patch(e.id, { region_id: 'Nowhere' })).status, 400);
    assert.equal((await patch(e.id, { service_id: 'nope' })).status, 400);
    assert.equal((await patch(e.id, { interface: 'private' })).status, 400);
    assert.equal((await patch(e.id, {})).status, 400);
    const idChange = await patch(e.id, { id: 'other' });
    assert.equal(idChange.status, 400);
    assert.equal(idChange.body.error.message, 'Cannot change ID');
    const unchanged = await t.request('GET', `/identity/v3/endpoints/${e.id}`, { token: admin });
    assert.deepEqual(unchanged.body.endpoint, e);
    const missing = await patch('nope', { url: 'http://x.example' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.message, 'Could not find endpoint: nope.');
  });

  it('refuses every endpoint operation to a project member', async () => {
    const e = (await post({ interface: 'admin', service_id: service.id, url: 'http://admin.example' })).body.endpoint;
    const calls: [string, string, unknown?][] = [
      ['GET', '/identity/v3/endpoints'],
      ['GET', `/identity/v3/endpoints/${e.id}`],
      ['POST', '/identity/v3/endpoints', { endpoint: { interface: 'public', service_id: service.id, url: 'http://evil.example' } }],
      ['PATCH', `/identity/v3/endpoints/${e.id}`, { endpoint: { url: 'http://evil.example' } }],
      ['DELETE', `/identity/v3/endpoints/${e.id}`],
    ];
    for (const [method, url, body] of calls) {
      const res = await t.request(method, url, { token: member.token, body });
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.match(res.body.error.message, /identity:(list|get|create|update|delete)_endpoint/);
    }
    const still = await t.request('GET', `/identity/v3/endpoints/${e.id}`, { token: admin });
    assert.equal(still.body.endpoint.url, 'http://admin.example');
  });

  it('checks URL substitutions as Keystone formats them', () => {
    assert.ok(isValidEndpointUrl('http://h:8774/v2.1/$(project_id)s'));
    assert.ok(isValidEndpointUrl('http://h/v1/AUTH_%(tenant_id)s/x'));
    assert.ok(isValidEndpointUrl('http://h/100%%'));
    assert.ok(isValidEndpointUrl('http://h/$(user_id)s/$(compute_host)s'));
    assert.ok(!isValidEndpointUrl('http://h/$(project)s'));
    assert.ok(!isValidEndpointUrl('http://h/a%20b'));
    assert.ok(!isValidEndpointUrl('http://h/$(project_id)d'));
    assert.ok(!isValidEndpointUrl('http://h/$(project_id'));
  });
});
