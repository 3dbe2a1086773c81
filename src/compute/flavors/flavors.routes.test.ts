import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { loadFlavorForBoot, seedDefaultFlavors } from './flavors.service.js';

const V = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

describe('compute API: flavors', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'flv-alice');
    bob = await createMemberUser(t, 'flv-bob');
  });
  after(async () => { await t.close(); });

  const create = async (flavor: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await t.request('POST', '/compute/v2.1/flavors', { token: admin, body: { flavor }, headers });
    assert.equal(res.status, 200, res.text);
    return res.body.flavor;
  };

  it('creates a flavor and shows it exactly as Nova does', async () => {
    const f = await create({ name: 'nb-small', ram: 256, vcpus: 1, disk: 2, id: 'nb-small-id' });
    assert.deepEqual(Object.keys(f).sort(), ['OS-FLV-DISABLED:disabled', 'OS-FLV-EXT-DATA:ephemeral', 'disk', 'id', 'links',
      'name', 'os-flavor-access:is_public', 'ram', 'rxtx_factor', 'swap', 'vcpus']);
    assert.equal(f.id, 'nb-small-id');
    assert.equal(f.swap, '');
    assert.equal(f.rxtx_factor, 1);
    assert.equal(f['OS-FLV-EXT-DATA:ephemeral'], 0);
    assert.equal(f['OS-FLV-DISABLED:disabled'], false);
    assert.equal(f['os-flavor-access:is_public'], true);
    assert.match(f.links[0].href, /\/compute\/v2\.1\/flavors\/nb-small-id$/);
    assert.equal(f.links[0].rel, 'self');
    assert.match(f.links[1].href, /\/compute\/flavors\/nb-small-id$/);
    const shown = await t.request('GET', '/compute/v2.1/flavors/nb-small-id', { token: alice.token });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.flavor, f);
  });

  it('generates a UUID id, takes numeric ids and strings for numbers, keeps swap and ephemeral', async () => {
    const f = await create({ name: 'nb-gen', ram: '512', vcpus: '2', disk: 0, swap: 128, 'OS-FLV-EXT-DATA:ephemeral': 5, rxtx_factor: 2.5 });
    assert.match(f.id, /^[0-9a-f-]{36}$/);
    assert.equal(f.ram, 512);
    assert.equal(f.vcpus, 2);
    assert.equal(f.swap, 128);
    assert.equal(f['OS-FLV-EXT-DATA:ephemeral'], 5);
    assert.equal(f.rxtx_factor, 2.5);
    const n = await create({ name: 'nb-num', ram: 64, vcpus: 1, disk: 1, id: 9001 });
    assert.equal(n.id, '9001');
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const base = { name: 'nb-bad', ram: 64, vcpus: 1, disk: 1 };
    const cases: Array<[unknown, RegExp]> = [
      [{ flavor: { ...base, ram: 0 } }, /ram/],
      [{ flavor: { ...base, ram: -5 } }, /ram/],
      [{ flavor: { ...base, vcpus: 'two' } }, /vcpus/],
      [{ flavor: { ...base, disk: -1 } }, /disk/],
      [{ flavor: { ...base, disk: 1.5 } }, /disk/],
      [{ flavor: { ...base, swap: -1 } }, /swap/],
      [{ flavor: { ...base, 'OS-FLV-EXT-DATA:ephemeral': 'x' } }, /ephemeral/],
      [{ flavor: { ...base, rxtx_factor: 0 } }, /rxtx_factor/],
      [{ flavor: { ...base, 'os-flavor-access:is_public': 'maybe' } }, /is_public/],
      [{ flavor: { ...base, name: '' } }, /name/],
      [{ flavor: { ...base, name: ' padded' } }, /name/],
      [{ flavor: { ...base, name: 7 } }, /name/],
      [{ flavor: { ...base, id: ' bad id' } }, /id/],
      [{ flavor: { ...base, id: 'a/b' } }, /id/],
      [{ flavor: { ...base, id: true } }, /id/],
      [{ flavor: { ...base, ram: 2 ** 31 } }, /ram/],
      [{ flavor: { ...base, extra: 1 } }, /extra/],
      [{ flavor: { ...base, description: 'too early' } }, /description/],
      [{ flavor: { name: 'x', ram: 1, vcpus: 1 } }, /disk/],
      [{ flavor: 'nope' }, /flavor/],
      [{ nope: {} }, /flavor|nope/],
      [[], /request body/],
    ];
    for (const [body, re] of cases) {
      const res = await t.request('POST', '/compute/v2.1/flavors', { token: admin, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.badRequest.code, 400);
      assert.match(res.body.badRequest.message, re, JSON.stringify(body));
    }
    const list = await t.request('GET', '/compute/v2.1/flavors?is_public=none', { token: admin });
    assert.ok(!list.body.flavors.some((f: { name: string }) => f.name === 'nb-bad'), 'nothing half-created');
  });

  it('answers 409 to a duplicate name or id', async () => {
    await create({ name: 'nb-dup', ram: 64, vcpus: 1, disk: 1, id: 'nb-dup' });
    const byName = await t.request('POST', '/compute/v2.1/flavors', { token: admin, body: { flavor: { name: 'nb-dup', ram: 64, vcpus: 1, disk: 1 } } });
    assert.equal(byName.status, 409);
    assert.equal(byName.body.conflictingRequest.message, 'Flavor with name nb-dup already exists.');
    const byId = await t.request('POST', '/compute/v2.1/flavors', { token: admin, body: { flavor: { name: 'nb-dup2', ram: 64, vcpus: 1, disk: 1, id: 'nb-dup' } } });
    assert.equal(byId.status, 409);
    assert.equal(byId.body.conflictingRequest.message, 'Flavor with ID nb-dup already exists.');
  });

  it('lets only one of racing creates of a name win', async () => {
    const results = await Promise.all([1, 2, 3].map((i) => t.request('POST', '/compute/v2.1/flavors',
      { token: admin, body: { flavor: { name: 'nb-race', ram: 64, vcpus: 1, disk: 1, id: `nb-race-${i}` } } })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.conflictingRequest.message, 'Flavor with name nb-race already exists.');
  });

  it('keeps create, update and delete for admins', async () => {
    const body = { flavor: { name: 'nb-member', ram: 64, vcpus: 1, disk: 1 } };
    const res = await t.request('POST', '/compute/v2.1/flavors', { token: alice.token, body });
    assert.equal(res.status, 403);
    assert.match(res.body.forbidden.message, /os-flavor-manage:create/);
    await create({ name: 'nb-keep', ram: 64, vcpus: 1, disk: 1, id: 'nb-keep' });
    assert.equal((await t.request('DELETE', '/compute/v2.1/flavors/nb-keep', { token: alice.token })).status, 403);
    const upd = await t.request('PUT', '/compute/v2.1/flavors/nb-keep', { token: alice.token, headers: V('2.55'), body: { flavor: { description: 'x' } } });
    assert.equal(upd.status, 403);
  });

  it('deletes with 202, then 404', async () => {
    await create({ name: 'nb-del', ram: 64, vcpus: 1, disk: 1, id: 'nb-del' });
    await t.request('POST', '/compute/v2.1/flavors/nb-del/os-extra_specs', { token: admin, body: { extra_specs: { a: 'b' } } });
    assert.equal((await t.request('DELETE', '/compute/v2.1/flavors/nb-del', { token: admin })).status, 202);
    const gone = await t.request('GET', '/compute/v2.1/flavors/nb-del', { token: admin });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.itemNotFound.message, 'Flavor nb-del could not be found.');
    assert.equal((await t.request('DELETE', '/compute/v2.1/flavors/nb-del', { token: admin })).status, 404);
  });

  it('shows descriptions from 2.55 and updates them with PUT', async () => {
    const f = await create({ name: 'nb-desc', ram: 64, vcpus: 1, disk: 1, id: 'nb-desc', description: 'first' }, V('2.55'));
    assert.equal(f.description, 'first');
    const old = await t.request('GET', '/compute/v2.1/flavors/nb-desc', { token: admin });
    assert.equal(old.body.flavor.description, undefined);
    const idx = await t.request('GET', '/compute/v2.1/flavors', { token: admin, headers: V('2.55') });
    assert.equal(idx.body.flavors.find((x: { id: string }) => x.id === 'nb-desc').description, 'first');
    const put = await t.request('PUT', '/compute/v2.1/flavors/nb-desc', { token: admin, headers: V('2.55'), body: { flavor: { description: 'second' } } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.flavor.description, 'second');
    assert.equal((await t.request('PUT', '/compute/v2.1/flavors/nb-desc', { token: admin, headers: V('2.54'), body: { flavor: { description: 'x' } } })).status, 404);
    for (const body of [{ flavor: { name: 'x' } }, { flavor: {} }, { flavor: { description: 5 } }, {}]) {
      const bad = await t.request('PUT', '/compute/v2.1/flavors/nb-desc', { token: admin, headers: V('2.55'), body });
      assert.equal(bad.status, 400, JSON.stringify(body));
    }
    assert.equal((await t.request('PUT', '/compute/v2.1/flavors/nb-none', { token: admin, headers: V('2.55'), body: { flavor: { description: null } } })).status, 404);
  });

  it('shows extra_specs in the flavor body from 2.61', async () => {
    await create({ name: 'nb-specs', ram: 64, vcpus: 1, disk: 1, id: 'nb-specs' });
    await t.request('POST', '/compute/v2.1/flavors/nb-specs/os-extra_specs', { token: admin, body: { extra_specs: { 'hw:cpu_policy': 'shared' } } });
    const at61 = await t.request('GET', '/compute/v2.1/flavors/nb-specs', { token: alice.token, headers: V('2.61') });
    assert.deepEqual(at61.body.flavor.extra_specs, { 'hw:cpu_policy': 'shared' });
    assert.equal(at61.body.flavor.description, null);
    const at60 = await t.request('GET', '/compute/v2.1/flavors/nb-specs', { token: alice.token, headers: V('2.60') });
    assert.equal(at60.body.flavor.extra_specs, undefined);
    const detail = await t.request('GET', '/compute/v2.1/flavors/detail', { token: alice.token, headers: V('2.61') });
    assert.deepEqual(detail.body.flavors.find((x: { id: string }) => x.id === 'nb-specs').extra_specs, { 'hw:cpu_policy': 'shared' });
  });

  it('filters by minRam and minDisk, sorts, and pages with flavors_links', async () => {
    for (const [id, ram, disk] of [['nb-p1', 100001, 500], ['nb-p2', 100002, 600], ['nb-p3', 100003, 700]] as const) {
      await create({ name: id, ram, vcpus: 1, disk, id });
    }
    const big = await t.request('GET', '/compute/v2.1/flavors/detail?minRam=100002', { token: alice.token });
    assert.deepEqual(big.body.flavors.map((f: { id: string }) => f.id), ['nb-p2', 'nb-p3']);
    const disk = await t.request('GET', '/compute/v2.1/flavors?minDisk=700', { token: alice.token });
    assert.deepEqual(disk.body.flavors.map((f: { id: string }) => f.id), ['nb-p3']);
    const desc = await t.request('GET', '/compute/v2.1/flavors?minRam=100001&sort_key=memory_mb&sort_dir=desc', { token: alice.token });
    assert.deepEqual(desc.body.flavors.map((f: { id: string }) => f.id), ['nb-p3', 'nb-p2', 'nb-p1']);
    const page1 = await t.request('GET', '/compute/v2.1/flavors?minRam=100001&limit=2', { token: alice.token });
    assert.deepEqual(page1.body.flavors.map((f: { id: string }) => f.id), ['nb-p1', 'nb-p2']);
    const next = new URL(page1.body.flavors_links[0].href);
    assert.equal(page1.body.flavors_links[0].rel, 'next');
    assert.equal(next.pathname, '/compute/v2.1/flavors');
    assert.equal(next.searchParams.get('marker'), 'nb-p2');
    const page2 = await t.request('GET', `/compute/v2.1/flavors${next.search}`, { token: alice.token });
    assert.deepEqual(page2.body.flavors.map((f: { id: string }) => f.id), ['nb-p3']);
    assert.equal(page2.body.flavors_links, undefined);
    const dpage = await t.request('GET', '/compute/v2.1/flavors/detail?minRam=100001&limit=1&sort_key=memory_mb&sort_dir=desc&marker=nb-p3', { token: alice.token });
    assert.deepEqual(dpage.body.flavors.map((f: { id: string }) => f.id), ['nb-p2']);
    assert.match(dpage.body.flavors_links[0].href, /\/flavors\/detail\?/);
    for (const q of ['minRam=abc', 'minDisk=1.5', 'limit=-1', 'limit=x', 'marker=nb-nope', 'sort_key=bogus', 'sort_dir=up']) {
      const res = await t.request('GET', `/compute/v2.1/flavors?${q}`, { token: alice.token });
      assert.equal(res.status, 400, q);
      assert.ok(res.body.badRequest.message, q);
    }
  });

  it('shows private flavors to admins and to projects on the access list only', async () => {
    const f = await create({ name: 'nb-private', ram: 64, vcpus: 1, disk: 1, id: 'nb-private', 'os-flavor-access:is_public': false });
    assert.equal(f['os-flavor-access:is_public'], false);
    const ids = async (token: string, q = '') =>
      (await t.request('GET', `/compute/v2.1/flavors${q}`, { token })).body.flavors.map((x: { id: string }) => x.id);
    assert.ok(!(await ids(alice.token)).includes('nb-private'));
    assert.equal((await t.request('GET', '/compute/v2.1/flavors/nb-private', { token: alice.token })).status, 404);
    // Admins: the default list is the public (and own project's) flavors; is_public=false/none show the rest.
    assert.ok(!(await ids(admin)).includes('nb-private'));
    assert.ok((await ids(admin, '?is_public=false')).includes('nb-private'));
    assert.ok(!(await ids(admin, '?is_public=false')).includes('nb-small-id'));
    assert.ok((await ids(admin, '?is_public=None')).includes('nb-private'));
    assert.equal((await t.request('GET', '/compute/v2.1/flavors?is_public=perhaps', { token: admin })).status, 400);
    // A member's is_public is ignored.
    assert.ok(!(await ids(alice.token, '?is_public=false')).includes('nb-private'));
    assert.equal((await t.request('GET', '/compute/v2.1/flavors/nb-private', { token: admin })).status, 200);

    const add = await t.request('POST', '/compute/v2.1/flavors/nb-private/action', { token: admin, body: { addTenantAccess: { tenant: alice.projectId } } });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(add.body, { flavor_access: [{ flavor_id: 'nb-private', tenant_id: alice.projectId }] });
    assert.ok((await ids(alice.token)).includes('nb-private'));
    assert.equal((await t.request('GET', '/compute/v2.1/flavors/nb-private', { token: alice.token })).status, 200);
    assert.ok(!(await ids(bob.token)).includes('nb-private'));
    assert.equal((await t.request('GET', '/compute/v2.1/flavors/nb-private', { token: bob.token })).status, 404);
    const list = await t.request('GET', '/compute/v2.1/flavors/nb-private/os-flavor-access', { token: admin });
    assert.deepEqual(list.body.flavor_access, [{ flavor_id: 'nb-private', tenant_id: alice.projectId }]);

    const dup = await t.request('POST', '/compute/v2.1/flavors/nb-private/action', { token: admin, body: { addTenantAccess: { tenant: alice.projectId } } });
    assert.equal(dup.status, 409);
    const byMember = await t.request('POST', '/compute/v2.1/flavors/nb-private/action', { token: alice.token, body: { addTenantAccess: { tenant: bob.projectId } } });
    assert.equal(byMember.status, 403);
    const rm = await t.request('POST', '/compute/v2.1/flavors/nb-private/action', { token: admin, body: { removeTenantAccess: { tenant: alice.projectId } } });
    assert.equal(rm.status, 200);
    assert.deepEqual(rm.body.flavor_access, []);
    assert.ok(!(await ids(alice.token)).includes('nb-private'));
    const rmAgain = await t.request('POST', '/compute/v2.1/flavors/nb-private/action', { token: admin, body: { removeTenantAccess: { tenant: alice.projectId } } });
    assert.equal(rmAgain.status, 404);
    assert.match(rmAgain.body.itemNotFound.message, /Flavor access not found/);
  });

  it('refuses access changes on public flavors and bad action bodies', async () => {
    const pub = await t.request('POST', '/compute/v2.1/flavors/nb-small-id/action', { token: admin, body: { addTenantAccess: { tenant: alice.projectId } } });
    assert.equal(pub.status, 409);
    assert.equal(pub.body.conflictingRequest.message, 'Can not add access to a public flavor.');
    const list = await t.request('GET', '/compute/v2.1/flavors/nb-small-id/os-flavor-access', { token: admin });
    assert.equal(list.status, 404);
    assert.equal((await t.request('POST', '/compute/v2.1/flavors/nb-none/action', { token: admin, body: { addTenantAccess: { tenant: 'x' } } })).status, 404);
    for (const body of [{ addTenantAccess: {} }, { addTenantAccess: { tenant: 5 } }, { addTenantAccess: { tenant: 'p', x: 1 } }, { frobnicate: {} }, {}, { addTenantAccess: 'p' }]) {
      const res = await t.request('POST', '/compute/v2.1/flavors/nb-private/action', { token: admin, body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });

  it('manages extra specs', async () => {
    await create({ name: 'nb-es', ram: 64, vcpus: 1, disk: 1, id: 'nb-es' });
    const url = '/compute/v2.1/flavors/nb-es/os-extra_specs';
    const post = await t.request('POST', url, { token: admin, body: { extra_specs: { 'hw:numa_nodes': 1, 'quota:cpu_shares': '512', flag: true } } });
    assert.equal(post.status, 200, post.text);
    assert.deepEqual(post.body.extra_specs, { 'hw:numa_nodes': '1', 'quota:cpu_shares': '512', flag: 'True' });
    assert.deepEqual((await t.request('GET', url, { token: alice.token })).body, { extra_specs: { flag: 'True', 'hw:numa_nodes': '1', 'quota:cpu_shares': '512' } });
    assert.deepEqual((await t.request('GET', `${url}/hw:numa_nodes`, { token: alice.token })).body, { 'hw:numa_nodes': '1' });
    const put = await t.request('PUT', `${url}/hw:numa_nodes`, { token: admin, body: { 'hw:numa_nodes': '2' } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { 'hw:numa_nodes': '2' });
    const mismatch = await t.request('PUT', `${url}/hw:numa_nodes`, { token: admin, body: { other: '2' } });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.badRequest.message, 'Request body and URI mismatch');
    assert.equal((await t.request('PUT', `${url}/a`, { token: admin, body: { a: '1', b: '2' } })).status, 400);
    assert.equal((await t.request('PUT', `${url}/a`, { token: admin, body: { a: { x: 1 } } })).status, 400);
    assert.equal((await t.request('POST', url, { token: admin, body: { extra_specs: { 'bad/key': 'x' } } })).status, 400);
    assert.equal((await t.request('POST', url, { token: admin, body: { extra_specs: { k: 'v'.repeat(256) } } })).status, 400);
    assert.equal((await t.request('POST', url, { token: admin, body: { specs: {} } })).status, 400);
    assert.equal((await t.request('POST', url, { token: alice.token, body: { extra_specs: { a: 'b' } } })).status, 403);
    assert.equal((await t.request('DELETE', `${url}/flag`, { token: alice.token })).status, 403);
    assert.equal((await t.request('DELETE', `${url}/flag`, { token: admin })).status, 200);
    const missing = await t.request('GET', `${url}/flag`, { token: admin });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.itemNotFound.message, 'Flavor nb-es has no extra specs with key flag.');
    assert.equal((await t.request('DELETE', `${url}/flag`, { token: admin })).status, 404);
    assert.equal((await t.request('GET', '/compute/v2.1/flavors/nb-none/os-extra_specs', { token: admin })).status, 404);
    assert.equal((await t.request('GET', '/compute/v2.1/flavors/nb-private/os-extra_specs', { token: bob.token })).status, 404);
  });

  it('resolves a flavor for server create by id or URL, with the caller\'s visibility', async () => {
    const deps = t.cloud.compute.ctx.deps;
    const auth = { userId: alice.id, userName: alice.name, userDomainId: 'default', projectId: alice.projectId, system: false, roles: ['member', 'reader'], methods: ['password'] };
    const f = await loadFlavorForBoot(deps, auth, 'nb-specs');
    assert.equal(f.id, 'nb-specs');
    assert.deepEqual(f.extra_specs, { 'hw:cpu_policy': 'shared' });
    assert.equal(f.is_public, true);
    const byUrl = await loadFlavorForBoot(deps, auth, 'http://cloud/compute/v2.1/flavors/nb-small-id');
    assert.equal(byUrl.ram, 256);
    await assert.rejects(loadFlavorForBoot(deps, auth, 'nb-private'), { status: 400, message: 'Flavor nb-private could not be found.' });
    await assert.rejects(loadFlavorForBoot(deps, auth, 'nope'), { status: 400, message: 'Flavor nope could not be found.' });
  });

  it('seeds the default flavors only once', async () => {
    const db = t.cloud.compute.ctx.deps.db;
    const count = async () => (await db.selectFrom('compute_flavor').select('id').execute()).length;
    const before = await count();
    await seedDefaultFlavors(db); // the table already holds flavors: nothing is added
    assert.equal(await count(), before);
    await db.deleteFrom('compute_flavor_extra_spec').execute();
    await db.deleteFrom('compute_flavor_access').execute();
    await db.deleteFrom('compute_flavor').execute();
    await seedDefaultFlavors(db);
    await seedDefaultFlavors(db);
    const res = await t.request('GET', '/compute/v2.1/flavors/detail', { token: alice.token });
    assert.deepEqual(res.body.flavors.map((f: { id: string; name: string; vcpus: number; ram: number; disk: number }) => [f.id, f.name, f.vcpus, f.ram, f.disk]), [
      ['1', 'm1.tiny', 1, 512, 1], ['2', 'm1.small', 1, 2048, 20], ['3', 'm1.medium', 2, 4096, 40],
      ['4', 'm1.large', 4, 8192, 80], ['42', 'm1.nano', 1, 128, 1], ['5', 'm1.xlarge', 8, 16384, 160],
    ]);
  });

  it('requires a token', async () => {
    const res = await t.request('GET', '/compute/v2.1/flavors');
    assert.equal(res.status, 401);
  });
});
