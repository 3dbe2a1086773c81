// Many creates at once against hosts with room for exactly N: N end ACTIVE, the rest ERROR, and
// no node is ever allocated past its capacity; with quota as the limit, the extra requests get 403.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createActiveImage, createFlavor, startFakeComputeCloud } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';

const UNLIMITED = { instances: -1, cores: -1, ram: -1, key_pairs: 100, metadata_items: 128, server_groups: 10, server_group_members: 10 };
const HOSTS = 2;
const VCPUS = 4;

describe('concurrent creates', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let admin: string;
  let flavor: string;
  let image: string;

  before(async () => {
    // Two hosts of 4 vCPUs, no overcommit: exactly 8 one-vCPU servers fit.
    t = await startFakeComputeCloud(HOSTS, { fakeHostVcpus: VCPUS, cpuAllocationRatio: 1, quotaDefaults: UNLIMITED });
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    flavor = await createFlavor(t, admin, { name: 'nb-cc-one', vcpus: 1, ram: 64, disk: 1 });
    image = await createActiveImage(t, admin, 'nb-cc-img');
  });
  after(async () => { await t?.close(); });

  const create = (token: string, name: string) =>
    t.request('POST', '/compute/v2.1/servers', { token, body: { server: { name, flavorRef: flavor, imageRef: image, networks: 'none' } } });

  /** vCPUs allocated per node. */
  async function usage(): Promise<number[]> {
    const rows = await db.selectFrom('compute_allocation').select(['node_id', 'vcpus']).execute();
    const by = new Map<string, number>();
    for (const r of rows) by.set(r.node_id, (by.get(r.node_id) ?? 0) + Number(r.vcpus));
    return [...by.values()];
  }

  it('30 creates for 8 places: 8 ACTIVE, 22 ERROR, no node over capacity', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => create(admin, `nb-cc-${i}`)));
    assert.deepEqual(answers.map((a) => a.status), Array(30).fill(202));
    const ids = new Set(answers.map((a) => a.body.server.id as string));
    const deadline = Date.now() + 15_000;
    let statuses: string[] = [];
    for (;;) {
      for (const used of await usage()) assert.ok(used <= VCPUS, `a node holds ${used} vCPUs`);
      const res = await t.request('GET', '/compute/v2.1/servers/detail?name=^nb-cc-', { token: admin });
      const mine = res.body.servers.filter((s: { id: string }) => ids.has(s.id));
      statuses = mine.map((s: { status: string }) => s.status);
      if (mine.length === 30 && !statuses.includes('BUILD')) break;
      assert.ok(Date.now() < deadline, `builds did not settle: ${statuses.join(',')}`);
      await sleep(50);
    }
    assert.equal(statuses.filter((s) => s === 'ACTIVE').length, HOSTS * VCPUS);
    assert.equal(statuses.filter((s) => s === 'ERROR').length, 30 - HOSTS * VCPUS);
    assert.deepEqual((await usage()).sort(), Array(HOSTS).fill(VCPUS));
    const errors = (await t.request('GET', '/compute/v2.1/servers/detail?status=ERROR', { token: admin })).body.servers;
    for (const s of errors) assert.match(s.fault.message, /^No valid host was found\./);
    const held = await db.selectFrom('compute_allocation').select('instance_uuid').execute();
    const errorIds = new Set(errors.map((s: { id: string }) => s.id));
    assert.ok(held.every((h) => !errorIds.has(h.instance_uuid)), 'ERROR servers hold nothing');
    for (const a of t.cloud.agents.agents) assert.equal((await a.driver.observe()).length, VCPUS);
  });

  it('quota as the limit: 12 creates against room for 5 → five 202, seven 403', async () => {
    const member = await createMemberUser(t, 'nb-cc-quota');
    const put = await t.request('PUT', `/compute/v2.1/os-quota-sets/${member.projectId}`, { token: admin, body: { quota_set: { instances: 5 } } });
    assert.equal(put.status, 200, put.text);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => create(member.token, `nb-ccq-${i}`)));
    const codes = answers.map((a) => a.status).sort();
    assert.deepEqual(codes, [...Array(5).fill(202), ...Array(7).fill(403)]);
    for (const a of answers.filter((x) => x.status === 403)) assert.match(a.body.forbidden.message, /^Quota exceeded for instances: Requested 1, but already used 5 of 5 instances$/);
    const rows = await db.selectFrom('compute_instance').select('uuid').where('project_id', '=', member.projectId).execute();
    assert.equal(rows.length, 5);
    await t.cloud.compute.ctx.conductor.queue.idle();
  });
});
