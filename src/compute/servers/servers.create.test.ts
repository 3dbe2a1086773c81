// POST /servers against fake hosts: the 202 body, the build reaching ACTIVE, min/max count and
// reservation ids, every refusal as Nova's 400/403 body with nothing written, forced hosts, quota.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createActiveImage, createFlavor, novaError, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';

const ver = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/** Asserts Nova's error body `{"<name>": {"code", "message"}}` and returns the message. */
describe('POST /servers', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let admin: string;
  let member: MemberUser;
  let flavor: string;
  let image: string;
  let hosts: string[];

  before(async () => {
    t = await startFakeComputeCloud(2);
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-sc-member');
    flavor = await createFlavor(t, admin, { name: 'nb-sc-small', vcpus: 1, ram: 128, disk: 1 });
    image = await createActiveImage(t, admin, 'nb-sc-img');
    hosts = t.cloud.agents.agents.map((a) => a.host);
  });
  after(async () => { await t?.close(); });

  const create = (token: string, server: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.request('POST', '/compute/v2.1/servers', { token, headers, body: { server: { flavorRef: flavor, imageRef: image, networks: 'none', ...server } } });

  /** Rows that any refusal must leave untouched. */
  async function rowCounts() {
    const count = async (table: 'compute_instance' | 'compute_instance_action' | 'compute_allocation' | 'compute_instance_metadata') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    return { instances: await count('compute_instance'), actions: await count('compute_instance_action'),
      allocations: await count('compute_allocation'), metadata: await count('compute_instance_metadata') };
  }

  it('answers 202 with id, links, adminPass, diskConfig and Location; the build reaches ACTIVE on a host', async () => {
    // `auto` with one network of the project's own: the server boots on it.
    const net = await t.request('POST', '/network/v2.0/networks', { token: member.token, body: { network: { name: 'nb-sc-net' } } });
    await t.request('POST', '/network/v2.0/subnets', { token: member.token, body: { subnet: { network_id: net.body.network.id, cidr: '10.1.0.0/24', ip_version: 4 } } });
    const res = await create(member.token, { name: 'nb-sc-one', networks: 'auto' });
    assert.equal(res.status, 202, res.text);
    const s = res.body.server;
    assert.deepEqual(Object.keys(s).sort(), ['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
    assert.match(s.id, /^[0-9a-f-]{36}$/);
    assert.equal(s['OS-DCF:diskConfig'], 'MANUAL');
    assert.ok(typeof s.adminPass === 'string' && s.adminPass.length >= 8);
    assert.deepEqual(s.security_groups, [{ name: 'default' }]);
    assert.deepEqual(s.links.map((l: { rel: string }) => l.rel), ['self', 'bookmark']);
    assert.match(s.links[0].href, new RegExp(`/compute/v2\\.1/servers/${s.id}$`));
    assert.match(String(res.headers.location), new RegExp(`^https?://.+/compute/v2\\.1/servers/${s.id}$`));
    assert.equal(res.headers.location, s.links[0].href);

    const active = await waitForServer(t, member.token, s.id, 'ACTIVE');
    assert.equal(active['OS-EXT-AZ:availability_zone'], 'nova');
    assert.equal(active['OS-EXT-STS:power_state'], 1);
    assert.equal(active['OS-EXT-STS:vm_state'], 'active');
    assert.match(String(active['OS-SRV-USG:launched_at']), MICRO);
    assert.equal(active['OS-EXT-SRV-ATTR:host'], undefined, 'members do not see the host');
    assert.notEqual(active.hostId, '');
    const asAdmin = (await t.request('GET', `/compute/v2.1/servers/${s.id}`, { token: admin })).body.server;
    assert.ok(hosts.includes(asAdmin['OS-EXT-SRV-ATTR:host']), asAdmin['OS-EXT-SRV-ATTR:host']);
    const alloc = await db.selectFrom('compute_allocation').selectAll().where('instance_uuid', '=', s.id).execute();
    assert.deepEqual(alloc.map((a) => [a.kind, a.vcpus, a.memory_mb, a.disk_gb]), [['instance', 1, 128, 1]]);
  });

  it('networks "none" answers without security_groups', async () => {
    const res = await create(member.token, { name: 'nb-sc-nonet' });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.server.security_groups, undefined);
    await waitForServer(t, member.token, res.body.server.id, 'ACTIVE');
  });

  it('min/max count creates numbered servers under one reservation id', async () => {
    const res = await create(member.token, { name: 'nb-sc-multi', min_count: 2, max_count: 3, return_reservation_id: true });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(Object.keys(res.body), ['reservation_id']);
    assert.match(res.body.reservation_id, /^r-[0-9a-z]+$/);
    const list = await t.request('GET', `/compute/v2.1/servers?reservation_id=${res.body.reservation_id}&sort_key=display_name&sort_dir=asc`, { token: member.token });
    assert.deepEqual(list.body.servers.map((s: { name: string }) => s.name), ['nb-sc-multi-1', 'nb-sc-multi-2', 'nb-sc-multi-3']);
    const placed = new Set<string>();
    for (const s of list.body.servers) {
      await waitForServer(t, member.token, s.id, 'ACTIVE');
      placed.add((await db.selectFrom('compute_instance').select('host').where('uuid', '=', s.id).executeTakeFirstOrThrow()).host!);
    }
    // Spread (the default): decisions see each other's claims, so three builds at once do not all take one host.
    assert.equal(placed.size, 2, `the three servers used both hosts: ${[...placed].join(', ')}`);
    const bad = await create(member.token, { name: 'nb-sc-x', min_count: 3, max_count: 2 });
    novaError(bad, 400, 'badRequest');
    novaError(await create(member.token, { name: 'nb-sc-x', min_count: 0 }), 400, 'badRequest');
    novaError(await create(member.token, { name: 'nb-sc-x', max_count: 'many' }), 400, 'badRequest');
  });

  it('refuses each bad input with a 400 naming the problem, writing nothing', async () => {
    const queued = await t.request('POST', '/image/v2/images', { token: admin, body: { name: 'nb-sc-queued', disk_format: 'raw', container_format: 'bare', visibility: 'public' } });
    const minDisk = await createActiveImage(t, admin, 'nb-sc-mindisk', undefined, { min_disk: 5 });
    const minRam = await createActiveImage(t, admin, 'nb-sc-minram', undefined, { min_ram: 4096 });
    const big = await createActiveImage(t, admin, 'nb-sc-big');
    // The image service measured a 5 GiB virtual disk (a real qcow2 would say so; a test cannot upload one cheaply).
    await sql`UPDATE image SET virtual_size = ${5 * 1024 ** 3} WHERE id = ${big}`.execute(db);
    const cases: Array<[string, Record<string, unknown>, RegExp, Record<string, string>?]> = [
      ['missing name', { name: undefined }, /'name' is a required property/],
      ['blank name', { name: '   ' }, /name/],
      ['name not a string', { name: 5 }, /name/],
      ['missing flavorRef', { name: 'x', flavorRef: undefined }, /'flavorRef' is a required property/],
      ['missing imageRef', { name: 'x', imageRef: undefined }, /Block Device Mapping is Invalid/],
      ['unknown flavor', { name: 'x', flavorRef: 'nb-no-such-flavor' }, /^Invalid flavorRef provided\.$/],
      ['unknown image', { name: 'x', imageRef: '6f1f4b43-0000-4000-8000-000000000000' }, /^Image 6f1f4b43-0000-4000-8000-000000000000 could not be found\.$/],
      ['queued image', { name: 'x', imageRef: queued.body.id }, /is not active/],
      ['image larger than the flavor disk', { name: 'x', imageRef: big }, /^Flavor's disk is too small for requested image\./],
      ['image min_disk above the flavor disk', { name: 'x', imageRef: minDisk }, /Flavor's disk is smaller than the minimum size/],
      ['image min_ram above the flavor ram', { name: 'x', imageRef: minRam }, /^Flavor's memory is too small for requested image\.$/],
      ['bad user_data', { name: 'x', user_data: 'not base64 at all!' }, /^User data needs to be valid base 64\.$/],
      ['user_data with bad padding', { name: 'x', user_data: 'abc' }, /^User data needs to be valid base 64\.$/],
      ['user_data not a string', { name: 'x', user_data: 12 }, /user_data/],
      ['bad networks value', { name: 'x', networks: 'everywhere' }, /networks/],
      ['bad networks entry', { name: 'x', networks: [{ bogus: 'y' }] }, /networks/],
      ['unknown network', { name: 'x', networks: [{ uuid: '7e0e0e0e-0000-4000-8000-000000000000' }] }, /Network 7e0e0e0e-0000-4000-8000-000000000000 could not be found/],
      ['networks required from 2.37', { name: 'x', networks: undefined }, /'networks' is a required property/, ver('2.37')],
      ['unknown key_name', { name: 'x', key_name: 'nb-no-such-key' }, /^Invalid key_name provided\.$/],
      ['unknown availability zone', { name: 'x', availability_zone: 'nb-nowhere' }, /^The requested availability zone is not available$/],
      ['description before 2.19', { name: 'x', description: 'd' }, /'description' was unexpected/, ver('2.18')],
      ['tags before 2.52', { name: 'x', tags: ['a'] }, /'tags' was unexpected/, ver('2.51')],
      ['bad tag', { name: 'x', tags: ['a/b'] }, /tags/, ver('2.52')],
      ['unknown property', { name: 'x', colour: 'blue' }, /'colour' was unexpected/],
      ['bad metadata', { name: 'x', metadata: { k: 5 } }, /metadata/],
      ['bad accessIPv4', { name: 'x', accessIPv4: 'not-an-ip' }, /accessIPv4/],
      ['bad config_drive', { name: 'x', config_drive: 'maybe' }, /config_drive/],
      ['bad scheduler hint group', { name: 'x' }, /group/],
    ];
    const before = await rowCounts();
    for (const [what, server, message, headers] of cases) {
      const body: Record<string, unknown> = { server: { flavorRef: flavor, imageRef: image, networks: 'none', ...server } };
      for (const [k, v] of Object.entries(body.server as object)) if (v === undefined) delete (body.server as Record<string, unknown>)[k];
      if (what === 'bad scheduler hint group') body['os:scheduler_hints'] = { group: 'not-a-uuid' };
      const res = await t.request('POST', '/compute/v2.1/servers', { token: member.token, body, headers });
      assert.match(novaError(res, 400, 'badRequest'), message, what);
    }
    for (const body of [null, [], { server: 'x' }, {}]) {
      novaError(await t.request('POST', '/compute/v2.1/servers', { token: member.token, body }), 400, 'badRequest');
    }
    novaError(await t.request('POST', '/compute/v2.1/servers', { token: member.token, rawBody: '{"server": ', headers: { 'content-type': 'application/json' } }), 400, 'badRequest');
    assert.deepEqual(await rowCounts(), before);
  });

  it('accepts description from 2.19, tags from 2.52 and base64 user_data', async () => {
    const res = await create(member.token, { name: 'nb-sc-desc', description: 'about me', tags: ['blue', 'red'], user_data: 'aGVsbG8=\n' }, ver('2.52'));
    assert.equal(res.status, 202, res.text);
    const s = await waitForServer(t, member.token, res.body.server.id, 'ACTIVE', 10_000, ver('2.52'));
    assert.equal(s.description, 'about me');
    assert.deepEqual(s.tags, ['blue', 'red']);
  });

  it('forces a host for admins (nova:<host>) and refuses members with 403', async () => {
    for (const host of hosts) {
      const res = await create(admin, { name: `nb-sc-forced-${host}`, availability_zone: `nova:${host}` });
      assert.equal(res.status, 202, res.text);
      await waitForServer(t, admin, res.body.server.id, 'ACTIVE');
      const s = (await t.request('GET', `/compute/v2.1/servers/${res.body.server.id}`, { token: admin })).body.server;
      assert.equal(s['OS-EXT-SRV-ATTR:host'], host);
      assert.equal(s['OS-EXT-AZ:availability_zone'], 'nova');
    }
    const before = await rowCounts();
    const denied = await create(member.token, { name: 'nb-sc-forced', availability_zone: `nova:${hosts[0]}` });
    assert.match(novaError(denied, 403, 'forbidden'), /forced_host/);
    assert.deepEqual(await rowCounts(), before);
  });

  it('refuses past quota (instances, cores, ram) with a 403 naming the resource; a range takes what fits', async () => {
    const q = await createMemberUser(t, 'nb-sc-quota');
    const setQuota = async (quota: Record<string, number>) => {
      const res = await t.request('PUT', `/compute/v2.1/os-quota-sets/${q.projectId}`, { token: admin, body: { quota_set: quota } });
      assert.equal(res.status, 200, res.text);
    };
    await setQuota({ instances: 2, cores: 20, ram: 51200 });
    // min 1, max 5 with room for 2: Nova creates the 2 that fit.
    const partial = await create(q.token, { name: 'nb-sc-q', min_count: 1, max_count: 5, return_reservation_id: true });
    assert.equal(partial.status, 202, partial.text);
    const mine = await t.request('GET', `/compute/v2.1/servers?reservation_id=${partial.body.reservation_id}`, { token: q.token });
    assert.equal(mine.body.servers.length, 2);
    for (const s of mine.body.servers) await waitForServer(t, q.token, s.id, 'ACTIVE');

    const big = await createFlavor(t, admin, { name: 'nb-sc-big', vcpus: 8, ram: 4096, disk: 1 });
    const cases: Array<[Record<string, number>, Record<string, unknown>, RegExp]> = [
      [{ instances: 2 }, {}, /^Quota exceeded for instances: Requested 1, but already used 2 of 2 instances$/],
      [{ instances: 10, cores: 9 }, { flavorRef: big }, /^Quota exceeded for cores: Requested 8, but already used 2 of 9 cores$/],
      [{ instances: 10, cores: 20, ram: 4000 }, { flavorRef: big }, /^Quota exceeded for ram: Requested 4096, but already used 256 of 4000 ram$/],
      [{ instances: 4, cores: 20, ram: 51200 }, { min_count: 3 }, /^Quota exceeded for instances: Requested 3, but already used 2 of 4 instances$/],
      [{ instances: 10, metadata_items: 1 }, { metadata: { a: '1', b: '2' } }, /^Quota exceeded for metadata_items/],
    ];
    for (const [quota, server, message] of cases) {
      await setQuota(quota);
      const before = await rowCounts();
      const res = await create(q.token, { name: 'nb-sc-over', ...server });
      assert.match(novaError(res, 403, 'forbidden'), message);
      assert.deepEqual(await rowCounts(), before);
    }
  });

  it('takes a keypair, a config drive and metadata; an unknown server group hint is a 400', async () => {
    const kp = await t.request('POST', '/compute/v2.1/os-keypairs', { token: member.token, body: { keypair: { name: 'nb-sc-key' } } });
    assert.equal(kp.status, 200, kp.text);
    const res = await create(member.token, { name: 'nb-sc-keyed', key_name: 'nb-sc-key', config_drive: true, metadata: { a: '1' } });
    assert.equal(res.status, 202, res.text);
    const s = await waitForServer(t, member.token, res.body.server.id, 'ACTIVE');
    assert.equal(s.key_name, 'nb-sc-key');
    assert.equal(s.config_drive, 'True');
    assert.deepEqual(s.metadata, { a: '1' });
    const hint = await t.request('POST', '/compute/v2.1/servers', { token: member.token, body: {
      server: { name: 'x', flavorRef: flavor, imageRef: image, networks: 'none' }, 'os:scheduler_hints': { group: '0e0e0e0e-0000-4000-8000-000000000000' } } });
    assert.match(novaError(hint, 400, 'badRequest'), /server group 0e0e0e0e-0000-4000-8000-000000000000 could not be found/);
  });

  it('records the create action under the request id', async () => {
    const res = await create(member.token, { name: 'nb-sc-action' });
    assert.equal(res.status, 202);
    await waitForServer(t, member.token, res.body.server.id, 'ACTIVE');
    const actions = await t.request('GET', `/compute/v2.1/servers/${res.body.server.id}/os-instance-actions`, { token: member.token });
    assert.equal(actions.status, 200, actions.text);
    assert.deepEqual(actions.body.instanceActions.map((a: { action: string; request_id: string }) => [a.action, a.request_id]),
      [['create', res.headers['x-openstack-request-id']]]);
  });
});
