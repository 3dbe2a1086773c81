import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { addInstance } from '../services/hosts.fixture.js';

const URL = '/compute/v2.1/os-simple-tenant-usage';
const V = (v: string) => ({ 'openstack-api-version': `compute ${v}` });
const PERIOD = 'start=2026-01-01T00:00:00&end=2026-01-02T00:00:00';

describe('compute API: os-simple-tenant-usage', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let db: ComputeDb;
  let gone: string;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'usage-alice');
    bob = await createMemberUser(t, 'usage-bob');
    db = t.cloud.compute.ctx.deps.db;
    // Alice: one server running since before the period, one deleted at noon of the period day.
    await addInstance(db, alice.projectId, null, { created_at: '2025-12-31T00:00:00.000Z', vcpus: 2, memory_mb: 1024, root_gb: 10 });
    gone = await addInstance(db, alice.projectId, null, {
      created_at: '2026-01-01T06:00:00.000Z', deleted: 1, deleted_at: '2026-01-01T12:00:00.000Z', terminated_at: '2026-01-01T12:00:00.000Z',
      vcpus: 1, memory_mb: 512, root_gb: 5,
    });
    // Deleted before the period: not counted.
    await addInstance(db, alice.projectId, null, { created_at: '2025-06-01T00:00:00.000Z', deleted: 1, deleted_at: '2025-06-02T00:00:00.000Z', terminated_at: '2025-06-02T00:00:00.000Z' });
    // Bob: created after the period.
    await addInstance(db, bob.projectId, null, { created_at: '2026-03-01T00:00:00.000Z' });
    await addInstance(db, bob.projectId, null, { created_at: '2026-01-01T23:00:00.000Z', vcpus: 4, memory_mb: 4096, root_gb: 40 });
  });
  after(async () => { await t.close(); });

  it('lists every project\'s totals for admins, servers with detailed=1', async () => {
    const res = await t.request('GET', `${URL}?${PERIOD}`, { token: admin });
    assert.equal(res.status, 200, res.text);
    const usages = res.body.tenant_usages as Record<string, unknown>[];
    const a = usages.find((u) => u.tenant_id === alice.projectId)!;
    assert.equal(a.total_hours, 24 + 6);
    assert.equal(a.total_vcpus_usage, 24 * 2 + 6);
    assert.equal(a.total_memory_mb_usage, 24 * 1024 + 6 * 512);
    assert.equal(a.total_local_gb_usage, 24 * 10 + 6 * 5);
    assert.equal(a.start, '2026-01-01T00:00:00.000000');
    assert.equal(a.stop, '2026-01-02T00:00:00.000000');
    assert.equal(a.server_usages, undefined);
    assert.equal(usages.find((u) => u.tenant_id === bob.projectId)!.total_hours, 1);
    const detailed = await t.request('GET', `${URL}?${PERIOD}&detailed=1`, { token: admin });
    const servers = detailed.body.tenant_usages.find((u: { tenant_id: string }) => u.tenant_id === alice.projectId).server_usages;
    assert.equal(servers.length, 2);
    const s = servers.find((x: { instance_id: string }) => x.instance_id === gone);
    assert.equal(s.state, 'terminated');
    assert.equal(s.hours, 6);
    assert.equal(s.flavor, 'm1.fixture');
    assert.equal(s.started_at, '2026-01-01T06:00:00.000000');
    assert.equal(s.ended_at, '2026-01-01T12:00:00.000000');
    assert.equal(s.uptime, 6 * 3600);
  });

  it('shows one project to its members, always with servers', async () => {
    const res = await t.request('GET', `${URL}/${alice.projectId}?${PERIOD}`, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.tenant_usage.total_hours, 30);
    assert.equal(res.body.tenant_usage.server_usages.length, 2);
    assert.equal((await t.request('GET', `${URL}/${bob.projectId}?${PERIOD}`, { token: alice.token })).status, 403);
    assert.equal((await t.request('GET', `${URL}?${PERIOD}`, { token: alice.token })).status, 403);
    const empty = await t.request('GET', `${URL}/${alice.projectId}?start=2020-01-01T00:00:00&end=2020-01-02T00:00:00`, { token: alice.token });
    assert.deepEqual(empty.body.tenant_usage, {});
  });

  it('refuses bad dates', async () => {
    for (const q of ['start=yesterday', 'end=2026-13-01T00:00:00', 'start=2026-02-30T00:00:00', 'start=2026-01-02T00:00:00&end=2026-01-01T00:00:00', `${PERIOD}&detailed=x`]) {
      const res = await t.request('GET', `${URL}?${q}`, { token: admin });
      assert.equal(res.status, 400, q);
      assert.equal(res.body.badRequest.code, 400);
    }
    assert.equal((await t.request('GET', `${URL}?start=2026-01-01T00:00:00.123456&end=2026-01-02 00:00:00.5`, { token: admin })).status, 200);
  });

  it('pages by instance from 2.40', async () => {
    let res = await t.request('GET', `${URL}?${PERIOD}&detailed=1&limit=2`, { token: admin, headers: V('2.40') });
    const count = (r: typeof res) => r.body.tenant_usages.reduce((n: number, u: { server_usages: unknown[] }) => n + u.server_usages.length, 0);
    assert.equal(count(res), 2);
    const next = new globalThis.URL(res.body.tenant_usages_links[0].href);
    res = await t.request('GET', `${URL}${next.search}`, { token: admin, headers: V('2.40') });
    assert.equal(count(res), 1);
    assert.equal(res.body.tenant_usages_links, undefined);
    assert.equal((await t.request('GET', `${URL}?${PERIOD}&limit=1`, { token: admin })).body.tenant_usages.length, 2);
  });
});
