import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { addInstance } from '../services/hosts.fixture.js';

const URL = '/compute/v2.1/os-quota-sets';
const V = (v: string) => ({ 'openstack-api-version': `compute ${v}` });
const BASE = ['cores', 'id', 'instances', 'key_pairs', 'metadata_items', 'ram', 'server_group_members', 'server_groups'];
const FILES = ['injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files'];
const NETWORK = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups'];

describe('compute API: os-quota-sets and limits', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let db: ComputeDb;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'quota-alice');
    bob = await createMemberUser(t, 'quota-bob');
    db = t.cloud.compute.ctx.deps.db;
    await addInstance(db, alice.projectId, null, { vcpus: 2, memory_mb: 1024 });
    await addInstance(db, alice.projectId, null, { vcpus: 4, memory_mb: 2048 });
    await addInstance(db, alice.projectId, null, { vcpus: 8, memory_mb: 4096, deleted: 1 });
  });
  after(async () => { await t.close(); });

  it('shows the resources each microversion knows', async () => {
    let res = await t.request('GET', `${URL}/${alice.projectId}`, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body.quota_set).sort(), [...BASE, ...FILES, ...NETWORK].sort());
    assert.equal(res.body.quota_set.id, alice.projectId);
    assert.equal(res.body.quota_set.instances, 10);
    assert.equal(res.body.quota_set.floating_ips, 10);
    res = await t.request('GET', `${URL}/${alice.projectId}`, { token: alice.token, headers: V('2.36') });
    assert.deepEqual(Object.keys(res.body.quota_set).sort(), [...BASE, ...FILES].sort());
    res = await t.request('GET', `${URL}/${alice.projectId}`, { token: alice.token, headers: V('2.57') });
    assert.deepEqual(Object.keys(res.body.quota_set).sort(), BASE);
  });

  it('lets members see only their own project, admins any', async () => {
    assert.equal((await t.request('GET', `${URL}/${bob.projectId}`, { token: alice.token })).status, 403);
    assert.equal((await t.request('GET', `${URL}/${bob.projectId}`, { token: admin })).status, 200);
    assert.equal((await t.request('GET', `${URL}/${bob.projectId}/defaults`, { token: alice.token })).status, 200);
  });

  it('details usage for admins', async () => {
    const res = await t.request('GET', `${URL}/${alice.projectId}/detail`, { token: admin, headers: V('2.57') });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.quota_set.instances, { in_use: 2, limit: 10, reserved: 0 });
    assert.deepEqual(res.body.quota_set.cores, { in_use: 6, limit: 20, reserved: 0 });
    assert.deepEqual(res.body.quota_set.ram, { in_use: 3072, limit: 51200, reserved: 0 });
    assert.equal(res.body.quota_set.key_pairs.in_use, 0);
  });

  it('updates (admin), refuses limits below use unless forced, and reverts on delete', async () => {
    const url = `${URL}/${alice.projectId}`;
    let res = await t.request('PUT', url, { token: admin, body: { quota_set: { instances: 5, cores: '12', ram: -1 } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.quota_set.instances, 5);
    assert.equal(res.body.quota_set.cores, 12);
    assert.equal(res.body.quota_set.ram, -1);
    assert.equal(res.body.quota_set.id, undefined);
    res = await t.request('PUT', url, { token: admin, body: { quota_set: { cores: 3 } } });
    assert.equal(res.status, 400);
    assert.match(res.body.badRequest.message, /cores must be greater than or equal to already used and reserved 6/);
    res = await t.request('PUT', url, { token: admin, body: { quota_set: { cores: 3, force: true } } });
    assert.equal(res.body.quota_set.cores, 3);
    assert.equal((await t.request('PUT', url, { token: alice.token, body: { quota_set: { cores: 100 } } })).status, 403);
    for (const quota_set of [{ cores: -2 }, { cores: 1.5 }, { cores: 'many' }, { bananas: 1 }, { cores: 1, force: 'maybe' }]) {
      assert.equal((await t.request('PUT', url, { token: admin, body: { quota_set } })).status, 400, JSON.stringify(quota_set));
    }
    assert.equal((await t.request('PUT', url, { token: admin, body: {} })).status, 400);
    assert.equal((await t.request('PUT', `${url}?user_id=${alice.id}`, { token: admin, body: { quota_set: { cores: 5 } } })).status, 400);
    // The legacy resources are settable only where they are shown.
    assert.equal((await t.request('PUT', url, { token: admin, body: { quota_set: { floating_ips: 3 } } })).body.quota_set.floating_ips, 3);
    assert.equal((await t.request('PUT', url, { token: admin, headers: V('2.36'), body: { quota_set: { floating_ips: 3 } } })).status, 400);
    assert.equal((await t.request('PUT', url, { token: admin, headers: V('2.57'), body: { quota_set: { injected_files: 3 } } })).status, 400);
    assert.equal((await t.request('DELETE', url, { token: alice.token })).status, 403);
    assert.equal((await t.request('DELETE', url, { token: admin })).status, 202);
    res = await t.request('GET', url, { token: alice.token });
    assert.equal(res.body.quota_set.cores, 20);
    assert.equal(res.body.quota_set.floating_ips, 10);
  });

  it('shows absolute limits with usage, versioned legacy keys, and other projects only to admins', async () => {
    let res = await t.request('GET', '/compute/v2.1/limits', { token: alice.token });
    assert.equal(res.status, 200, res.text);
    const a = res.body.limits.absolute;
    assert.deepEqual(res.body.limits.rate, []);
    assert.equal(a.maxTotalInstances, 10);
    assert.equal(a.totalInstancesUsed, 2);
    assert.equal(a.totalCoresUsed, 6);
    assert.equal(a.totalRAMUsed, 3072);
    assert.equal(a.maxImageMeta, 128);
    assert.equal(a.maxTotalFloatingIps, 10);
    assert.equal(a.maxPersonality, 5);
    res = await t.request('GET', '/compute/v2.1/limits', { token: alice.token, headers: V('2.57') });
    assert.deepEqual(Object.keys(res.body.limits.absolute).sort(), ['maxServerGroupMembers', 'maxServerGroups', 'maxServerMeta', 'maxTotalCores',
      'maxTotalInstances', 'maxTotalKeypairs', 'maxTotalRAMSize', 'totalCoresUsed', 'totalInstancesUsed', 'totalRAMUsed', 'totalServerGroupsUsed']);
    assert.equal((await t.request('GET', `/compute/v2.1/limits?tenant_id=${bob.projectId}`, { token: alice.token })).status, 403);
    res = await t.request('GET', `/compute/v2.1/limits?tenant_id=${alice.projectId}`, { token: admin });
    assert.equal(res.body.limits.absolute.totalInstancesUsed, 2);
  });
});
