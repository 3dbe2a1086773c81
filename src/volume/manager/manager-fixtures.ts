// Test fixtures for the manager and scheduler tests: a test cloud without a storage agent (tests
// serve their own stub on the bus or insert backend rows), and rows inserted as the API would.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { VOLUME_MANAGER_TOPIC, type BackendReport } from '../../agent/storage/storage-agent-client.js';
import { recordUserMessage } from '../messages/user-messages.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { loadConfig } from '../../platform/config.js';
import type { BackendRow, VolumeRow } from '../volume.tables.js';
import type { VolumeContext } from '../context.js';

export async function startCloudWithoutStorage(): Promise<TestCloud> {
  const base = loadConfig({ stateDir: '/nonexistent-nubis-state' }, {});
  return startTestCloud({ volume: { ...base.volume, backends: [] } });
}

export const volumeCtx = (tc: TestCloud): VolumeContext => tc.cloud.volume.ctx;

export async function defaultTypeId(ctx: VolumeContext): Promise<string> {
  const row = await ctx.deps.db.selectFrom('volume_type').select('id').where('name', '=', ctx.deps.config.volume.defaultVolumeType).executeTakeFirstOrThrow();
  return row.id;
}

/** A volume type with these extra specs. */
export async function insertType(ctx: VolumeContext, specs: Record<string, string>): Promise<string> {
  const id = randomUUID();
  const ts = new Date().toISOString();
  await ctx.deps.db.insertInto('volume_type').values({ id, name: `t-${id.slice(0, 8)}`, description: null, is_public: 1, created_at: ts, updated_at: ts }).execute();
  for (const [key, value] of Object.entries(specs)) await ctx.deps.db.insertInto('volume_type_extra_spec').values({ volume_type_id: id, key, value }).execute();
  return id;
}

/** A backend row as a report would leave it (up now, enabled, 100 GB, ratio 1, zone nova) with overrides. */
export async function insertBackend(ctx: VolumeContext, id: string, over: Partial<BackendRow> = {}): Promise<BackendRow> {
  const ts = new Date().toISOString();
  const [host, backend] = id.split('@') as [string, string];
  const row: BackendRow = {
    id, host, backend_name: backend, driver: 'file', availability_zone: 'nova', total_gb: 100, free_gb: 100,
    max_over_subscription_ratio: 1, reserved_percentage: 0, capabilities: '{}', disabled: 0, disabled_reason: null,
    last_seen_up: ts, created_at: ts, updated_at: ts, ...over,
  };
  await ctx.deps.db.insertInto('volume_backend').values(row).execute();
  return row;
}

/** A volume row in `creating` without host, as the API leaves it. */
export async function insertVolume(ctx: VolumeContext, over: Partial<VolumeRow> = {}): Promise<VolumeRow> {
  const ts = new Date().toISOString();
  const row: VolumeRow = {
    id: randomUUID(), project_id: 'p-test', user_id: 'u-test', name: null, description: null, size: 1, status: 'creating',
    attach_status: 'detached', status_reason: null, availability_zone: 'nova', volume_type_id: over.volume_type_id ?? await defaultTypeId(ctx),
    bootable: 0, multiattach: 0, source_volid: null, snapshot_id: null, backup_id: null, image_id: null, host: null,
    provider_location: null, migration_status: null, created_at: ts, updated_at: ts, launched_at: null, ...over,
  };
  await ctx.deps.db.insertInto('volume').values(row).execute();
  return row;
}

/** Removes every volume-side row the tests make, so each test sees only its own backends. */
export async function clearVolumeRows(ctx: VolumeContext): Promise<void> {
  const db = ctx.deps.db;
  await db.deleteFrom('volume_backup').execute();
  await db.deleteFrom('volume_snapshot').execute();
  await db.deleteFrom('volume').execute();
  await db.deleteFrom('volume_backend').execute();
}

/** A storage agent's report for `<host>@<backend>`, sent over the bus as an agent would. */
export async function reportBackend(ctx: VolumeContext, id: string, over: Partial<BackendReport> = {}): Promise<void> {
  const [host, backend] = id.split('@') as [string, string];
  const report: BackendReport = {
    id, host, backend, driver: 'file', availabilityZone: 'nova', capacity: { totalGb: 100, freeGb: 90, provisionedGb: 10 },
    overSubscriptionRatio: 1, reservedPercentage: 0, capabilities: { thin_provisioning_support: true }, ...over,
  };
  await ctx.deps.bus.call(VOLUME_MANAGER_TOPIC, 'report', report);
}

let messagesWritten: boolean | undefined;
/** Whether recordUserMessage is written yet (a placeholder throws); probed once with a throwaway project. */
async function userMessagesWork(ctx: VolumeContext): Promise<boolean> {
  if (messagesWritten === undefined) {
    try {
      await recordUserMessage(ctx.deps, { projectId: 'probe', resourceType: 'VOLUME', resourceId: null, eventId: 'VOLUME_VOLUME_001_001', message: 'probe' });
      messagesWritten = true;
    } catch { messagesWritten = false; }
  }
  return messagesWritten;
}

/** Asserts the resource got the user message with this event id (once user messages are written). */
export async function expectUserMessage(ctx: VolumeContext, resourceId: string, eventId: string, text: string): Promise<void> {
  if (!(await userMessagesWork(ctx))) return;
  const rows = await ctx.deps.db.selectFrom('volume_message').select(['event_id', 'user_message']).where('resource_uuid', '=', resourceId).execute();
  assert.ok(rows.some((r) => r.event_id === eventId && r.user_message === text),
    `message ${eventId} "${text}" expected for ${resourceId}, got ${JSON.stringify(rows)}`);
}

/** Polls until `check` holds (generous: the machine is loaded). */
export async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
