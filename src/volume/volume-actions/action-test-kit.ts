// Test helpers for the volume action tests: a cloud with an admin and a member project, volume
// rows in a chosen state (the action API judges rows; how they got there is another slice's job),
// and a manager whose calls are recorded instead of run, for the API's half of each workflow.
import { randomUUID } from 'node:crypto';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { ensureDefaultVolumeType } from '../volume-types/default-type.js';
import type { SnapshotRow, VolumeRow } from '../volume.tables.js';
import type { VolumeContext } from '../context.js';
import type { Config } from '../../platform/config.js';

export interface ActionCloud {
  tc: TestCloud;
  ctx: VolumeContext;
  admin: { token: string; projectId: string };
  member: MemberUser;
  /** POST /volume/v3/{project}/volumes/{id}/action as `who` (admin unless a member is given). */
  act(volumeId: string, body: unknown, opts?: { who?: { token: string; projectId: string }; version?: string }): Promise<TestResponse>;
  /** Inserts a volume row of the given project in the given state. */
  volume(projectId: string, over?: Partial<VolumeRow>): Promise<VolumeRow>;
  snapshot(volume: VolumeRow, over?: Partial<SnapshotRow>): Promise<SnapshotRow>;
  row(volumeId: string): Promise<VolumeRow | undefined>;
  close(): Promise<void>;
}

export async function startActionCloud(overrides: Partial<Config> = {}): Promise<ActionCloud> {
  const tc = await startTestCloud(overrides);
  const ctx = tc.cloud.volume.ctx;
  const admin = { token: await tc.adminToken(), projectId: await tc.adminProjectId() };
  const member = await createMemberUser(tc, `vact-${randomUUID().slice(0, 8)}`);
  const type = await ensureDefaultVolumeType(ctx.deps);
  const db = ctx.deps.db;
  let clock = Date.now();
  const stamp = () => new Date(clock += 1000).toISOString();
  return {
    tc, ctx, admin, member,
    act: (volumeId, body, opts = {}) => {
      const who = opts.who ?? admin;
      return tc.request('POST', `/volume/v3/${who.projectId}/volumes/${volumeId}/action`, {
        token: who.token, body, headers: opts.version ? { 'openstack-api-version': `volume ${opts.version}` } : {},
      });
    },
    async volume(projectId, over = {}) {
      const ts = stamp();
      const row: VolumeRow = {
        id: randomUUID(), project_id: projectId, user_id: 'u', name: 'v', description: 'd', size: 1, status: 'available',
        attach_status: 'detached', status_reason: null, availability_zone: 'nova', volume_type_id: type.id, bootable: 0,
        multiattach: 0, source_volid: null, snapshot_id: null, backup_id: null, image_id: null, host: 'h@b#b',
        provider_location: null, migration_status: null, created_at: ts, updated_at: ts, launched_at: ts, ...over,
      };
      await db.insertInto('volume').values(row).execute();
      return row;
    },
    async snapshot(volume, over = {}) {
      const ts = stamp();
      const row: SnapshotRow = {
        id: randomUUID(), volume_id: volume.id, project_id: volume.project_id, user_id: 'u', name: 's', description: null,
        size: volume.size, status: 'available', status_reason: null, progress: '100%', provider_location: null,
        created_at: ts, updated_at: ts, ...over,
      };
      await db.insertInto('volume_snapshot').values(row).execute();
      return row;
    },
    row: (volumeId) => db.selectFrom('volume').selectAll().where('id', '=', volumeId).executeTakeFirst(),
    close: () => tc.close(),
  };
}

export type ManagerCall = [method: string, ...args: unknown[]];

/** Replaces the manager's workflow starters with recorders; returns the record. */
export function recordManager(ctx: VolumeContext): ManagerCall[] {
  const calls: ManagerCall[] = [];
  const manager = ctx.manager as unknown as Record<string, unknown>;
  for (const name of ['extendVolume', 'deleteVolume', 'uploadToImage', 'revertToSnapshot']) {
    manager[name] = (...args: unknown[]) => { calls.push([name, ...args]); };
  }
  return calls;
}
