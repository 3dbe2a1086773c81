import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import { addGroupMember } from './server-groups.routes.js';

const URL = '/compute/v2.1/os-server-groups';
const v = (x: string) => ({ 'openstack-api-version': `compute ${x}` });

describe('compute API: os-server-groups', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let db: ComputeDb;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'sg-alice');
    bob = await createMemberUser(t, 'sg-bob');
    db = t.cloud.compute.ctx.deps.db;
  });
  after(async () => { await t.close(); });

  const create = (token: string, body: unknown, headers: Record<string, string> = {}) => t.request('POST', URL, { token, body, headers });

  it('creates with policies (2.1): 200, policies, members, metadata, no project/user', async () => {
    const res = await create(alice.token, { server_group: { name: 'web', policies: ['anti-affinity'] } });
    assert.equal(res.status, 200, res.text);
    const g = res.body.server_group;
    assert.match(g.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...g, id: undefined }, { id: undefined, name: 'web', policies: ['anti-affinity'], members: [], metadata: {} });
  });

  it('shows project_id and user_id from 2.13', async () => {
    const res = await create(alice.token, { server_group: { name: 'db', policies: ['affinity'] } }, v('2.13'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.server_group.project_id, alice.projectId);
    assert.equal(res.body.server_group.user_id, alice.id);
  });

  it('allows soft policies only from 2.15', async () => {
    const old = await create(alice.token, { server_group: { name: 'soft', policies: ['soft-affinity'] } }, v('2.14'));
    assert.equal(old.status, 400);
    assert.match(old.body.badRequest.message, /policies/);
    const ok = await create(alice.token, { server_group: { name: 'soft', policies: ['soft-anti-affinity'] } }, v('2.15'));
    assert.equal(ok.status, 200, ok.text);
  });

  it('uses policy and rules from 2.64, without metadata', async () => {
    const res = await create(alice.token, { server_group: { name: 'r', policy: 'anti-affinity', rules: { max_server_per_host: 3 } } }, v('2.64'));
    assert.equal(res.status, 200, res.text);
    const g = res.body.server_group;
    assert.equal(g.policy, 'anti-affinity');
    assert.deepEqual(g.rules, { max_server_per_host: 3 });
    assert.equal(g.policies, undefined);
    assert.equal(g.metadata, undefined);
    const shown = await t.request('GET', `${URL}/${g.id}`, { token: alice.token, headers: v('2.63') });
    assert.deepEqual(shown.body.server_group.policies, ['anti-affinity']);
    assert.equal(shown.body.server_group.rules, undefined);
    const affinity = await create(alice.token, { server_group: { name: 'a', policy: 'affinity' } }, v('2.64'));
    assert.deepEqual(affinity.body.server_group.rules, {});
  });

  it('refuses bad bodies with a 400 naming the field', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{}, '2.1', /server_group/],
      [{ server_group: { policies: ['affinity'] } }, '2.1', /name/],
      [{ server_group: { name: 'x' } }, '2.1', /policies/],
      [{ server_group: { name: 'x', policies: [] } }, '2.1', /policies/],
      [{ server_group: { name: 'x', policies: ['affinity', 'anti-affinity'] } }, '2.1', /policies/],
      [{ server_group: { name: 'x', policies: ['cluster'] } }, '2.1', /policies/],
      [{ server_group: { name: 'x', policies: 'affinity' } }, '2.1', /policies/],
      [{ server_group: { name: 5, policies: ['affinity'] } }, '2.1', /name/],
      [{ server_group: { name: '', policies: ['affinity'] } }, '2.1', /name/],
      [{ server_group: { name: ' x', policies: ['affinity'] } }, '2.1', /name/],
      [{ server_group: { name: 'x'.repeat(256), policies: ['affinity'] } }, '2.1', /name/],
      [{ server_group: { name: 'x', policies: ['affinity'], colour: 'red' } }, '2.1', /colour/],
      [{ server_group: { name: 'x', policy: 'affinity' } }, '2.1', /policy/],
      [{ server_group: { name: 'x', policies: ['affinity'] } }, '2.64', /policies/],
      [{ server_group: { name: 'x' } }, '2.64', /policy/],
      [{ server_group: { name: 'x', policy: 'affinity', rules: { max_server_per_host: 2 } } }, '2.64', /anti-affinity/],
      [{ server_group: { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 0 } } }, '2.64', /max_server_per_host/],
      [{ server_group: { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 'two' } } }, '2.64', /max_server_per_host/],
      [{ server_group: { name: 'x', policy: 'anti-affinity', rules: { colour: 1 } } }, '2.64', /colour/],
      [{ server_group: { name: 'x', policy: 'anti-affinity', rules: [] } }, '2.64', /rules/],
    ];
    for (const [body, version, field] of cases) {
      const res = await create(alice.token, body, v(version));
      assert.equal(res.status, 400, `${JSON.stringify(body)} @${version}: ${res.text}`);
      assert.equal(res.body.badRequest.code, 400);
      assert.match(res.body.badRequest.message, field, JSON.stringify(body));
    }
    const digits = await create(alice.token, { server_group: { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: '2' } } }, v('2.64'));
    assert.deepEqual(digits.body.server_group.rules, { max_server_per_host: 2 });
  });

  it('lists own groups; admins see all with all_projects; limit and offset page', async () => {
    await create(bob.token, { server_group: { name: 'bobs', policies: ['affinity'] } });
    const mine = await t.request('GET', URL, { token: alice.token });
    assert.equal(mine.status, 200);
    assert.ok(mine.body.server_groups.length >= 5);
    assert.ok(mine.body.server_groups.every((g: { name: string }) => g.name !== 'bobs'));
    const all = await t.request('GET', `${URL}?all_projects=True`, { token: admin, headers: v('2.13') });
    assert.ok(all.body.server_groups.some((g: { project_id: string }) => g.project_id === bob.projectId));
    assert.ok(all.body.server_groups.some((g: { project_id: string }) => g.project_id === alice.projectId));
    assert.equal((await t.request('GET', `${URL}?all_projects=True`, { token: alice.token })).status, 403);
    const page = await t.request('GET', `${URL}?limit=2&offset=1`, { token: alice.token });
    assert.deepEqual(page.body.server_groups.map((g: { id: string }) => g.id), mine.body.server_groups.slice(1, 3).map((g: { id: string }) => g.id));
    for (const q of ['limit=x', 'limit=-1', 'offset=y', 'offset=-2']) {
      const res = await t.request('GET', `${URL}?${q}`, { token: alice.token });
      assert.equal(res.status, 400, q);
    }
  });

  it('shows members that are not deleted; 404 for unknown; 403 for another project', async () => {
    const g = (await create(alice.token, { server_group: { name: 'm', policies: ['anti-affinity'] } })).body.server_group;
    const live = randomUUID();
    const gone = randomUUID();
    await insertInstance(db, live, alice.projectId, 0);
    await insertInstance(db, gone, alice.projectId, 1);
    await db.insertInto('compute_server_group_member').values([{ group_id: g.id, instance_uuid: live }, { group_id: g.id, instance_uuid: gone }]).execute();
    const shown = await t.request('GET', `${URL}/${g.id}`, { token: alice.token });
    assert.deepEqual(shown.body.server_group.members, [live]);
    const missing = await t.request('GET', `${URL}/${randomUUID()}`, { token: alice.token });
    assert.equal(missing.status, 404);
    assert.match(missing.body.itemNotFound.message, /Instance group .* could not be found/);
    assert.equal((await t.request('GET', `${URL}/${g.id}`, { token: bob.token })).status, 403);
    assert.equal((await t.request('GET', `${URL}/${g.id}`, { token: admin })).status, 200);
  });

  it('deletes (204), only the owner project or an admin', async () => {
    const g = (await create(alice.token, { server_group: { name: 'del', policies: ['affinity'] } })).body.server_group;
    assert.equal((await t.request('DELETE', `${URL}/${g.id}`, { token: bob.token })).status, 403);
    assert.equal((await t.request('DELETE', `${URL}/${g.id}`, { token: alice.token })).status, 204);
    assert.equal((await t.request('DELETE', `${URL}/${g.id}`, { token: alice.token })).status, 404);
    assert.equal((await t.request('GET', `${URL}/${g.id}`, { token: alice.token })).status, 404);
  });

  it('refuses unauthenticated calls', async () => {
    assert.equal((await t.request('GET', URL)).status, 401);
  });

  it('enforces the server_groups quota (403)', async () => {
    const carol = await createMemberUser(t, 'sg-carol');
    const put = await t.request('PUT', `/compute/v2.1/os-quota-sets/${carol.projectId}`, { token: admin, body: { quota_set: { server_groups: 1 } } });
    if (put.status !== 200) await db.insertInto('compute_quota').values({ project_id: carol.projectId, resource: 'server_groups', hard_limit: 1 }).execute();
    assert.equal((await create(carol.token, { server_group: { name: 'one', policies: ['affinity'] } })).status, 200);
    const res = await create(carol.token, { server_group: { name: 'two', policies: ['affinity'] } });
    assert.equal(res.status, 403, res.text);
    assert.match(res.body.forbidden.message, /Quota exceeded for server_groups/);
  });

  it('addGroupMember: joins, refuses other projects and unknown groups (400), enforces server_group_members', async () => {
    const deps = t.cloud.compute.ctx.deps;
    const g = (await create(alice.token, { server_group: { name: 'join', policies: ['affinity'] } })).body.server_group;
    await db.insertInto('compute_quota').values({ project_id: alice.projectId, resource: 'server_group_members', hard_limit: 2 }).execute();
    const a = randomUUID();
    const b = randomUUID();
    await db.transaction().execute(async (trx) => {
      await addGroupMember(trx, deps, g.id, a, alice.projectId);
      await addGroupMember(trx, deps, g.id, a, alice.projectId); // idempotent
      await addGroupMember(trx, deps, g.id, b, alice.projectId);
    });
    const shown = await t.request('GET', `${URL}/${g.id}`, { token: alice.token });
    assert.deepEqual([...shown.body.server_group.members].sort(), [a, b].sort());
    await assert.rejects(db.transaction().execute((trx) => addGroupMember(trx, deps, g.id, randomUUID(), alice.projectId)),
      (e: { status?: number; message: string }) => e.status === 403 && /server_group_members/.test(e.message));
    await assert.rejects(db.transaction().execute((trx) => addGroupMember(trx, deps, g.id, randomUUID(), bob.projectId)),
      (e: { status?: number }) => e.status === 400);
    await assert.rejects(db.transaction().execute((trx) => addGroupMember(trx, deps, randomUUID(), randomUUID(), alice.projectId)),
      (e: { status?: number }) => e.status === 400);
  });
});

async function insertInstance(db: ComputeDb, uuid: string, projectId: string, deleted: number): Promise<void> {
  const at = new Date().toISOString();
  await db.insertInto('compute_instance').values({
    uuid, name: 'nbsg', description: null, project_id: projectId, user_id: 'u', image_ref: '', kernel_id: null, ramdisk_id: null,
    flavor_id: 'f', flavor: '{}', old_flavor: null, new_flavor: null, vcpus: 1, memory_mb: 512, root_gb: 1, ephemeral_gb: 0,
    key_name: null, key_data: null, user_data: null, availability_zone: null, host: null, node: null, vm_state: deleted ? 'deleted' : 'active',
    task_state: null, power_state: 0, locked: 0, locked_by: null, launch_index: 0, reservation_id: 'r', hostname: 'nbsg', config_drive: '',
    access_ip_v4: null, access_ip_v6: null, progress: 0, networks: '"none"', scheduler_hints: '{}', system_metadata: '{}', fault: null,
    created_at: at, updated_at: at, launched_at: null, terminated_at: null, deleted_at: deleted ? at : null, deleted,
  }).execute();
}
