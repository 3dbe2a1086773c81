import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { addComputeHost, addControlService } from '../services/hosts.fixture.js';

const URL = '/compute/v2.1/os-availability-zone';

describe('compute API: os-availability-zone', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let db: ComputeDb;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'az-member');
    db = t.cloud.compute.ctx.deps.db;
    await addControlService(db, 'nbctl', 'nova-scheduler');
    await addComputeHost(db, 'nbaz-1');
    await addComputeHost(db, 'nbaz-2');
    await addComputeHost(db, 'nbaz-3', { ageSeconds: 3600 });
    const agg = await t.request('POST', '/compute/v2.1/os-aggregates', { token: admin, body: { aggregate: { name: 'nbaz-agg', availability_zone: 'zone-b' } } });
    await t.request('POST', `/compute/v2.1/os-aggregates/${agg.body.aggregate.id}/action`, { token: admin, body: { add_host: { host: 'nbaz-2' } } });
    await t.request('POST', `/compute/v2.1/os-aggregates/${agg.body.aggregate.id}/action`, { token: admin, body: { add_host: { host: 'nbaz-3' } } });
    // A zone whose only host is disabled is listed as unavailable.
    const dead = await t.request('POST', '/compute/v2.1/os-aggregates', { token: admin, body: { aggregate: { name: 'nbaz-dead', availability_zone: 'zone-c' } } });
    await addComputeHost(db, 'nbaz-4');
    await t.request('POST', `/compute/v2.1/os-aggregates/${dead.body.aggregate.id}/action`, { token: admin, body: { add_host: { host: 'nbaz-4' } } });
    await t.request('PUT', '/compute/v2.1/os-services/disable', { token: admin, body: { host: 'nbaz-4', binary: 'nova-compute' } });
  });
  after(async () => { await t.close(); });

  it('lists the zones users may pick, without hosts or the internal zone', async () => {
    const res = await t.request('GET', URL, { token: member.token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.availabilityZoneInfo, [
      { zoneName: 'nova', zoneState: { available: true }, hosts: null },
      { zoneName: 'zone-b', zoneState: { available: true }, hosts: null },
      { zoneName: 'zone-c', zoneState: { available: false }, hosts: null },
    ]);
  });

  it('details every zone with its hosts and services for admins', async () => {
    const res = await t.request('GET', `${URL}/detail`, { token: admin });
    assert.equal(res.status, 200, res.text);
    const zones = res.body.availabilityZoneInfo as { zoneName: string; hosts: Record<string, Record<string, { available: boolean; active: boolean; updated_at: string }>> }[];
    assert.deepEqual(zones.map((z) => z.zoneName), ['internal', 'nova', 'zone-b', 'zone-c']);
    assert.ok(zones[0]!.hosts.nbctl!['nova-scheduler']);
    const b = zones[2]!.hosts;
    assert.deepEqual(Object.keys(b).sort(), ['nbaz-2', 'nbaz-3']);
    assert.equal(b['nbaz-2']!['nova-compute']!.available, true);
    assert.equal(b['nbaz-3']!['nova-compute']!.available, false);
    assert.equal(b['nbaz-2']!['nova-compute']!.active, true);
    assert.equal(zones[3]!.hosts['nbaz-4']!['nova-compute']!.active, false);
    assert.match(b['nbaz-2']!['nova-compute']!.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('keeps the detail for admins', async () => {
    const res = await t.request('GET', `${URL}/detail`, { token: member.token });
    assert.equal(res.status, 403);
    assert.equal(res.body.forbidden.code, 403);
  });
});
