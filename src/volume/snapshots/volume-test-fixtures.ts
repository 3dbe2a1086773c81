// Shared by the snapshot, backup and transfer API tests: a test cloud with URLs under the caller's
// project, volumes made through the API (polled until the manager and the file backend settle them)
// or inserted as rows in a given status (for refusals that need no backend).
import { randomUUID } from 'node:crypto';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';
import type { BackupRow, SnapshotRow, VolumeDb, VolumeRow } from '../volume.tables.js';

export interface Caller { token: string; projectId: string; userId: string }

export interface VolumeTestCloud {
  tc: TestCloud;
  admin: Caller;
  db: VolumeDb;
  /** A request under /volume/v3/{caller's project}. */
  call(who: Caller, method: string, path: string, body?: unknown, version?: string): Promise<TestResponse>;
  close(): Promise<void>;
}

export async function startVolumeTestCloud(): Promise<VolumeTestCloud> {
  const tc = await startTestCloud();
  const token = await tc.adminToken();
  const projectId = await tc.adminProjectId();
  const who = await tc.request('GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } });
  const admin: Caller = { token, projectId, userId: String(who.body.token.user.id) };
  return {
    tc, admin, db: tc.cloud.volume.ctx.deps.db,
    call: (c, method, path, body, version) => tc.request(method, `/volume/v3/${c.projectId}${path}`,
      { token: c.token, body, headers: version ? { 'openstack-api-version': `volume ${version}` } : {} }),
    close: () => tc.close(),
  };
}

/** A volume row as if the manager had settled it (no file on any backend: for checks that refuse before work starts). */
export async function insertVolume(v: VolumeTestCloud, owner: Caller, fields: Partial<VolumeRow> = {}): Promise<VolumeRow> {
  const type = await v.db.selectFrom('volume_type').select('id').where('name', '=', v.tc.config.volume.defaultVolumeType).executeTakeFirstOrThrow();
  const ts = new Date().toISOString();
  const row: VolumeRow = {
    id: randomUUID(), project_id: owner.projectId, user_id: owner.userId, name: 'row-volume', description: null, size: 1,
    status: 'available', attach_status: 'detached', status_reason: null, availability_zone: 'nova', volume_type_id: type.id,
    bootable: 0, multiattach: 0, source_volid: null, snapshot_id: null, backup_id: null, image_id: null, host: null,
    provider_location: null, migration_status: null, created_at: ts, updated_at: ts, launched_at: null, ...fields,
  };
  await v.db.insertInto('volume').values(row).execute();
  return row;
}

/** Polls GET `path` until `<key>.status` is one of `statuses`; throws with the last body after `timeoutMs`. */
export async function waitForStatus(v: VolumeTestCloud, who: Caller, path: string, key: string, statuses: string[],
  timeoutMs = 120_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: TestResponse | undefined;
  while (Date.now() < deadline) {
    last = await v.call(who, 'GET', path);
    const status = last.body?.[key]?.status;
    if (last.status === 200 && statuses.includes(status)) return last.body[key];
    if (last.status === 404 && statuses.includes('gone')) return {};
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path} never reached ${statuses.join('|')}: ${last?.status} ${last?.text}`);
}

/** Creates a volume through the API and waits until it is `available`. */
export async function createAvailableVolume(v: VolumeTestCloud, who: Caller, size = 1, name = 'vsbt-volume'): Promise<string> {
  const res = await v.call(who, 'POST', '/volumes', { volume: { size, name } });
  if (res.status !== 202) throw new Error(`volume create: ${res.status} ${res.text}`);
  const id = String(res.body.volume.id);
  await waitForStatus(v, who, `/volumes/${id}`, 'volume', ['available']);
  return id;
}

/**
 * Whether volumes reach `available` here (the volumes API, the manager and the file backend all in
 * place): happy paths skip with this reason until then.
 */
export async function backendMissing(v: VolumeTestCloud): Promise<string | false> {
  const res = await v.call(v.admin, 'POST', '/volumes', { volume: { size: 1, name: 'vsbt-probe' } });
  if (res.status !== 202) return `POST /volumes answers ${res.status}`;
  try {
    await waitForStatus(v, v.admin, `/volumes/${res.body.volume.id}`, 'volume', ['available'], 30_000);
  } catch {
    return 'volumes do not reach available (manager or storage backend missing)';
  }
  await v.call(v.admin, 'DELETE', `/volumes/${res.body.volume.id}`);
  return false;
}

/** A snapshot row of `volume` in a given status (no backend file). */
export async function insertSnapshot(v: VolumeTestCloud, volume: VolumeRow, fields: Partial<SnapshotRow> = {}): Promise<SnapshotRow> {
  const ts = new Date().toISOString();
  const row: SnapshotRow = {
    id: randomUUID(), volume_id: volume.id, project_id: volume.project_id, user_id: volume.user_id, name: 'row-snapshot',
    description: null, size: volume.size, status: 'available', status_reason: null, progress: '100%', provider_location: null,
    created_at: ts, updated_at: ts, ...fields,
  };
  await v.db.insertInto('volume_snapshot').values(row).execute();
  return row;
}

/** A backup row of `volume` in a given status (no data in any store). */
export async function insertBackup(v: VolumeTestCloud, volume: VolumeRow, fields: Partial<BackupRow> = {}): Promise<BackupRow> {
  const ts = new Date().toISOString();
  const row: BackupRow = {
    id: randomUUID(), volume_id: volume.id, snapshot_id: null, project_id: volume.project_id, user_id: volume.user_id,
    name: 'row-backup', description: null, size: volume.size, status: 'available', fail_reason: null, availability_zone: 'nova',
    container: null, is_incremental: 0, parent_id: null, object_count: 1, host: null, metadata: '{}', data_timestamp: ts,
    restore_volume_id: null, created_at: ts, updated_at: ts, ...fields,
  };
  await v.db.insertInto('volume_backup').values(row).execute();
  return row;
}

type Work = 'createVolume' | 'deleteVolume' | 'createSnapshot' | 'deleteSnapshot' | 'createBackup' | 'restoreBackup' | 'deleteBackup';
const WORK: Work[] = ['createVolume', 'deleteVolume', 'createSnapshot', 'deleteSnapshot', 'createBackup', 'restoreBackup', 'deleteBackup'];

export interface HeldManager {
  /** The work the API handed on while held, in order: [method, ...args]. */
  calls: unknown[][];
  release(): void;
}

/**
 * Keeps the manager from working on rows the test inserted (they have no backend data, so real work
 * would fail at once and race the assertions on the statuses the API set): its work methods record
 * their calls until `release()`.
 */
export function holdManager(v: VolumeTestCloud): HeldManager {
  const manager = v.tc.cloud.volume.ctx.manager as unknown as Record<Work, (...args: unknown[]) => void>;
  const saved = Object.fromEntries(WORK.map((m) => [m, manager[m]])) as Record<Work, (...args: unknown[]) => void>;
  const calls: unknown[][] = [];
  for (const m of WORK) manager[m] = (...args: unknown[]) => { calls.push([m, ...args]); };
  return { calls, release: () => { for (const m of WORK) manager[m] = saved[m]; } };
}
