import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { addComputeHost } from '../services/hosts.fixture.js';
import { aggregateMetadataForHost, hostAvailabilityZone } from './aggregate-hosts.js';

const URL = '/compute/v2.1/os-aggregates';
const V241 = { 'openstack-api-version': 'compute 2.41' };

describe('compute API: os-aggregates', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let db: ComputeDb;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'agg-member');
    db = t.cloud.compute.ctx.deps.db;
    await addComputeHost(db, 'nbagg-1');
    await addComputeHost(db, 'nbagg-2');
  });
  after(async () => { await t.close(); });

  const create = async (body: unknown, headers: Record<string, string> = {}) => t.request('POST', URL, { token: admin, body, headers });
  const action = async (id: number, body: unknown) => t.request('POST', `${URL}/${id}/action`, { token: admin, body });

  it('creates an aggregate with an integer id, Nova timestamps and no hosts/metadata keys', async () => {
    const res = await create({ aggregate: { name: 'agg-a', availability_zone: 'az1' } });
    assert.equal(res.status, 200, res.text);
    const a = res.body.aggregate;
    assert.equal(typeof a.id, 'number');
    assert.equal(a.name, 'agg-a');
    assert.equal(a.availability_zone, 'az1');
    assert.equal(a.deleted, false);
    assert.equal(a.deleted_at, null);
    assert.match(a.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(a.uuid, undefined);
    assert.equal(a.hosts, undefined);
    const second = await create({ aggregate: { name: 'agg-b' } }, V241);
    assert.equal(second.body.aggregate.id, a.id + 1);
    assert.match(second.body.aggregate.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(second.body.aggregate.availability_zone, null);
  });

  it('refuses a duplicate name (409), bad bodies (400) and the internal zone', async () => {
    assert.equal((await create({ aggregate: { name: 'agg-a' } })).status, 409);
    for (const body of [{}, { aggregate: {} }, { aggregate: { name: 5 } }, { aggregate: { name: '' } }, { aggregate: { name: '   ' } },
      { aggregate: { name: 'x', colour: 'red' } }, { aggregate: { name: 'x', availability_zone: 3 } }, { aggregate: { name: 'y', availability_zone: 'internal' } }]) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.badRequest.code, 400);
    }
  });

  it('drops spaces around names, as Nova normalises them', async () => {
    const res = await create({ aggregate: { name: '  agg-spaced ', availability_zone: ' az-s ' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.aggregate.name, 'agg-spaced');
    assert.equal(res.body.aggregate.availability_zone, 'az-s');
    assert.equal((await t.request('DELETE', `${URL}/${res.body.aggregate.id}`, { token: admin })).status, 200);
  });

  it('lists and shows, with the zone in the metadata', async () => {
    const list = await t.request('GET', URL, { token: admin });
    assert.equal(list.status, 200);
    const a = list.body.aggregates.find((x: { name: string }) => x.name === 'agg-a');
    assert.deepEqual(a.hosts, []);
    assert.deepEqual(a.metadata, { availability_zone: 'az1' });
    const shown = await t.request('GET', `${URL}/${a.id}`, { token: admin, headers: V241 });
    assert.equal(shown.body.aggregate.name, 'agg-a');
    assert.ok(shown.body.aggregate.uuid);
    assert.equal((await t.request('GET', `${URL}/9999`, { token: admin })).body.itemNotFound.code, 404);
    assert.equal((await t.request('GET', `${URL}/abc`, { token: admin })).status, 400);
  });

  it('adds and removes hosts; unknown hosts are 404, repeats 409', async () => {
    const a = (await create({ aggregate: { name: 'agg-hosts', availability_zone: 'az-h' } })).body.aggregate;
    const added = await action(a.id, { add_host: { host: 'nbagg-1' } });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.body.aggregate.hosts, ['nbagg-1']);
    assert.equal((await action(a.id, { add_host: { host: 'nbagg-1' } })).status, 409);
    assert.equal((await action(a.id, { add_host: { host: 'nope' } })).status, 404);
    assert.equal(await hostAvailabilityZone(db, 'nbagg-1'), 'az-h');
    assert.equal(await hostAvailabilityZone(db, 'nbagg-2'), 'nova');
    // A host in az-h may not join another zone's aggregate.
    const other = (await create({ aggregate: { name: 'agg-other', availability_zone: 'az-o' } })).body.aggregate;
    const clash = await action(other.id, { add_host: { host: 'nbagg-1' } });
    assert.equal(clash.status, 409);
    assert.match(clash.body.conflictingRequest.message, /az-h/);
    // ...nor can an aggregate holding it move to another zone while the host is in az-h elsewhere.
    const plain = (await create({ aggregate: { name: 'agg-plain' } })).body.aggregate;
    assert.equal((await action(plain.id, { add_host: { host: 'nbagg-1' } })).status, 200);
    assert.equal((await t.request('PUT', `${URL}/${plain.id}`, { token: admin, body: { aggregate: { availability_zone: 'az-x' } } })).status, 409);
    assert.equal((await action(plain.id, { set_metadata: { metadata: { availability_zone: 'az-x' } } })).status, 409);
    assert.equal((await t.request('DELETE', `${URL}/${plain.id}`, { token: admin })).status, 409);
    const removed = await action(plain.id, { remove_host: { host: 'nbagg-1' } });
    assert.deepEqual(removed.body.aggregate.hosts, []);
    assert.equal((await action(plain.id, { remove_host: { host: 'nbagg-1' } })).status, 404);
    assert.equal((await t.request('DELETE', `${URL}/${plain.id}`, { token: admin })).status, 200);
    assert.equal((await t.request('GET', `${URL}/${plain.id}`, { token: admin })).status, 404);
  });

  it('sets and deletes metadata; availability_zone in metadata is the zone', async () => {
    const a = (await create({ aggregate: { name: 'agg-meta' } })).body.aggregate;
    await action(a.id, { add_host: { host: 'nbagg-2' } });
    let res = await action(a.id, { set_metadata: { metadata: { ssd: 'true', gpu: 'no', availability_zone: 'az-m' } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.aggregate.metadata, { ssd: 'true', gpu: 'no', availability_zone: 'az-m' });
    assert.equal(res.body.aggregate.availability_zone, 'az-m');
    assert.deepEqual(await aggregateMetadataForHost(db, 'nbagg-2'), { ssd: ['true'], gpu: ['no'], availability_zone: ['az-m'] });
    res = await action(a.id, { set_metadata: { metadata: { gpu: null, availability_zone: null } } });
    assert.deepEqual(res.body.aggregate.metadata, { ssd: 'true' });
    assert.equal(res.body.aggregate.availability_zone, null);
    for (const body of [{ set_metadata: { metadata: { k: 5 } } }, { set_metadata: {} }, { add_host: {} }, { frobnicate: {} }, {},
      { add_host: { host: 'nbagg-2' }, remove_host: { host: 'nbagg-2' } }]) {
      assert.equal((await action(a.id, body)).status, 400, JSON.stringify(body));
    }
  });

  it('updates name and zone', async () => {
    const a = (await create({ aggregate: { name: 'agg-upd' } })).body.aggregate;
    const res = await t.request('PUT', `${URL}/${a.id}`, { token: admin, body: { aggregate: { name: 'agg-upd2', availability_zone: 'az-u' } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.aggregate.name, 'agg-upd2');
    assert.deepEqual(res.body.aggregate.metadata, { availability_zone: 'az-u' });
    assert.ok(res.body.aggregate.updated_at);
    assert.equal((await t.request('PUT', `${URL}/${a.id}`, { token: admin, body: { aggregate: { name: 'agg-a' } } })).status, 409);
    assert.equal((await t.request('PUT', `${URL}/${a.id}`, { token: admin, body: { aggregate: {} } })).status, 400);
  });

  it('is admin-only', async () => {
    const list = await t.request('GET', URL, { token: member.token });
    assert.equal(list.status, 403);
    assert.equal(list.body.forbidden.code, 403);
    assert.equal((await t.request('POST', URL, { token: member.token, body: { aggregate: { name: 'mine' } } })).status, 403);
  });
});
