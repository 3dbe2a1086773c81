import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { addComputeHost, addInstance, type FixtureHost } from '../services/hosts.fixture.js';
import { legacyId } from '../services/service-state.js';

const URL = '/compute/v2.1/os-hypervisors';
const V = (v: string) => ({ 'openstack-api-version': `compute ${v}` });

describe('compute API: os-hypervisors', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let db: ComputeDb;
  let h1: FixtureHost;
  let h2: FixtureHost;
  let h3: FixtureHost;
  let vm: string;
  const get = async (path: string, headers: Record<string, string> = {}) => t.request('GET', `${URL}${path}`, { token: admin, headers });
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'hyp-member');
    db = t.cloud.compute.ctx.deps.db;
    h1 = await addComputeHost(db, 'nbhyp-1');
    h2 = await addComputeHost(db, 'nbhyp-2', { vcpus: 4, memoryMb: 8192, diskGb: 50 });
    h3 = await addComputeHost(db, 'nbother-3', { ageSeconds: 3600 });
    vm = await addInstance(db, 'p-hyp', h1, { vcpus: 2, memory_mb: 2048, root_gb: 20 });
    await addInstance(db, 'p-hyp', h1, { vcpus: 1, memory_mb: 512, root_gb: 10, task_state: 'rebooting' });
    // A resize holds the other flavor on the node too.
    await db.insertInto('compute_allocation').values({ instance_uuid: vm, kind: 'migration', node_id: h1.nodeId, vcpus: 4, memory_mb: 4096, disk_gb: 40, created_at: new Date().toISOString() }).execute();
    await t.request('PUT', '/compute/v2.1/os-services/disable', { token: admin, body: { host: 'nbother-3', binary: 'nova-compute' } });
  });
  after(async () => { await t.close(); });

  it('lists id, hostname, state and status (integer ids before 2.53)', async () => {
    const res = await get('');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.hypervisors, [
      { id: legacyId(h1.nodeId), hypervisor_hostname: 'nbhyp-1.example', state: 'up', status: 'enabled' },
      { id: legacyId(h2.nodeId), hypervisor_hostname: 'nbhyp-2.example', state: 'up', status: 'enabled' },
      { id: legacyId(h3.nodeId), hypervisor_hostname: 'nbother-3.example', state: 'down', status: 'disabled' },
    ]);
    assert.equal((await get('', V('2.53'))).body.hypervisors[0].id, h1.nodeId);
  });

  it('details capacity and use summed from allocations', async () => {
    const res = await get('/detail');
    const h = res.body.hypervisors[0];
    assert.equal(h.vcpus, 8);
    assert.equal(h.vcpus_used, 2 + 1 + 4);
    assert.equal(h.memory_mb_used, 2048 + 512 + 4096 + 512);
    assert.equal(h.free_ram_mb, 16384 - h.memory_mb_used);
    assert.equal(h.local_gb_used, 70);
    assert.equal(h.free_disk_gb, 30);
    assert.equal(h.disk_available_least, 30);
    assert.equal(h.running_vms, 2);
    assert.equal(h.current_workload, 1);
    assert.equal(h.hypervisor_type, 'QEMU');
    assert.equal(h.host_ip, '192.0.2.10');
    assert.equal(typeof h.cpu_info, 'string');
    assert.equal(JSON.parse(h.cpu_info).arch, 'x86_64');
    assert.deepEqual(h.service, { host: 'nbhyp-1', id: legacyId(h1.serviceId), disabled_reason: null });
    const modern = (await get('/detail', V('2.28'))).body.hypervisors[0];
    assert.equal(modern.cpu_info.arch, 'x86_64');
  });

  it('shows one by id: 404 for unknown or a non-integer before 2.53, 400 for a non-UUID from 2.53', async () => {
    const res = await get(`/${legacyId(h2.nodeId)}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.hypervisor.hypervisor_hostname, 'nbhyp-2.example');
    assert.equal(res.body.hypervisor.memory_mb_used, 512);
    assert.equal((await get('/1')).status, 404);
    assert.equal((await get('/abc')).status, 404);
    assert.equal((await get(`/${h2.nodeId}`, V('2.53'))).body.hypervisor.id, h2.nodeId);
    assert.equal((await get('/nbhyp-2', V('2.53'))).status, 400);
    assert.equal((await get('/00000000-0000-4000-8000-000000000000', V('2.53'))).status, 404);
    const withServers = await get(`/${h1.nodeId}?with_servers=true`, V('2.53'));
    assert.equal(withServers.body.hypervisor.servers.length, 2);
    assert.equal((await get(`/${legacyId(h1.nodeId)}/uptime`)).status, 501);
  });

  it('sums statistics over enabled hosts', async () => {
    const res = await get('/statistics');
    const s = res.body.hypervisor_statistics;
    assert.equal(s.count, 2);
    assert.equal(s.vcpus, 12);
    assert.equal(s.vcpus_used, 7);
    assert.equal(s.memory_mb, 16384 + 8192);
    assert.equal(s.running_vms, 2);
  });

  it('searches by hostname pattern (search and servers before 2.53, query parameter from 2.53)', async () => {
    let res = await get('/nbhyp/search');
    assert.deepEqual(res.body.hypervisors.map((h: { hypervisor_hostname: string }) => h.hypervisor_hostname), ['nbhyp-1.example', 'nbhyp-2.example']);
    assert.equal((await get('/zzz/search')).status, 404);
    res = await get('/nbhyp-1/servers');
    assert.equal(res.body.hypervisors[0].servers.length, 2);
    assert.ok(res.body.hypervisors[0].servers.some((s: { uuid: string }) => s.uuid === vm));
    assert.equal((await get('/nbhyp/search', V('2.53'))).status, 404);
    res = await get('?hypervisor_hostname_pattern=other', V('2.53'));
    assert.deepEqual(res.body.hypervisors.map((h: { id: string }) => h.id), [h3.nodeId]);
    assert.equal((await get('?hypervisor_hostname_pattern=zzz', V('2.53'))).status, 404);
    assert.equal((await get('?hypervisor_hostname_pattern=nb&limit=1', V('2.53'))).status, 400);
    assert.equal((await get('?with_servers=maybe', V('2.53'))).status, 400);
  });

  it('pages from 2.33 with hypervisors_links', async () => {
    let res = await get('/detail?limit=2', V('2.33'));
    assert.equal(res.body.hypervisors.length, 2);
    const next = new globalThis.URL(res.body.hypervisors_links[0].href);
    assert.equal(next.pathname, '/compute/v2.1/os-hypervisors/detail');
    res = await get(`/detail${next.search}`, V('2.33'));
    assert.equal(res.body.hypervisors.length, 1);
    assert.equal(res.body.hypervisors_links, undefined);
    assert.equal((await get('?marker=999', V('2.33'))).status, 400);
    assert.equal((await get('?limit=-1', V('2.33'))).status, 400);
    // Before 2.33 paging parameters are ignored.
    assert.equal((await get('?limit=1')).body.hypervisors.length, 3);
  });

  it('is admin-only', async () => {
    for (const path of ['', '/detail', '/statistics', `/${legacyId(h1.nodeId)}`]) {
      assert.equal((await t.request('GET', `${URL}${path}`, { token: member.token })).status, 403, path);
    }
  });
});
