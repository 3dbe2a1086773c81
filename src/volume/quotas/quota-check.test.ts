// checkVolumeQuota against the real tables: limits, Cinder's messages, per-type limits, and racing
// transactions that must never pass a limit together.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { ApiError } from '../../platform/errors.js';
import type { VolumeDeps } from '../common.js';
import { ensureDefaultVolumeType } from '../volume-types/default-type.js';
import type { VolumeDb } from '../volume.tables.js';
import { checkVolumeQuota, type QuotaDelta } from './quota-check.js';
import { DEFAULT_CLASS_KEY, usageFor } from './quota-usage.js';

let tc: TestCloud;
let deps: VolumeDeps;
let db: VolumeDb;
let defaultTypeId: string;

async function addType(name: string): Promise<string> {
  const id = randomUUID();
  const ts = new Date().toISOString();
  await db.insertInto('volume_type').values({ id, name, description: null, is_public: 1, created_at: ts, updated_at: ts }).execute();
  return id;
}

function volumeRow(projectId: string, size: number, typeId: string) {
  const ts = new Date().toISOString();
  return {
    id: randomUUID(), project_id: projectId, user_id: 'u', name: null, description: null, size, status: 'available' as const,
    attach_status: 'detached' as const, status_reason: null, availability_zone: 'nova', volume_type_id: typeId, bootable: 0,
    multiattach: 0, source_volid: null, snapshot_id: null, backup_id: null, image_id: null, host: null, provider_location: null,
    migration_status: null, created_at: ts, updated_at: ts, launched_at: null,
  };
}

async function addVolume(projectId: string, size: number, typeId = defaultTypeId): Promise<string> {
  const row = volumeRow(projectId, size, typeId);
  await db.insertInto('volume').values(row).execute();
  return row.id;
}

async function addSnapshot(projectId: string, volumeId: string, size: number): Promise<void> {
  const ts = new Date().toISOString();
  await db.insertInto('volume_snapshot').values({
    id: randomUUID(), volume_id: volumeId, project_id: projectId, user_id: 'u', name: null, description: null, size,
    status: 'available', status_reason: null, progress: '100%', provider_location: null, created_at: ts, updated_at: ts,
  }).execute();
}

async function setLimit(projectId: string, resource: string, hardLimit: number): Promise<void> {
  await db.insertInto('volume_quota').values({ project_id: projectId, resource, hard_limit: hardLimit }).execute();
}

/** Runs the check in a transaction of its own; the refusal, if any. */
async function check(projectId: string, delta: QuotaDelta, opts: { volumeTypeName?: string | null; sizeGb?: number } = {}) {
  try {
    await db.transaction().execute((trx) => checkVolumeQuota(trx, deps.config.volume, projectId, delta, opts));
    return undefined;
  } catch (err) {
    return err as ApiError;
  }
}

describe('checkVolumeQuota', () => {
  before(async () => {
    tc = await startTestCloud();
    deps = tc.cloud.volume.ctx.deps;
    db = deps.db;
    defaultTypeId = (await ensureDefaultVolumeType(deps)).id;
  });
  after(async () => { await tc?.close(); });

  it('passes under the limits and refuses the volume count with Cinder 413 message', async () => {
    const p = randomUUID();
    await setLimit(p, 'volumes', 2);
    await addVolume(p, 1);
    assert.equal(await check(p, { volumes: 1, gigabytes: 1 }), undefined);
    await addVolume(p, 1);
    const err = await check(p, { volumes: 1, gigabytes: 1 });
    assert.equal(err?.status, 413);
    assert.equal(err?.message, "VolumeLimitExceeded: Maximum number of volumes allowed (2) exceeded for quota 'volumes'.");
  });

  it('counts snapshot sizes in gigabytes and names requested, quota and consumed', async () => {
    const p = randomUUID();
    await setLimit(p, 'gigabytes', 10);
    const v = await addVolume(p, 5);
    await addSnapshot(p, v, 3);
    assert.deepEqual((await usageFor(db, p, [])).gigabytes, 8);
    assert.equal(await check(p, { volumes: 1, gigabytes: 2 }), undefined);
    const err = await check(p, { volumes: 1, gigabytes: 5 });
    assert.equal(err?.status, 413);
    assert.equal(err?.message, 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. '
      + 'Requested 5G, quota is 10G and 8G has been consumed.');
  });

  it('refuses snapshots, backups and backup gigabytes with their own messages', async () => {
    const p = randomUUID();
    await setLimit(p, 'snapshots', 0);
    await setLimit(p, 'backups', 1);
    await setLimit(p, 'backup_gigabytes', 3);
    const snap = await check(p, { snapshots: 1, gigabytes: 1 });
    assert.equal(snap?.message, 'SnapshotLimitExceeded: Maximum number of snapshots allowed (0) exceeded');
    const big = await check(p, { backups: 1, backup_gigabytes: 4 });
    assert.equal(big?.message, 'VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. '
      + 'Requested 4G, quota is 3G and 0G has been consumed.');
    const v = await addVolume(p, 2);
    const ts = new Date().toISOString();
    await db.insertInto('volume_backup').values({
      id: randomUUID(), volume_id: v, snapshot_id: null, project_id: p, user_id: 'u', name: null, description: null, size: 2,
      status: 'available', fail_reason: null, availability_zone: 'nova', container: null, is_incremental: 0, parent_id: null,
      object_count: 0, host: null, metadata: '{}', data_timestamp: ts, restore_volume_id: null, created_at: ts, updated_at: ts,
    }).execute();
    const count = await check(p, { backups: 1, backup_gigabytes: 1 });
    assert.equal(count?.message, 'BackupLimitExceeded: Maximum number of backups allowed (1) exceeded');
  });

  it('applies per-type limits to volumes of that type only', async () => {
    const p = randomUUID();
    const name = `gold-${randomUUID().slice(0, 8)}`;
    const gold = await addType(name);
    await setLimit(p, `volumes_${name}`, 1);
    await setLimit(p, `gigabytes_${name}`, 4);
    assert.equal((await check(p, { volumes: 1, gigabytes: 5 }, { volumeTypeName: name, sizeGb: 5 }))?.message,
      `VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes_${name} quota. `
      + 'Requested 5G, quota is 4G and 0G has been consumed.');
    await addVolume(p, 1, gold);
    assert.equal((await check(p, { volumes: 1, gigabytes: 1 }, { volumeTypeName: name }))?.message,
      `VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes_${name}'.`);
    // The default type is not limited by gold's quota.
    assert.equal(await check(p, { volumes: 1, gigabytes: 1 }, { volumeTypeName: deps.config.volume.defaultVolumeType }), undefined);
    assert.equal(await check(p, { volumes: 1, gigabytes: 1 }), undefined);
  });

  it('refuses a volume larger than per_volume_gigabytes, and -1 means unlimited', async () => {
    const p = randomUUID();
    await setLimit(p, 'per_volume_gigabytes', 5);
    await setLimit(p, 'volumes', -1);
    assert.equal(await check(p, { volumes: 1, gigabytes: 5 }, { sizeGb: 5 }), undefined);
    const err = await check(p, { volumes: 1, gigabytes: 6 }, { sizeGb: 6 });
    assert.equal(err?.status, 413);
    assert.equal(err?.message, 'VolumeSizeExceedsLimit: Requested volume size 6G is larger than maximum allowed limit 5G.');
  });

  it('uses the default quota class under the project limits', async () => {
    const p = randomUUID();
    await setLimit(DEFAULT_CLASS_KEY, 'snapshots', 0);
    try {
      assert.equal((await check(p, { snapshots: 1 }))?.status, 413);
      await setLimit(p, 'snapshots', 1);
      assert.equal(await check(p, { snapshots: 1 }), undefined);
    } finally {
      await db.deleteFrom('volume_quota').where('project_id', '=', DEFAULT_CLASS_KEY).execute();
    }
  });

  it('never lets 20 racing check-then-insert transactions pass the limit', async () => {
    const p = randomUUID();
    await setLimit(p, 'volumes', 5);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => db.transaction().execute(async (trx) => {
      await checkVolumeQuota(trx, deps.config.volume, p, { volumes: 1, gigabytes: 1 }, { sizeGb: 1 });
      await trx.insertInto('volume').values(volumeRow(p, 1, defaultTypeId)).execute();
    })));
    const passed = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && (r.reason as ApiError).status === 413).length;
    assert.equal(passed, 5);
    assert.equal(refused, 15);
    const n = await db.selectFrom('volume').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', p).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 5);
  });
});
