import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { addComputeHost, addControlService, addInstance, type FixtureHost } from './hosts.fixture.js';
import { legacyId } from './service-state.js';

const URL = '/compute/v2.1/os-services';
const V = (v: string) => ({ 'openstack-api-version': `compute ${v}` });

describe('compute API: os-services', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let db: ComputeDb;
  let h1: FixtureHost;
  let h2: FixtureHost;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'svc-member');
    db = t.cloud.compute.ctx.deps.db;
    await addControlService(db, 'nbctl', 'nova-scheduler');
    await addControlService(db, 'nbctl', 'nova-conductor');
    h1 = await addComputeHost(db, 'nbsvc-1');
    h2 = await addComputeHost(db, 'nbsvc-2', { ageSeconds: 3600 });
  });
  after(async () => { await t.close(); });

  const list = async (headers: Record<string, string> = {}, query = '') =>
    (await t.request('GET', `${URL}${query}`, { token: admin, headers })).body.services as Record<string, unknown>[];

  it('lists services with zone, state and status; integer ids before 2.53', async () => {
    // The cloud's own controller services are listed too; these are the test's.
    const services = (await list()).filter((s) => /^nb(svc|ctl)/.test(String(s.host)));
    assert.equal(services.length, 4);
    const c1 = services.find((s) => s.host === 'nbsvc-1')!;
    assert.equal(c1.id, legacyId(h1.serviceId));
    assert.equal(c1.binary, 'nova-compute');
    assert.equal(c1.zone, 'nova');
    assert.equal(c1.status, 'enabled');
    assert.equal(c1.state, 'up');
    assert.equal(c1.disabled_reason, null);
    assert.equal(c1.forced_down, undefined);
    assert.match(String(c1.updated_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(services.find((s) => s.host === 'nbsvc-2')!.state, 'down');
    assert.equal(services.find((s) => s.binary === 'nova-scheduler')!.zone, 'internal');
  });

  it('filters by host and binary; 2.11 shows forced_down, 2.53 UUID ids', async () => {
    assert.deepEqual((await list({}, '?host=nbctl')).map((s) => s.binary).sort(), ['nova-conductor', 'nova-scheduler']);
    assert.equal((await list({}, '?binary=nova-compute')).filter((s) => String(s.host).startsWith('nbsvc-')).length, 2);
    assert.equal((await list(V('2.11'), '?host=nbsvc-1'))[0]!.forced_down, false);
    assert.equal((await list(V('2.53'), '?host=nbsvc-1'))[0]!.id, h1.serviceId);
  });

  it('disables and enables by host and binary before 2.53', async () => {
    let res = await t.request('PUT', `${URL}/disable-log-reason`, { token: admin, body: { host: 'nbsvc-1', binary: 'nova-compute', disabled_reason: 'maintenance' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.service, { host: 'nbsvc-1', binary: 'nova-compute', status: 'disabled', disabled_reason: 'maintenance' });
    let s = (await list({}, '?host=nbsvc-1'))[0]!;
    assert.equal(s.status, 'disabled');
    assert.equal(s.disabled_reason, 'maintenance');
    res = await t.request('PUT', `${URL}/enable`, { token: admin, body: { host: 'nbsvc-1', binary: 'nova-compute' } });
    assert.deepEqual(res.body.service, { host: 'nbsvc-1', binary: 'nova-compute', status: 'enabled' });
    s = (await list({}, '?host=nbsvc-1'))[0]!;
    assert.equal(s.disabled_reason, null);
    res = await t.request('PUT', `${URL}/disable`, { token: admin, body: { host: 'nbsvc-1', binary: 'nova-compute' } });
    assert.equal(res.body.service.status, 'disabled');
    await t.request('PUT', `${URL}/enable`, { token: admin, body: { host: 'nbsvc-1', binary: 'nova-compute' } });
    assert.equal((await t.request('PUT', `${URL}/disable`, { token: admin, body: { host: 'nope', binary: 'nova-compute' } })).status, 404);
    assert.equal((await t.request('PUT', `${URL}/disable`, { token: admin, body: { host: 'nbsvc-1' } })).status, 400);
    assert.equal((await t.request('PUT', `${URL}/disable-log-reason`, { token: admin, body: { host: 'nbsvc-1', binary: 'nova-compute' } })).status, 400);
    assert.equal((await t.request('PUT', `${URL}/disable`, { token: admin, body: { host: 'nbctl', binary: 'nova-scheduler' } })).status, 400);
    assert.equal((await t.request('PUT', `${URL}/explode`, { token: admin, body: { host: 'nbsvc-1', binary: 'nova-compute' } })).status, 404);
    // force-down arrived in 2.11.
    assert.equal((await t.request('PUT', `${URL}/force-down`, { token: admin, body: { host: 'nbsvc-1', binary: 'nova-compute', forced_down: true } })).status, 404);
    res = await t.request('PUT', `${URL}/force-down`, { token: admin, headers: V('2.11'), body: { host: 'nbsvc-1', binary: 'nova-compute', forced_down: true } });
    assert.deepEqual(res.body.service, { host: 'nbsvc-1', binary: 'nova-compute', forced_down: true });
    assert.equal((await list({}, '?host=nbsvc-1'))[0]!.state, 'down');
    await t.request('PUT', `${URL}/force-down`, { token: admin, headers: V('2.11'), body: { host: 'nbsvc-1', binary: 'nova-compute', forced_down: false } });
    assert.equal((await list({}, '?host=nbsvc-1'))[0]!.state, 'up');
  });

  it('updates by UUID from 2.53', async () => {
    const url = `${URL}/${h1.serviceId}`;
    let res = await t.request('PUT', url, { token: admin, headers: V('2.53'), body: { status: 'disabled', disabled_reason: 'x' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.service.id, h1.serviceId);
    assert.equal(res.body.service.status, 'disabled');
    assert.equal(res.body.service.disabled_reason, 'x');
    assert.equal(res.body.service.forced_down, false);
    res = await t.request('PUT', url, { token: admin, headers: V('2.53'), body: { status: 'enabled' } });
    assert.equal(res.body.service.disabled_reason, null);
    for (const body of [{}, { status: 'sleepy' }, { status: 'enabled', disabled_reason: 'x' }, { forced_down: 'maybe' }, { colour: 1 }]) {
      assert.equal((await t.request('PUT', url, { token: admin, headers: V('2.53'), body })).status, 400, JSON.stringify(body));
    }
    assert.equal((await t.request('PUT', `${URL}/not-a-uuid`, { token: admin, headers: V('2.53'), body: { status: 'enabled' } })).status, 400);
    assert.equal((await t.request('PUT', `${URL}/00000000-0000-4000-8000-000000000000`, { token: admin, headers: V('2.53'), body: { status: 'enabled' } })).status, 404);
    const sched = (await list(V('2.53'), '?binary=nova-scheduler'))[0]!;
    assert.equal((await t.request('PUT', `${URL}/${String(sched.id)}`, { token: admin, headers: V('2.53'), body: { status: 'disabled' } })).status, 400);
  });

  it('deletes a compute service unless it hosts instances', async () => {
    const vm = await addInstance(db, 'p-svc', h2);
    const res = await t.request('DELETE', `${URL}/${legacyId(h2.serviceId)}`, { token: admin });
    assert.equal(res.status, 409);
    await db.updateTable('compute_instance').set({ deleted: 1 }).where('uuid', '=', vm).execute();
    // Resources still held there (a resize towards the host) also keep it.
    assert.equal((await t.request('DELETE', `${URL}/${legacyId(h2.serviceId)}`, { token: admin })).status, 409);
    await db.deleteFrom('compute_allocation').where('instance_uuid', '=', vm).execute();
    assert.equal((await t.request('DELETE', `${URL}/${h2.serviceId}`, { token: admin, headers: V('2.53') })).status, 204);
    assert.equal((await list({}, '?host=nbsvc-2')).length, 0);
    assert.equal((await db.selectFrom('compute_node').select('id').where('host', '=', 'nbsvc-2').execute()).length, 0);
    assert.equal((await t.request('DELETE', `${URL}/${h2.serviceId}`, { token: admin, headers: V('2.53') })).status, 404);
    assert.equal((await t.request('DELETE', `${URL}/abc`, { token: admin })).status, 400);
  });

  it('is admin-only', async () => {
    assert.equal((await t.request('GET', URL, { token: member.token })).status, 403);
    assert.equal((await t.request('PUT', `${URL}/disable`, { token: member.token, body: { host: 'nbsvc-1', binary: 'nova-compute' } })).status, 403);
    assert.equal((await t.request('DELETE', `${URL}/1`, { token: member.token })).status, 403);
  });
});
