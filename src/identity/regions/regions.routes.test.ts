import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

describe('identity regions', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'rita');
  });
  after(async () => { await t.close(); });

  const post = (region: unknown, token = admin) => t.request('POST', '/identity/v3/regions', { token, body: { region } });
  const get = (id: string, token = admin) => t.request('GET', `/identity/v3/regions/${id}`, { token });

  it('creates regions by POST (own or generated id) and PUT, and lists them by parent', async () => {
    const two = await post({ id: 'RegionTwo', description: 'second' });
    assert.equal(two.status, 201);
    assert.deepEqual(two.body.region, {
      id: 'RegionTwo', description: 'second', parent_region_id: null,
      links: { self: `${t.config.publicUrl}/identity/v3/regions/RegionTwo` },
    });
    const generated = await post({ description: 'no id' });
    assert.equal(generated.status, 201);
    assert.match(generated.body.region.id, /^[0-9a-f]{32}$/);
    assert.equal(generated.body.region.description, 'no id');

    const sub = await t.request('PUT', '/identity/v3/regions/RegionTwoSub', {
      token: admin, body: { region: { parent_region_id: 'RegionTwo', zone: 'x' } },
    });
    assert.equal(sub.status, 201);
    assert.equal(sub.body.region.id, 'RegionTwoSub');
    assert.equal(sub.body.region.parent_region_id, 'RegionTwo');
    assert.equal(sub.body.region.description, '');
    assert.equal(sub.body.region.zone, 'x');

    const all = await t.request('GET', '/identity/v3/regions', { token: admin });
    assert.equal(all.status, 200);
    const ids = all.body.regions.map((r: { id: string }) => r.id);
    for (const id of ['RegionOne', 'RegionTwo', 'RegionTwoSub', generated.body.region.id]) assert.ok(ids.includes(id), id);
    assert.equal(all.body.links.self, `${t.config.publicUrl}/identity/v3/regions`);
    const children = await t.request('GET', '/identity/v3/regions?parent_region_id=RegionTwo', { token: admin });
    assert.deepEqual(children.body.regions.map((r: { id: string }) => r.id), ['RegionTwoSub']);

    const shown = await get('RegionTwoSub');
    assert.equal(shown.status, 200);
    assert.equal(shown.body.region.parent_region_id, 'RegionTwo');
  });

  it('updates description and parent, refusing cycles, id changes and unknown parents', async () => {
    await post({ id: 'Top' });
    await post({ id: 'Mid', parent_region_id: 'Top' });
    await post({ id: 'Leaf', parent_region_id: 'Mid' });
    const patch = (id: string, region: unknown) => t.request('PATCH', `/identity/v3/regions/${id}`, { token: admin, body: { region } });

    const updated = await patch('Leaf', { description: 'the leaf', parent_region_id: 'Top' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.region.description, 'the leaf');
    assert.equal(updated.body.region.parent_region_id, 'Top');
    assert.equal((await get('Leaf')).body.region.parent_region_id, 'Top');
    const detached = await patch('Leaf', { parent_region_id: null });
    assert.equal(detached.body.region.parent_region_id, null);
    assert.equal(detached.body.region.description, 'the leaf');

    const cycle = await patch('Top', { parent_region_id: 'Mid' });
    assert.equal(cycle.status, 400);
    assert.match(cycle.body.error.message, /circular region hierarchy/);
    const self = await patch('Top', { parent_region_id: 'Top' });
    assert.equal(self.status, 400);
    assert.equal((await get('Top')).body.region.parent_region_id, null);

    const idChange = await patch('Top', { id: 'Other' });
    assert.equal(idChange.status, 400);
    assert.equal(idChange.body.error.message, 'Cannot change ID');
    const sameId = await patch('Top', { id: 'Top', description: 'top' });
    assert.equal(sameId.status, 200);

    const unknownParent = await patch('Top', { parent_region_id: 'Nowhere' });
    assert.equal(unknownParent.status, 404);
    assert.equal(unknownParent.body.error.message, 'Could not find region: Nowhere.');
    const empty = await patch('Top', {});
    assert.equal(empty.status, 400);
    assert.equal((await patch('Nowhere', { description: 'x' })).status, 404);
  });

  it('answers bad creates with Keystone errors', async () => {
    const dup = await post({ id: 'RegionOne' });
    assert.equal(dup.status, 409);
    assert.deepEqual(Object.keys(dup.body.error).sort(), ['code', 'message', 'title']);
    assert.equal(dup.body.error.title, 'Conflict');
    const dupPut = await t.request('PUT', '/identity/v3/regions/RegionOne', { token: admin, body: { region: {} } });
    assert.equal(dupPut.status, 409);

    const orphan = await post({ id: 'Orphan', parent_region_id: 'Nowhere' });
    assert.equal(orphan.status, 404);
    assert.equal(orphan.body.error.message, 'Could not find region: Nowhere.');
    assert.equal((await get('Orphan')).status, 404);

    const conflicting = await t.request('PUT', '/identity/v3/regions/A1', { token: admin, body: { region: { id: 'B1' } } });
    assert.equal(conflicting.status, 400);
    assert.match(conflicting.body.error.message, /Conflicting region IDs/);

    const surrogate = await post({ id: 'half \ud800 pair' });
    assert.equal(surrogate.status, 400);
    assert.match(surrogate.body.error.message, /well-formed Unicode/);
    const identity = (await t.request('GET', '/identity/v3/services?type=identity', { token: admin })).body.services[0];
    const legacy = await t.request('POST', '/identity/v3/endpoints', {
      token: admin, body: { endpoint: { interface: 'public', service_id: identity.id, region: 'half \ud800 pair', url: 'http://x.example' } },
    });
    assert.equal(legacy.status, 400);
    assert.match(legacy.body.error.message, /well-formed Unicode/);
    assert.equal((await post({ description: 5 })).status, 400);
    assert.equal((await post({ description: 'x'.repeat(256) })).status, 400);
    assert.equal((await t.request('POST', '/identity/v3/regions', { token: admin, body: {} })).status, 400);
    const notFound = await get('Nowhere');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.error.code, 404);
    assert.equal((await t.request('DELETE', '/identity/v3/regions/Nowhere', { token: admin })).status, 404);
  });

  it('deletes a region with its subtree, but not while endpoints use any of it', async () => {
    await post({ id: 'Gone' });
    await post({ id: 'GoneChild', parent_region_id: 'Gone' });
    await post({ id: 'GoneGrandchild', parent_region_id: 'GoneChild' });
    const del = await t.request('DELETE', '/identity/v3/regions/Gone', { token: admin });
    assert.equal(del.status, 204);
    for (const id of ['Gone', 'GoneChild', 'GoneGrandchild']) assert.equal((await get(id)).status, 404, id);

    await post({ id: 'Busy' });
    await post({ id: 'BusyChild', parent_region_id: 'Busy' });
    const svc = (await t.request('POST', '/identity/v3/services', { token: admin, body: { service: { type: 'dns' } } })).body.service;
    const ep = await t.request('POST', '/identity/v3/endpoints', {
      token: admin, body: { endpoint: { interface: 'public', service_id: svc.id, region_id: 'BusyChild', url: 'http://dns.example:9001' } },
    });
    assert.equal(ep.status, 201);
    const refused = await t.request('DELETE', '/identity/v3/regions/Busy', { token: admin });
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /have associated endpoints/);
    assert.equal((await get('Busy')).status, 200);
    assert.equal((await get('BusyChild')).status, 200);
    assert.equal((await t.request('DELETE', '/identity/v3/regions/RegionOne', { token: admin })).status, 403);

    await t.request('DELETE', `/identity/v3/endpoints/${ep.body.endpoint.id}`, { token: admin });
    assert.equal((await t.request('DELETE', '/identity/v3/regions/Busy', { token: admin })).status, 204);
    assert.equal((await get('BusyChild')).status, 404);
  });

  it('lets any user read regions but only admins change them', async () => {
    const list = await t.request('GET', '/identity/v3/regions', { token: member.token });
    assert.equal(list.status, 200);
    assert.ok(list.body.regions.some((r: { id: string }) => r.id === 'RegionOne'));
    assert.equal((await get('RegionOne', member.token)).status, 200);

    const create = await post({ id: 'MemberRegion' }, member.token);
    assert.equal(create.status, 403);
    assert.equal(create.body.error.title, 'Forbidden');
    assert.match(create.body.error.message, /identity:create_region/);
    assert.equal((await t.request('PUT', '/identity/v3/regions/MemberRegion', { token: member.token, body: { region: {} } })).status, 403);
    assert.equal((await get('MemberRegion')).status, 404);
    const patch = await t.request('PATCH', '/identity/v3/regions/RegionOne', { token: member.token, body: { region: { description: 'mine' } } });
    assert.equal(patch.status, 403);
    assert.equal((await t.request('DELETE', '/identity/v3/regions/RegionOne', { token: member.token })).status, 403);
    assert.equal((await get('RegionOne')).body.region.description, '');
    assert.equal((await t.request('GET', '/identity/v3/regions')).status, 401);
  });
});
