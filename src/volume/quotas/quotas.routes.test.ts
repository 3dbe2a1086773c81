// Quota sets, quota classes and limits through the API: defaults, set, usage from the tables,
// refusals (below usage, bad keys and values, policy), reset, and the default class.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';
import { ensureDefaultVolumeType } from '../volume-types/default-type.js';

let tc: TestCloud;
let admin: string;
let adminProject: string;
let alice: MemberUser;
let bob: MemberUser;
let defaultType: { id: string; name: string };

const message = (res: TestResponse): string => (Object.values(res.body ?? {})[0] as { message: string }).message;
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

async function insertVolume(projectId: string, size: number): Promise<string> {
  const ts = new Date().toISOString();
  const id = randomUUID();
  await tc.cloud.volume.ctx.deps.db.insertInto('volume').values({
    id, project_id: projectId, user_id: 'u', name: null, description: null, size, status: 'available', attach_status: 'detached',
    status_reason: null, availability_zone: 'nova', volume_type_id: defaultType.id, bootable: 0, multiattach: 0, source_volid: null,
    snapshot_id: null, backup_id: null, image_id: null, host: null, provider_location: null, migration_status: null,
    created_at: ts, updated_at: ts, launched_at: null,
  }).execute();
  return id;
}

async function insertSnapshot(projectId: string, volumeId: string, size: number): Promise<void> {
  const ts = new Date().toISOString();
  await tc.cloud.volume.ctx.deps.db.insertInto('volume_snapshot').values({
    id: randomUUID(), volume_id: volumeId, project_id: projectId, user_id: 'u', name: null, description: null, size,
    status: 'available', status_reason: null, progress: '100%', provider_location: null, created_at: ts, updated_at: ts,
  }).execute();
}

describe('quota sets, quota classes and limits API', () => {
  before(async () => {
    tc = await startTestCloud();
    admin = await tc.adminToken();
    adminProject = await tc.adminProjectId();
    alice = await createMemberUser(tc, uniq('alice'));
    bob = await createMemberUser(tc, uniq('bob'));
    defaultType = await ensureDefaultVolumeType(tc.cloud.volume.ctx.deps);
  });
  after(async () => { await tc?.close(); });

  it('shows the defaults, with per-type resources, to the project member', async () => {
    const res = await tc.request('GET', `/volume/v3/${alice.projectId}/os-quota-sets/${alice.projectId}`, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    const t = defaultType.name;
    assert.deepEqual(res.body.quota_set, {
      id: alice.projectId, volumes: 10, gigabytes: 1000, snapshots: 10, backups: 10, backup_gigabytes: 1000, per_volume_gigabytes: -1,
      groups: 10, [`volumes_${t}`]: -1, [`gigabytes_${t}`]: -1, [`snapshots_${t}`]: -1,
    });
    const defaults = await tc.request('GET', `/volume/v3/${alice.projectId}/os-quota-sets/${alice.projectId}/defaults`, { token: alice.token });
    assert.equal(defaults.status, 200);
    assert.equal(defaults.body.quota_set.volumes, 10);
    assert.equal(defaults.body.quota_set.id, alice.projectId);
  });

  it('refuses another project quota to a member (403) and setting to a member', async () => {
    const other = await tc.request('GET', `/volume/v3/${alice.projectId}/os-quota-sets/${bob.projectId}`, { token: alice.token });
    assert.equal(other.status, 403);
    const set = await tc.request('PUT', `/volume/v3/${alice.projectId}/os-quota-sets/${alice.projectId}`, { token: alice.token, body: { quota_set: { volumes: 99 } } });
    assert.equal(set.status, 403);
    const del = await tc.request('DELETE', `/volume/v3/${alice.projectId}/os-quota-sets/${alice.projectId}`, { token: alice.token });
    assert.equal(del.status, 403);
  });

  it('counts usage from the tables and refuses a limit below it', async () => {
    const p = bob.projectId;
    const v = await insertVolume(p, 3);
    await insertVolume(p, 2);
    await insertSnapshot(p, v, 1);
    const res = await tc.request('GET', `/volume/v3/${p}/os-quota-sets/${p}?usage=True`, { token: bob.token });
    assert.equal(res.status, 200, res.text);
    const q = res.body.quota_set;
    assert.deepEqual(q.volumes, { limit: 10, in_use: 2, reserved: 0, allocated: 0 });
    assert.deepEqual(q.gigabytes, { limit: 1000, in_use: 6, reserved: 0, allocated: 0 });
    assert.deepEqual(q.snapshots, { limit: 10, in_use: 1, reserved: 0, allocated: 0 });
    assert.deepEqual(q[`volumes_${defaultType.name}`], { limit: -1, in_use: 2, reserved: 0, allocated: 0 });
    assert.deepEqual(q[`gigabytes_${defaultType.name}`], { limit: -1, in_use: 6, reserved: 0, allocated: 0 });

    const low = await tc.request('PUT', `/volume/v3/${adminProject}/os-quota-sets/${p}`, { token: admin, body: { quota_set: { volumes: 1 } } });
    assert.equal(low.status, 400);
    assert.equal(message(low), 'Quota volumes limit must be equal or greater than existing resources. Current usage is 2 and the requested limit is 1.');
    const ok = await tc.request('PUT', `/volume/v3/${adminProject}/os-quota-sets/${p}`, { token: admin, body: { quota_set: { volumes: 2, gigabytes: -1, per_volume_gigabytes: 1 } } });
    assert.equal(ok.status, 200, ok.text);

    const limits = await tc.request('GET', `/volume/v3/${p}/limits`, { token: bob.token });
    assert.equal(limits.status, 200);
    assert.deepEqual(limits.body, { limits: { rate: [], absolute: {
      maxTotalVolumes: 2, maxTotalSnapshots: 10, maxTotalVolumeGigabytes: -1, maxTotalBackups: 10, maxTotalBackupGigabytes: 1000,
      totalVolumesUsed: 2, totalSnapshotsUsed: 1, totalGigabytesUsed: 6, totalBackupsUsed: 0, totalBackupGigabytesUsed: 0,
    } } });
  });

  it('sets, shows and resets a project quota', async () => {
    const p = alice.projectId;
    const t = defaultType.name;
    const set = await tc.request('PUT', `/volume/v3/${adminProject}/os-quota-sets/${p}`, { token: admin, body: { quota_set: { volumes: 20, [`gigabytes_${t}`]: 50, tenant_id: p } } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.quota_set.volumes, 20);
    assert.equal(set.body.quota_set[`gigabytes_${t}`], 50);
    assert.equal('id' in set.body.quota_set, false);
    const shown = await tc.request('GET', `/volume/v3/${p}/os-quota-sets/${p}`, { token: alice.token });
    assert.equal(shown.body.quota_set.volumes, 20);

    const del = await tc.request('DELETE', `/volume/v3/${adminProject}/os-quota-sets/${p}`, { token: admin });
    assert.equal(del.status, 200);
    const after = await tc.request('GET', `/volume/v3/${p}/os-quota-sets/${p}`, { token: alice.token });
    assert.equal(after.body.quota_set.volumes, 10);
    assert.equal(after.body.quota_set[`gigabytes_${t}`], -1);
  });

  it('refuses bad keys and values', async () => {
    const url = `/volume/v3/${adminProject}/os-quota-sets/${alice.projectId}`;
    const cases: Array<[unknown, string | null]> = [
      [{ quota_set: { bogus: 1 } }, 'Invalid input received: Bad key(s) in quota set: bogus'],
      [{ quota_set: { volumes: 'abc' } }, 'volumes must be an integer.'],
      [{ quota_set: { volumes: -2 } }, 'volumes must be >= -1'],
      [{ quota_set: { volumes: 2 ** 31 } }, 'volumes must be <= 2147483647'],
      [{ quota_set: {} }, null],
      [{}, null],
      [{ quota_set: { volumes: 1.5 } }, 'volumes must be an integer.'],
    ];
    for (const [body, msg] of cases) {
      const res = await tc.request('PUT', url, { token: admin, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
      if (msg) assert.equal(message(res), msg);
    }
    const asString = await tc.request('PUT', url, { token: admin, body: { quota_set: { snapshots: '7' } } });
    assert.equal(asString.status, 200);
    assert.equal(asString.body.quota_set.snapshots, 7);
    await tc.request('DELETE', url, { token: admin });
  });

  it('applies the default quota class to projects without their own limits', async () => {
    const url = `/volume/v3/${adminProject}/os-quota-class-sets/default`;
    const before = await tc.request('GET', url, { token: admin });
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.quota_class_set.id, 'default');
    assert.equal(before.body.quota_class_set.volumes, 10);
    const set = await tc.request('PUT', url, { token: admin, body: { quota_class_set: { volumes: 7 } } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.quota_class_set.volumes, 7);
    try {
      const shown = await tc.request('GET', `/volume/v3/${alice.projectId}/os-quota-sets/${alice.projectId}`, { token: alice.token });
      assert.equal(shown.body.quota_set.volumes, 7);
      const defaults = await tc.request('GET', `/volume/v3/${alice.projectId}/os-quota-sets/${alice.projectId}/defaults`, { token: alice.token });
      assert.equal(defaults.body.quota_set.volumes, 7);
      const member = await tc.request('GET', `/volume/v3/${alice.projectId}/os-quota-class-sets/default`, { token: alice.token });
      assert.equal(member.status, 403);
      const bad = await tc.request('PUT', url, { token: admin, body: { quota_class_set: { nope: 1 } } });
      assert.equal(bad.status, 400);
      assert.equal(message(bad), 'Invalid input received: Bad key(s) in quota class set: nope');
    } finally {
      await tc.request('PUT', url, { token: admin, body: { quota_class_set: { volumes: 10 } } });
    }
  });

  it('lets an admin read another project limits', async () => {
    const res = await tc.request('GET', `/volume/v3/${adminProject}/limits?project_id=${bob.projectId}`, { token: admin });
    assert.equal(res.status, 200);
    assert.equal(res.body.limits.absolute.totalVolumesUsed, 2);
    const own = await tc.request('GET', `/volume/v3/${alice.projectId}/limits?project_id=${bob.projectId}`, { token: alice.token });
    assert.equal(own.body.limits.absolute.totalVolumesUsed, 0);
  });
});
