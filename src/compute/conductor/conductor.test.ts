// The conductor against fake hosts: builds retried on another host, builds that end in ERROR with
// a fault, allocations released after failures and deletes, and reconciliation after agent.sync().
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { FakeDriver } from '../../agent/compute/drivers/fake/fake-driver.js';
import type { ComputeAgent } from '../../agent/compute/compute-agent.js';
import type { GuestSpec } from '../../agent/compute/driver.js';
import { createActiveImage, createFlavor, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';

const UNLIMITED = { instances: -1, cores: -1, ram: -1, key_pairs: 100, metadata_items: 128, server_groups: 10, server_group_members: 10 };
const SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('conductor with fake hosts', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let admin: string;
  let member: MemberUser;
  let flavor: string;
  let image: string;
  let agents: ComputeAgent[];
  const driver = (i: number) => agents[i]!.driver as FakeDriver;

  before(async () => {
    t = await startFakeComputeCloud(2, { quotaDefaults: UNLIMITED });
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-cd-member');
    flavor = await createFlavor(t, admin, { name: 'nb-cd-small', vcpus: 1, ram: 128, disk: 1 });
    image = await createActiveImage(t, admin, 'nb-cd-img');
    agents = t.cloud.agents.agents;
  });
  after(async () => { await t?.close(); });
  beforeEach(() => { for (let i = 0; i < agents.length; i++) driver(i).failNextSpawns = 0; });

  async function create(name: string, extra: Record<string, unknown> = {}, token = member.token): Promise<string> {
    const res = await t.request('POST', '/compute/v2.1/servers', { token, body: { server: { name, flavorRef: flavor, imageRef: image, networks: 'none', ...extra } } });
    assert.equal(res.status, 202, res.text);
    return res.body.server.id;
  }
  const adminView = async (id: string) => (await t.request('GET', `/compute/v2.1/servers/${id}`, { token: admin })).body.server as Record<string, unknown>;
  const allocations = async (id: string) => db.selectFrom('compute_allocation').selectAll().where('instance_uuid', '=', id).execute();
  const hostIndex = async (id: string) => agents.map((a) => a.host).indexOf(String((await adminView(id))['OS-EXT-SRV-ATTR:host']));
  const guests = async (i: number) => (await driver(i).observe()).map((g) => g.uuid);

  it('a spawn that fails on one host is retried on the other and ends ACTIVE there', async () => {
    // Load host 2 so the spreading RAM weigher picks host 1 first.
    const filler = await create('nb-cd-filler', { availability_zone: `nova:${agents[1]!.host}` }, admin);
    await waitForServer(t, admin, filler, 'ACTIVE');
    driver(0).failNextSpawns = 1;
    const id = await create('nb-cd-retry');
    await waitForServer(t, member.token, id, 'ACTIVE');
    assert.equal(driver(0).failNextSpawns, 0, 'host 1 was tried first and failed');
    assert.equal((await adminView(id))['OS-EXT-SRV-ATTR:host'], agents[1]!.host);
    assert.ok((await guests(1)).includes(id));
    assert.ok(!(await guests(0)).includes(id), 'nothing left on the failed host');
    const alloc = await allocations(id);
    assert.equal(alloc.length, 1);
    const node = await db.selectFrom('compute_node').select('host').where('id', '=', alloc[0]!.node_id).executeTakeFirstOrThrow();
    assert.equal(node.host, agents[1]!.host);
    assert.equal((await adminView(id)).fault, undefined);
  });

  it('when every host fails the build ends in ERROR with a fault and holds nothing', async () => {
    driver(0).failNextSpawns = 5;
    driver(1).failNextSpawns = 5;
    const id = await create('nb-cd-allfail');
    const s = await waitForServer(t, member.token, id, 'ERROR');
    const fault = s.fault as { code: number; message: string; created: string; details?: string };
    assert.equal(fault.code, 500);
    assert.match(fault.message, /^Exceeded maximum number of retries\. Exhausted all hosts available for retrying build failures for instance /);
    assert.match(fault.created, SECONDS);
    assert.equal(fault.details, undefined, 'a 500 fault hides details from members');
    const asAdmin = await adminView(id);
    assert.match(String((asAdmin.fault as { details: string }).details), /told to fail/);
    assert.equal(asAdmin['OS-EXT-SRV-ATTR:host'], null);
    assert.equal(driver(0).failNextSpawns + driver(1).failNextSpawns, 8, 'one attempt on each host');
    assert.deepEqual(await allocations(id), []);
    assert.ok(!(await guests(0)).includes(id) && !(await guests(1)).includes(id));
    const acts = await t.request('GET', `/compute/v2.1/servers/${id}/os-instance-actions`, { token: member.token });
    assert.deepEqual(acts.body.instanceActions.map((a: { action: string; message: string | null }) => [a.action, a.message]), [['create', 'Error']]);
    // An ERROR server can be deleted.
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 204);
    await waitForServer(t, member.token, id, 'DELETED');
  });

  it('a build forced onto a failing host is not moved to another host', async () => {
    driver(0).failNextSpawns = 5;
    driver(1).failNextSpawns = 5;
    const id = await create('nb-cd-forced-fail', { availability_zone: `nova:${agents[0]!.host}` }, admin);
    const s = await waitForServer(t, admin, id, 'ERROR');
    assert.match((s.fault as { message: string }).message, /^Build of instance .* failed: fake host .* was told to fail this spawn$/);
    assert.equal(driver(0).failNextSpawns, 4, 'tried once on the forced host');
    assert.equal(driver(1).failNextSpawns, 5, 'never tried elsewhere');
    assert.deepEqual(await allocations(id), []);
  });

  it('no host that fits: ERROR "No valid host was found", nothing allocated', async () => {
    const huge = await createFlavor(t, admin, { name: 'nb-cd-huge', vcpus: 1, ram: 900_000, disk: 1 });
    const id = await create('nb-cd-huge', { flavorRef: huge });
    const s = await waitForServer(t, member.token, id, 'ERROR');
    assert.match((s.fault as { message: string }).message, /^No valid host was found\./);
    assert.deepEqual(await allocations(id), []);
    assert.equal((await adminView(id))['OS-EXT-SRV-ATTR:host'], null);
  });

  it('delete removes the guest and releases the allocation', async () => {
    const id = await create('nb-cd-delete');
    await waitForServer(t, member.token, id, 'ACTIVE');
    assert.equal((await allocations(id)).length, 1);
    const i = await hostIndex(id);
    assert.ok((await guests(i)).includes(id));
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 204);
    await waitForServer(t, member.token, id, 'DELETED');
    assert.deepEqual(await allocations(id), []);
    assert.ok(!(await guests(i)).includes(id));
    const row = await db.selectFrom('compute_instance').selectAll().where('uuid', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.deleted, 1);
    assert.equal(row.vm_state, 'deleted');
    assert.ok(row.terminated_at);
    // Deleting again is a 404.
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 404);
  });

  it('a delete right after create wins: DELETED, nothing held, no guest left', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await create(`nb-cd-quickdel-${i}`);
      assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 204);
      ids.push(id);
    }
    await t.cloud.compute.ctx.conductor.queue.idle();
    for (const id of ids) {
      await waitForServer(t, member.token, id, 'DELETED');
      assert.deepEqual(await allocations(id), []);
      for (let i = 0; i < agents.length; i++) assert.ok(!(await guests(i)).includes(id));
    }
  });

  describe('reconcile (agent.sync)', () => {
    async function running(name: string) {
      const id = await create(name);
      await waitForServer(t, member.token, id, 'ACTIVE');
      const i = await hostIndex(id);
      return { id, i, d: driver(i), agent: agents[i]! };
    }
    const show = async (id: string) => (await t.request('GET', `/compute/v2.1/servers/${id}`, { token: member.token })).body.server as Record<string, unknown>;

    it('a guest that shut itself down is SHUTOFF after sync, and starts again', async () => {
      const { id, d, agent } = await running('nb-cd-shutdown');
      d.simulateShutdown(id);
      await agent.sync();
      const s = await show(id);
      assert.equal(s.status, 'SHUTOFF');
      assert.equal(s['OS-EXT-STS:power_state'], 4);
      assert.equal(s['OS-EXT-STS:task_state'], null);
      assert.ok((await guests(agents.indexOf(agent))).includes(id), 'never destroyed, never restarted');
      assert.equal((await t.request('POST', `/compute/v2.1/servers/${id}/action`, { token: member.token, body: { 'os-start': null } })).status, 202);
      await waitForServer(t, member.token, id, 'ACTIVE');
    });

    it('a guest that vanished is SHUTOFF after sync', async () => {
      const { id, d, agent } = await running('nb-cd-vanish');
      d.simulateVanish(id);
      await agent.sync();
      const s = await show(id);
      assert.equal(s.status, 'SHUTOFF');
      assert.equal(s['OS-EXT-STS:power_state'], 4);
    });

    it('a guest the database does not know is destroyed', async () => {
      const stray = randomUUID();
      await driver(0).spawn({ uuid: stray, name: 'stray', hostname: 'stray', vcpus: 1, memoryMb: 64, rootGb: 1, ephemeralGb: 0, swapMb: 0,
        image: null, kernel: null, ramdisk: null, cmdline: null, configDrive: null, authToken: '', nics: [], volumes: [] } as GuestSpec);
      assert.ok((await guests(0)).includes(stray));
      await agents[0]!.sync();
      assert.ok(!(await guests(0)).includes(stray));
    });

    it('a stale task_state (nothing in flight) is settled by what the host shows', async () => {
      const { id, d, agent } = await running('nb-cd-stale');
      await sql`UPDATE compute_instance SET task_state = 'powering-off' WHERE uuid = ${id}`.execute(db);
      await agent.sync();
      let s = await show(id);
      assert.equal(s.status, 'ACTIVE');
      assert.equal(s['OS-EXT-STS:task_state'], null);
      assert.equal(s['OS-EXT-STS:power_state'], 1);
      // The power-off had happened on the host before the crash: the server settles as SHUTOFF.
      d.simulateShutdown(id);
      await sql`UPDATE compute_instance SET task_state = 'powering-off' WHERE uuid = ${id}`.execute(db);
      await agent.sync();
      s = await show(id);
      assert.equal(s.status, 'SHUTOFF');
      assert.equal(s['OS-EXT-STS:task_state'], null);
      // A stale build whose guest runs becomes ACTIVE; a delete left half-done is finished.
      await t.request('POST', `/compute/v2.1/servers/${id}/action`, { token: member.token, body: { 'os-start': null } });
      await waitForServer(t, member.token, id, 'ACTIVE');
      await sql`UPDATE compute_instance SET vm_state = 'building', task_state = 'spawning' WHERE uuid = ${id}`.execute(db);
      await agent.sync();
      assert.equal((await show(id)).status, 'ACTIVE');
      await sql`UPDATE compute_instance SET task_state = 'deleting' WHERE uuid = ${id}`.execute(db);
      await agent.sync();
      await waitForServer(t, member.token, id, 'DELETED');
      assert.deepEqual(await allocations(id), []);
      assert.ok(!(await guests(agents.indexOf(agent))).includes(id));
    });

    it('a server whose build task is stale and whose guest is gone ends in ERROR and frees its host', async () => {
      const { id, d, agent } = await running('nb-cd-stale-build');
      d.simulateVanish(id);
      await sql`UPDATE compute_instance SET vm_state = 'building', task_state = 'spawning' WHERE uuid = ${id}`.execute(db);
      await agent.sync();
      const s = await show(id);
      assert.equal(s.status, 'ERROR');
      assert.match(String((s.fault as { message: string }).message), /interrupted/);
      assert.deepEqual(await allocations(id), []);
    });
  });
});
