import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const PATCH = { 'content-type': 'application/openstack-images-v2.1-json-patch' };

describe('image API: images', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'img-alice');
    bob = await createMemberUser(t, 'img-bob');
  });
  after(async () => { await t.close(); });

  const create = async (token: string, body: Record<string, unknown>) => {
    const res = await t.request('POST', '/image/v2/images', { token, body });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  it('answers version discovery at /image with 300 and links to /v2/', async () => {
    const res = await t.request('GET', '/image');
    assert.equal(res.status, 300);
    assert.equal(res.body.versions[0].status, 'CURRENT');
    assert.match(res.body.versions[0].links[0].href, /\/image\/v2\/$/);
    assert.equal((await t.request('GET', '/image/versions')).status, 200);
  });

  it('is in the catalog as image/glance', async () => {
    const res = await t.request('GET', '/identity/v3/auth/catalog', { token: admin });
    const image = res.body.catalog.find((s: { type: string }) => s.type === 'image');
    assert.equal(image.name, 'glance');
    assert.match(image.endpoints[0].url, /\/image$/);
  });

  it('creates a queued image with Glance body and flattened properties', async () => {
    const img = await create(alice.token, {
      name: 'cirros', disk_format: 'qcow2', container_format: 'bare', os_distro: 'cirros', tags: ['b', 'a'], min_ram: 64,
    });
    assert.match(img.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(img.status, 'queued');
    assert.equal(img.visibility, 'shared');
    assert.equal(img.owner, alice.projectId);
    assert.equal(img.os_distro, 'cirros');
    assert.deepEqual(img.tags, ['a', 'b']);
    assert.equal(img.size, null);
    assert.equal(img.virtual_size, null);
    assert.equal(img.checksum, null);
    assert.equal(img.protected, false);
    assert.equal(img.os_hidden, false);
    assert.equal(img.min_ram, 64);
    assert.equal(img.self, `/v2/images/${img.id}`);
    assert.equal(img.file, `/v2/images/${img.id}/file`);
    assert.equal(img.schema, '/v2/schemas/image');
    const again = await t.request('POST', '/image/v2/images', { token: alice.token, body: { name: 'located' } });
    assert.match(String(again.headers.location), new RegExp(`/image/v2/images/${again.body.id}$`));
    assert.match(img.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const shown = await t.request('GET', `/image/v2/images/${img.id}`, { token: alice.token });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, img);
  });

  it('refuses bad input with Glance error bodies', async () => {
    const readOnly = await t.request('POST', '/image/v2/images', { token: alice.token, body: { name: 'x', status: 'active' } });
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.code, '403 Forbidden');
    assert.equal(readOnly.body.title, 'Forbidden');
    assert.match(readOnly.body.message, /status/);
    const badFormat = await t.request('POST', '/image/v2/images', { token: alice.token, body: { disk_format: 'floppy' } });
    assert.equal(badFormat.status, 400);
    assert.match(badFormat.body.message, /disk_format/);
    assert.equal((await t.request('POST', '/image/v2/images', { token: alice.token, body: { min_disk: -1 } })).status, 400);
    assert.equal((await t.request('POST', '/image/v2/images', { token: alice.token, body: { foo: 1 } })).status, 400);
    assert.equal((await t.request('POST', '/image/v2/images', { token: alice.token, body: [1] })).status, 400);
    assert.equal((await t.request('POST', '/image/v2/images', { token: alice.token, body: { id: 'nope' } })).status, 400);
    const notFound = await t.request('GET', '/image/v2/images/00000000-0000-0000-0000-000000000000', { token: alice.token });
    assert.equal(notFound.status, 404);
    assert.match(notFound.body.message, /No image found/);
    assert.equal((await t.request('GET', '/image/v2/images/not-a-uuid', { token: alice.token })).status, 404);
    assert.equal((await t.request('GET', '/image/v2/images')).status, 401);
  });

  it('refuses a duplicate id with 409', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    await create(alice.token, { id, name: 'dup' });
    assert.equal((await t.request('POST', '/image/v2/images', { token: alice.token, body: { id } })).status, 409);
  });

  it('lets only admins publicize, and hides private images from other projects', async () => {
    const pub = await t.request('POST', '/image/v2/images', { token: alice.token, body: { name: 'pub', visibility: 'public' } });
    assert.equal(pub.status, 403);
    assert.match(pub.body.message, /publicize_image/);
    const priv = await create(alice.token, { name: 'secret', visibility: 'private' });
    const patch = await t.request('PATCH', `/image/v2/images/${priv.id}`, {
      token: alice.token, headers: PATCH, rawBody: JSON.stringify([{ op: 'replace', path: '/visibility', value: 'public' }]),
    });
    assert.equal(patch.status, 403);
    assert.equal((await t.request('GET', `/image/v2/images/${priv.id}`, { token: bob.token })).status, 404);
    assert.equal((await t.request('DELETE', `/image/v2/images/${priv.id}`, { token: bob.token })).status, 404);
    const bobList = await t.request('GET', '/image/v2/images', { token: bob.token });
    assert.ok(!bobList.body.images.some((i: { id: string }) => i.id === priv.id));
    const adminPub = await create(admin, { name: 'everyone', visibility: 'public' });
    const listed = await t.request('GET', '/image/v2/images', { token: bob.token });
    assert.ok(listed.body.images.some((i: { id: string }) => i.id === adminPub.id));
    // bob can see but not change the admin's public image
    const bobPatch = await t.request('PATCH', `/image/v2/images/${adminPub.id}`, {
      token: bob.token, headers: PATCH, rawBody: JSON.stringify([{ op: 'replace', path: '/name', value: 'mine' }]),
    });
    assert.equal(bobPatch.status, 403);
  });

  it('lists community images only when asked for', async () => {
    const com = await create(alice.token, { name: 'comm', visibility: 'community' });
    const plain = await t.request('GET', '/image/v2/images', { token: bob.token });
    assert.ok(!plain.body.images.some((i: { id: string }) => i.id === com.id));
    const asked = await t.request('GET', '/image/v2/images?visibility=community', { token: bob.token });
    assert.deepEqual(asked.body.images.map((i: { id: string }) => i.id), [com.id]);
    assert.equal((await t.request('GET', `/image/v2/images/${com.id}`, { token: bob.token })).status, 200);
  });

  it('patches names, properties, tags and flags; rejects bad patches', async () => {
    const img = await create(alice.token, { name: 'p', disk_format: 'raw', container_format: 'bare', hw_disk_bus: 'virtio' });
    const url = `/image/v2/images/${img.id}`;
    const send = (ops: unknown) => t.request('PATCH', url, { token: alice.token, headers: PATCH, rawBody: JSON.stringify(ops) });
    const ok = await send([
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'add', path: '/os_distro', value: 'debian' },
      { op: 'remove', path: '/hw_disk_bus' },
      { op: 'replace', path: '/tags', value: ['x', 'y'] },
      { op: 'replace', path: '/protected', value: true },
      { op: 'replace', path: '/min_disk', value: 2 },
      { op: 'replace', path: '/os_hidden', value: true },
    ]);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.name, 'renamed');
    assert.equal(ok.body.os_distro, 'debian');
    assert.equal(ok.body.hw_disk_bus, undefined);
    assert.deepEqual(ok.body.tags, ['x', 'y']);
    assert.equal(ok.body.protected, true);
    assert.equal(ok.body.min_disk, 2);
    assert.equal(ok.body.os_hidden, true);
    assert.equal((await t.request('GET', url, { token: alice.token })).body.os_distro, 'debian');

    assert.equal((await send([{ op: 'replace', path: '/status', value: 'active' }])).status, 403);
    assert.equal((await send([{ op: 'replace', path: '/checksum', value: 'x' }])).status, 403);
    assert.equal((await send([{ op: 'move', path: '/name', value: 'x' }])).status, 400);
    assert.equal((await send([{ op: 'add', path: 'name', value: 'x' }])).status, 400);
    assert.equal((await send([{ op: 'add', path: '/a/b', value: 'x' }])).status, 400);
    assert.equal((await send({ op: 'add' })).status, 400);
    assert.equal((await send([{ op: 'replace', path: '/missing_prop', value: 'x' }])).status, 409);
    assert.equal((await send([{ op: 'remove', path: '/missing_prop' }])).status, 409);
    assert.equal((await send([{ op: 'replace', path: '/protected', value: 'yes' }])).status, 400);
    const wrongType = await t.request('PATCH', url, { token: alice.token, body: [{ op: 'replace', path: '/name', value: 'x' }] });
    assert.equal(wrongType.status, 415);
    assert.equal(wrongType.body.code, '415 Unsupported Media Type');
    const garbage = await t.request('PATCH', url, { token: alice.token, headers: PATCH, rawBody: '[{' });
    assert.equal(garbage.status, 400);

    // protected: no delete until unprotected
    assert.equal((await t.request('DELETE', url, { token: alice.token })).status, 403);
    assert.equal((await send([{ op: 'replace', path: '/protected', value: false }])).status, 200);
    assert.equal((await t.request('DELETE', url, { token: alice.token })).status, 204);
    assert.equal((await t.request('GET', url, { token: alice.token })).status, 404);
  });

  it('hides os_hidden images from lists unless asked', async () => {
    const img = await create(alice.token, { name: 'hidden-one', os_hidden: true });
    const plain = await t.request('GET', '/image/v2/images', { token: alice.token });
    assert.ok(!plain.body.images.some((i: { id: string }) => i.id === img.id));
    const asked = await t.request('GET', '/image/v2/images?os_hidden=true', { token: alice.token });
    assert.ok(asked.body.images.some((i: { id: string }) => i.id === img.id));
  });

  it('adds and removes tags', async () => {
    const img = await create(alice.token, { name: 'tagged' });
    assert.equal((await t.request('PUT', `/image/v2/images/${img.id}/tags/blue`, { token: alice.token })).status, 204);
    assert.equal((await t.request('PUT', `/image/v2/images/${img.id}/tags/blue`, { token: alice.token })).status, 204);
    assert.deepEqual((await t.request('GET', `/image/v2/images/${img.id}`, { token: alice.token })).body.tags, ['blue']);
    const byTag = await t.request('GET', '/image/v2/images?tag=blue', { token: alice.token });
    assert.deepEqual(byTag.body.images.map((i: { id: string }) => i.id), [img.id]);
    assert.equal((await t.request('DELETE', `/image/v2/images/${img.id}/tags/blue`, { token: alice.token })).status, 204);
    assert.equal((await t.request('DELETE', `/image/v2/images/${img.id}/tags/blue`, { token: alice.token })).status, 404);
    assert.equal((await t.request('PUT', `/image/v2/images/${img.id}/tags/red`, { token: bob.token })).status, 404);
  });

  it('filters, sorts and pages with marker and next links', async () => {
    const carol = await createMemberUser(t, 'img-carol');
    for (const n of ['c3', 'c1', 'c2', 'c4']) await create(carol.token, { name: n, disk_format: n === 'c4' ? 'raw' : 'qcow2', min_ram: Number(n[1]) });
    const mine = `owner=${carol.projectId}`;
    const sorted = await t.request('GET', `/image/v2/images?${mine}&sort=name:asc`, { token: carol.token });
    assert.deepEqual(sorted.body.images.map((i: { name: string }) => i.name), ['c1', 'c2', 'c3', 'c4']);
    const desc = await t.request('GET', `/image/v2/images?${mine}&sort_key=name&sort_dir=desc`, { token: carol.token });
    assert.deepEqual(desc.body.images.map((i: { name: string }) => i.name), ['c4', 'c3', 'c2', 'c1']);
    const page1 = await t.request('GET', `/image/v2/images?${mine}&sort=name:asc&limit=2`, { token: carol.token });
    assert.deepEqual(page1.body.images.map((i: { name: string }) => i.name), ['c1', 'c2']);
    assert.match(page1.body.next, /^\/v2\/images\?.*marker=/);
    assert.equal(page1.body.first, '/v2/images');
    const page2 = await t.request('GET', `/image${page1.body.next}`, { token: carol.token });
    assert.deepEqual(page2.body.images.map((i: { name: string }) => i.name), ['c3', 'c4']);
    assert.equal(page2.body.next, undefined);
    const byFormat = await t.request('GET', `/image/v2/images?${mine}&disk_format=raw`, { token: carol.token });
    assert.deepEqual(byFormat.body.images.map((i: { name: string }) => i.name), ['c4']);
    const byName = await t.request('GET', `/image/v2/images?name=c2`, { token: carol.token });
    assert.deepEqual(byName.body.images.map((i: { name: string }) => i.name), ['c2']);
    const byStatus = await t.request('GET', `/image/v2/images?${mine}&status=active`, { token: carol.token });
    assert.deepEqual(byStatus.body.images, []);
    for (const bad of ['limit=-1', 'limit=abc', 'sort_key=nope', 'sort_dir=sideways', 'marker=00000000-0000-0000-0000-000000000000',
      'visibility=everyone', 'member_status=maybe', 'protected=perhaps', 'size_min=x', 'sort=name:up']) {
      const res = await t.request('GET', `/image/v2/images?${bad}`, { token: carol.token });
      assert.equal(res.status, 400, bad);
      assert.equal(typeof res.body.message, 'string');
    }
  });

  it('deactivates and reactivates (admin only)', async () => {
    const img = await create(alice.token, { name: 'deact', disk_format: 'raw', container_format: 'bare' });
    assert.equal((await t.request('POST', `/image/v2/images/${img.id}/actions/deactivate`, { token: alice.token })).status, 403);
    // only an active image can be deactivated
    assert.equal((await t.request('POST', `/image/v2/images/${img.id}/actions/deactivate`, { token: admin })).status, 400);
  });

  it('serves schemas and info', async () => {
    const schema = await t.request('GET', '/image/v2/schemas/image', { token: alice.token });
    assert.equal(schema.status, 200);
    assert.equal(schema.body.name, 'image');
    assert.ok(schema.body.properties.disk_format.enum.includes('qcow2'));
    for (const s of ['images', 'member', 'members']) {
      assert.equal((await t.request('GET', `/image/v2/schemas/${s}`, { token: alice.token })).body.name, s);
    }
    const stores = await t.request('GET', '/image/v2/info/stores', { token: alice.token });
    assert.equal(stores.body.stores[0].id, 'file');
    const imports = await t.request('GET', '/image/v2/info/import', { token: alice.token });
    assert.deepEqual(imports.body['import-methods'].value, ['glance-direct', 'web-download']);
    const unknown = await t.request('GET', '/image/v2/nothing', { token: alice.token });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, '404 Not Found');
  });
});
