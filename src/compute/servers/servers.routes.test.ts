// GET/PUT/DELETE /servers against fake hosts: list filters, sorting and paging, project isolation,
// update, locks, and what each microversion adds to the server body.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createActiveImage, createFlavor, novaError, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud, TestResponse } from '../../../test/harness/test-cloud.js';

const ver = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

const names = (res: TestResponse): string[] => res.body.servers.map((s: { name: string }) => s.name);

describe('servers list, show, update, delete', () => {
  let t: TestCloud;
  let admin: string;
  let owner: MemberUser;
  let stranger: MemberUser;
  let flavorA: string;
  let flavorB: string;
  let imageA: string;
  let imageB: string;
  /** name → id of the owner's servers, created in this order. */
  const ids = new Map<string, string>();
  let between = '';

  before(async () => {
    t = await startFakeComputeCloud(2);
    admin = await t.adminToken();
    owner = await createMemberUser(t, 'nb-sl-owner');
    stranger = await createMemberUser(t, 'nb-sl-stranger');
    flavorA = await createFlavor(t, admin, { name: 'nb-sl-a', vcpus: 1, ram: 128, disk: 1 });
    flavorB = await createFlavor(t, admin, { name: 'nb-sl-b', vcpus: 2, ram: 256, disk: 1 });
    imageA = await createActiveImage(t, admin, 'nb-sl-img-a');
    imageB = await createActiveImage(t, admin, 'nb-sl-img-b');
    const plan: Array<[string, string, string, string[]]> = [
      ['web-1', flavorA, imageA, ['web', 'prod']],
      ['web-2', flavorA, imageB, ['web']],
      ['db-1', flavorB, imageA, ['prod']],
      ['cache', flavorB, imageB, []],
    ];
    for (const [i, [name, flavorRef, imageRef, tags]] of plan.entries()) {
      if (i === 2) { await sleep(5); between = new Date().toISOString(); await sleep(5); }
      const res = await t.request('POST', '/compute/v2.1/servers', {
        token: owner.token, headers: ver('2.52'), body: { server: { name, flavorRef, imageRef, networks: 'none', tags } },
      });
      assert.equal(res.status, 202, res.text);
      ids.set(name, res.body.server.id);
      await waitForServer(t, owner.token, res.body.server.id, 'ACTIVE');
    }
    const other = await t.request('POST', '/compute/v2.1/servers', {
      token: stranger.token, body: { server: { name: 'web-stranger', flavorRef: flavorA, imageRef: imageA, networks: 'none' } },
    });
    ids.set('web-stranger', other.body.server.id);
    await waitForServer(t, stranger.token, other.body.server.id, 'ACTIVE');
  });
  after(async () => { await t?.close(); });

  const list = (query: string, token = owner.token, headers: Record<string, string> = {}) =>
    t.request('GET', `/compute/v2.1/servers/detail${query ? `?${query}` : ''}`, { token, headers });

  it('lists the caller\'s project only, newest first; index shows id, name, links', async () => {
    const res = await t.request('GET', '/compute/v2.1/servers', { token: owner.token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res), ['cache', 'db-1', 'web-2', 'web-1']);
    assert.deepEqual(Object.keys(res.body.servers[0]).sort(), ['id', 'links', 'name']);
    assert.equal(res.body.servers_links, undefined);
    assert.deepEqual(names(await list('', stranger.token)), ['web-stranger']);
  });

  it('filters by name regex, status, image, flavor and changes-since', async () => {
    assert.deepEqual(names(await list('name=^web')), ['web-2', 'web-1']);
    assert.deepEqual(names(await list('name=1$')), ['db-1', 'web-1']);
    assert.deepEqual(names(await list('status=ACTIVE')).length, 4);
    assert.deepEqual(names(await list('status=SHUTOFF')), []);
    assert.deepEqual(names(await list(`image=${imageA}`)), ['db-1', 'web-1']);
    assert.deepEqual(names(await list(`flavor=${flavorB}`)), ['cache', 'db-1']);
    assert.deepEqual(names(await list(`changes-since=${encodeURIComponent(between)}`)), ['cache', 'db-1']);
    novaError(await list('changes-since=yesterday'), 400, 'badRequest');
    novaError(await list('status=NOPE', owner.token, ver('2.38')), 400, 'badRequest');
    assert.deepEqual(names(await list('status=NOPE')), []);
    novaError(await list('name=('), 400, 'badRequest');
  });

  it('changes-since includes deleted servers', async () => {
    const since = new Date().toISOString();
    const res = await t.request('POST', '/compute/v2.1/servers', {
      token: owner.token, body: { server: { name: 'doomed', flavorRef: flavorA, imageRef: imageA, networks: 'none' } },
    });
    await waitForServer(t, owner.token, res.body.server.id, 'ACTIVE');
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${res.body.server.id}`, { token: owner.token })).status, 204);
    await waitForServer(t, owner.token, res.body.server.id, 'DELETED');
    const changed = await list(`changes-since=${encodeURIComponent(since)}`);
    assert.deepEqual(changed.body.servers.map((s: { name: string; status: string }) => [s.name, s.status]), [['doomed', 'DELETED']]);
    assert.ok(!names(await list('')).includes('doomed'));
  });

  it('all_tenants shows every project to admins; members stay in theirs', async () => {
    const all = names(await list('all_tenants=1', admin));
    for (const n of ['web-1', 'web-2', 'db-1', 'cache', 'web-stranger']) assert.ok(all.includes(n), n);
    assert.deepEqual(names(await list(`all_tenants=1&project_id=${stranger.projectId}`, admin)), ['web-stranger']);
    assert.deepEqual(names(await list('', admin)), [], 'without all_tenants an admin sees the admin project');
    const denied = await list('all_tenants=1', owner.token);
    assert.match(novaError(denied, 403, 'forbidden'), /get_all_tenants/);
    assert.deepEqual(names(await list('all_tenants=0', owner.token)), ['cache', 'db-1', 'web-2', 'web-1']);
    assert.ok(names(await list('all_tenants', admin)).includes('web-stranger'), 'present and empty means yes');
    assert.ok(names(await list('all_tenants=yes', admin)).includes('web-stranger'));
    assert.deepEqual(names(await list('all_tenants=false', admin)), []);
    assert.match(novaError(await list('all_tenants=maybe', admin), 400, 'badRequest'), /Unrecognized value 'maybe'/);
  });

  it('filters by tags, tags-any, not-tags and not-tags-any from 2.26', async () => {
    const v = ver('2.26');
    assert.deepEqual(names(await list('tags=web,prod', owner.token, v)), ['web-1']);
    assert.deepEqual(names(await list('tags-any=web,prod', owner.token, v)), ['db-1', 'web-2', 'web-1']);
    assert.deepEqual(names(await list('not-tags=web,prod', owner.token, v)), ['cache', 'db-1', 'web-2']);
    assert.deepEqual(names(await list('not-tags-any=web,prod', owner.token, v)), ['cache']);
    assert.equal(names(await list('tags=web')).length, 4, 'ignored before 2.26');
  });

  it('host filter works for admins and is ignored for members', async () => {
    const host = (await t.request('GET', `/compute/v2.1/servers/${ids.get('web-1')}`, { token: admin })).body.server['OS-EXT-SRV-ATTR:host'];
    const onHost = names(await list(`all_tenants=1&host=${host}`, admin));
    assert.ok(onHost.includes('web-1'));
    for (const s of (await list(`all_tenants=1&host=${host}`, admin)).body.servers) assert.equal(s['OS-EXT-SRV-ATTR:host'], host);
    assert.equal(names(await list('host=nb-no-such-host')).length, 4);
  });

  it('sorts by sort_key/sort_dir and pages with limit/marker and servers_links', async () => {
    assert.deepEqual(names(await list('sort_key=display_name&sort_dir=asc')), ['cache', 'db-1', 'web-1', 'web-2']);
    assert.deepEqual(names(await list('sort_key=display_name&sort_dir=desc')), ['web-2', 'web-1', 'db-1', 'cache']);
    const page1 = await list('sort_key=display_name&sort_dir=asc&limit=3');
    assert.deepEqual(names(page1), ['cache', 'db-1', 'web-1']);
    assert.equal(page1.body.servers_links.length, 1);
    assert.equal(page1.body.servers_links[0].rel, 'next');
    const next = new URL(page1.body.servers_links[0].href);
    assert.match(next.pathname, /\/compute\/v2\.1\/servers\/detail$/);
    assert.equal(next.searchParams.get('marker'), ids.get('web-1'));
    assert.equal(next.searchParams.get('limit'), '3');
    const page2 = await t.request('GET', `${next.pathname}${next.search}`, { token: owner.token });
    assert.deepEqual(names(page2), ['web-2']);
    assert.equal(page2.body.servers_links, undefined);
    const empty = await list('limit=0');
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.body.servers, []);
    const index = await t.request('GET', '/compute/v2.1/servers?limit=1', { token: owner.token });
    assert.match(index.body.servers_links[0].href, /\/compute\/v2\.1\/servers\?limit=1&marker=/);
  });

  it('refuses a bad marker, limit, sort_key or sort_dir with 400', async () => {
    assert.match(novaError(await list('marker=00000000-0000-4000-8000-000000000000'), 400, 'badRequest'), /marker/);
    novaError(await list(`marker=${ids.get('web-stranger')}`), 400, 'badRequest');
    assert.match(novaError(await list('limit=-1'), 400, 'badRequest'), /limit/);
    novaError(await list('limit=many'), 400, 'badRequest');
    assert.match(novaError(await list('sort_key=password'), 400, 'badRequest'), /sort_key/);
    assert.match(novaError(await list('sort_key=display_name&sort_dir=sideways'), 400, 'badRequest'), /sort_dir/);
  });

  it('hides other projects\' servers behind 404 itemNotFound', async () => {
    const id = ids.get('web-1')!;
    for (const [method, body] of [['GET', undefined], ['PUT', { server: { name: 'mine' } }], ['DELETE', undefined]] as const) {
      const res = await t.request(method, `/compute/v2.1/servers/${id}`, { token: stranger.token, body });
      assert.equal(novaError(res, 404, 'itemNotFound'), `Instance ${id} could not be found.`);
    }
    novaError(await t.request('POST', `/compute/v2.1/servers/${id}/action`, { token: stranger.token, body: { 'os-stop': null } }), 404, 'itemNotFound');
    novaError(await t.request('GET', '/compute/v2.1/servers/not-a-uuid', { token: owner.token }), 404, 'itemNotFound');
    assert.equal((await t.request('GET', `/compute/v2.1/servers/${id}`, { token: admin })).status, 200);
  });

  it('updates name (and description from 2.19), refusing bad bodies', async () => {
    const id = ids.get('cache')!;
    const url = `/compute/v2.1/servers/${id}`;
    let res = await t.request('PUT', url, { token: owner.token, body: { server: { name: 'cache-2' } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.server.name, 'cache-2');
    assert.equal(res.body.server.description, undefined);
    novaError(await t.request('PUT', url, { token: owner.token, body: { server: { description: 'x' } } }), 400, 'badRequest');
    res = await t.request('PUT', url, { token: owner.token, headers: ver('2.19'), body: { server: { description: 'a cache' } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.server.description, 'a cache');
    assert.equal(res.body.server.name, 'cache-2');
    res = await t.request('PUT', url, { token: owner.token, body: { server: { accessIPv4: '192.0.2.7', accessIPv6: '2001:db8::7' } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.server.accessIPv4, res.body.server.accessIPv6], ['192.0.2.7', '2001:db8::7']);
    for (const body of [{ server: { name: '' } }, { server: { name: 7 } }, { server: { bogus: 1 } }, { nope: {} }, null,
      { server: { accessIPv4: 'nope' } }, { server: { accessIPv6: '192.0.2.1' } }, { server: { accessIPv4: 4 } }]) {
      novaError(await t.request('PUT', url, { token: owner.token, body }), 400, 'badRequest');
    }
    res = await t.request('PUT', url, { token: owner.token, body: { server: { name: 'cache' } } });
    assert.equal(res.status, 200);
  });

  it('a locked server refuses the owner\'s update, delete and actions with 409; admins pass; admin locks stay', async () => {
    const id = ids.get('web-2')!;
    const url = `/compute/v2.1/servers/${id}`;
    const act = (token: string, body: unknown) => t.request('POST', `${url}/action`, { token, body });
    assert.equal((await act(admin, { lock: null })).status, 202);
    assert.equal((await t.request('GET', url, { token: owner.token, headers: ver('2.9') })).body.server.locked, true);
    const locked = `Instance ${id} is locked`;
    assert.equal(novaError(await t.request('PUT', url, { token: owner.token, body: { server: { name: 'x' } } }), 409, 'conflictingRequest'), locked);
    assert.equal(novaError(await t.request('DELETE', url, { token: owner.token }), 409, 'conflictingRequest'), locked);
    assert.equal(novaError(await act(owner.token, { 'os-stop': null }), 409, 'conflictingRequest'), locked);
    assert.equal(novaError(await act(owner.token, { reboot: { type: 'SOFT' } }), 409, 'conflictingRequest'), locked);
    // The owner cannot lift an admin's lock, not even by locking again first.
    assert.equal((await act(owner.token, { lock: null })).status, 202);
    assert.match(novaError(await act(owner.token, { unlock: null }), 403, 'forbidden'), /unlock_override/);
    assert.equal((await t.request('PUT', url, { token: admin, body: { server: { name: 'web-2' } } })).status, 200);
    assert.equal((await act(admin, { 'os-stop': null })).status, 202);
    await waitForServer(t, owner.token, id, 'SHUTOFF');
    assert.equal((await act(admin, { unlock: null })).status, 202);
    // An owner's own lock is the owner's to lift.
    assert.equal((await act(owner.token, { lock: null })).status, 202);
    assert.equal(novaError(await act(owner.token, { 'os-start': null }), 409, 'conflictingRequest'), locked);
    assert.equal((await act(owner.token, { unlock: null })).status, 202);
    assert.equal((await act(owner.token, { 'os-start': null })).status, 202);
    await waitForServer(t, owner.token, id, 'ACTIVE');
  });

  it('echoes the microversion headers; latest; 406 outside the range; 400 when malformed', async () => {
    let res = await t.request('GET', '/compute/v2.1/servers', { token: owner.token, headers: ver('2.55') });
    assert.equal(res.status, 200);
    assert.equal(res.headers['openstack-api-version'], 'compute 2.55');
    assert.equal(res.headers['x-openstack-nova-api-version'], '2.55');
    assert.match(String(res.headers.vary), /OpenStack-API-Version/);
    assert.match(String(res.headers.vary), /X-OpenStack-Nova-API-Version/);
    assert.match(String(res.headers['x-openstack-request-id']), /^req-[0-9a-f-]{36}$/);
    res = await t.request('GET', '/compute/v2.1/servers', { token: owner.token });
    assert.equal(res.headers['openstack-api-version'], 'compute 2.1');
    res = await t.request('GET', '/compute/v2.1/servers', { token: owner.token, headers: ver('latest') });
    assert.equal(res.headers['openstack-api-version'], 'compute 2.64');
    res = await t.request('GET', '/compute/v2.1/servers', { token: owner.token, headers: { 'X-OpenStack-Nova-API-Version': '2.10' } });
    assert.equal(res.headers['x-openstack-nova-api-version'], '2.10');
    for (const v of ['2.99', '3.0', '2.0']) {
      res = await t.request('GET', '/compute/v2.1/servers', { token: owner.token, headers: ver(v) });
      assert.match(novaError(res, 406, 'computeFault'), /not supported/);
    }
    novaError(await t.request('GET', '/compute/v2.1/servers', { token: owner.token, headers: ver('two') }), 400, 'badRequest');
  });

  it('adds fields by microversion: locked, description, tags, embedded flavor, extended attrs, host_status', async () => {
    const id = ids.get('web-1')!;
    const show = async (token: string, v: string) => {
      const res = await t.request('GET', `/compute/v2.1/servers/${id}`, { token, headers: ver(v) });
      assert.equal(res.status, 200, res.text);
      return res.body.server as Record<string, unknown>;
    };
    const v21 = await show(owner.token, '2.1');
    for (const k of ['locked', 'description', 'tags', 'host_status', 'OS-EXT-SRV-ATTR:host', 'trusted_image_certificates']) assert.ok(!(k in v21), k);
    assert.deepEqual(v21.flavor, { id: flavorA, links: [{ rel: 'bookmark', href: (v21.flavor as { links: Array<{ href: string }> }).links[0]!.href }] });
    assert.match((v21.flavor as { links: Array<{ href: string }> }).links[0]!.href, new RegExp(`/compute/flavors/${flavorA}$`));
    assert.equal(v21.status, 'ACTIVE');
    for (const k of ['id', 'name', 'tenant_id', 'user_id', 'metadata', 'hostId', 'image', 'created', 'updated', 'addresses',
      'accessIPv4', 'accessIPv6', 'links', 'OS-DCF:diskConfig', 'OS-EXT-AZ:availability_zone', 'OS-EXT-STS:power_state',
      'OS-EXT-STS:task_state', 'OS-EXT-STS:vm_state', 'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at', 'progress',
      'config_drive', 'key_name', 'os-extended-volumes:volumes_attached']) assert.ok(k in v21, k);
    assert.match(String(v21.created), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal((await show(owner.token, '2.8')).locked, undefined);
    assert.equal((await show(owner.token, '2.9')).locked, false);
    assert.ok(!('description' in (await show(owner.token, '2.18'))));
    assert.equal((await show(owner.token, '2.19')).description, null);
    assert.ok(!('tags' in (await show(owner.token, '2.25'))));
    assert.deepEqual((await show(owner.token, '2.26')).tags, ['prod', 'web']);
    assert.deepEqual((await show(owner.token, '2.46')).flavor, v21.flavor);
    const embedded = (await show(owner.token, '2.47')).flavor as Record<string, unknown>;
    assert.deepEqual({ ...embedded, extra_specs: undefined }, { vcpus: 1, ram: 128, disk: 1, ephemeral: 0, swap: 0, original_name: 'nb-sl-a', extra_specs: undefined });
    const a22 = await show(admin, '2.2');
    assert.ok(typeof a22['OS-EXT-SRV-ATTR:host'] === 'string');
    assert.ok(!('OS-EXT-SRV-ATTR:hostname' in a22));
    const a23 = await show(admin, '2.3');
    assert.equal(a23['OS-EXT-SRV-ATTR:hostname'], 'web-1');
    assert.equal(a23['OS-EXT-SRV-ATTR:launch_index'], 0);
    assert.match(String(a23['OS-EXT-SRV-ATTR:reservation_id']), /^r-/);
    assert.ok(!('OS-EXT-SRV-ATTR:hostname' in (await show(owner.token, '2.3'))));
    assert.ok(!('host_status' in (await show(admin, '2.15'))));
    assert.equal((await show(admin, '2.16')).host_status, 'UP');
    assert.ok(!('host_status' in (await show(owner.token, '2.16'))));
    assert.equal((await show(owner.token, '2.63')).trusted_image_certificates, null);
  });
});
