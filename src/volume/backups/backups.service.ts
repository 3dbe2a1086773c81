// Backups: the checks and the one transaction behind each route; the data is copied by the manager.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { ApiError } from '../../platform/errors.js';
import { badRequest, enforce, handOn, isAdmin, isUuid, notFound, now, parseBool, parseMetadata, parseText, target, unwrap } from '../common.js';
import { filtersOf, pageRows, parsePaging, type Page, type Paging, type Query } from '../collection.js';
import type { VolumeContext } from '../context.js';
import { checkVolumeQuota } from '../quotas/quota-check.js';
import { loadVisibleSnapshot } from '../snapshots/snapshot-access.js';
import { textFields } from '../snapshots/snapshots.service.js';
import { BACKUP_STATUSES, invalidBackup, invalidSnapshot, invalidVolume, moveBackup, moveSnapshot, moveVolume, type BackupStatus } from '../volume-states.js';
import type { BackupRow, SnapshotRow, VolumeTables } from '../volume.tables.js';
import { loadVisibleVolume } from '../volumes/volume-access.js';
import { loadVisibleBackup } from './backup-access.js';

export const BACKUP_SORT_KEYS = ['id', 'name', 'display_name', 'status', 'size', 'volume_id', 'project_id', 'user_id',
  'availability_zone', 'container', 'data_timestamp', 'created_at', 'updated_at', 'description', 'display_description'] as const;

/** Backups of one volume serialise on it: an incremental's parent cannot be deleted while it is being chosen. */
export const lockChain = (trx: Transaction<VolumeTables>, volumeId: string) => serializeOn(trx, `volume-backup-chain:${volumeId}`);

const optional = <T>(v: unknown, parse: (v: unknown) => T): T | null => (v === undefined || v === null ? null : parse(v));

/**
 * The parent of an incremental backup: the available backup of the volume with the latest data
 * (taken before the snapshot, for a backup of a snapshot), or Cinder's 400.
 */
async function parentFor(trx: Transaction<VolumeTables>, volumeId: string, projectId: string, snapshot: SnapshotRow | null): Promise<BackupRow> {
  const candidates = (await trx.selectFrom('volume_backup').selectAll().where('volume_id', '=', volumeId)
    .where('project_id', '=', projectId).where('status', '=', 'available').execute())
    .filter((b) => !snapshot || b.data_timestamp < snapshot.created_at)
    .sort((a, b) => (a.data_timestamp < b.data_timestamp ? 1 : a.data_timestamp > b.data_timestamp ? -1 : 0));
  if (!candidates[0]) throw invalidBackup('No backups available to do an incremental backup.');
  return candidates[0];
}

export class BackupService {
  constructor(private readonly ctx: VolumeContext) {}
  private get deps() { return this.ctx.deps; }

  async create(auth: AuthContext, body: unknown): Promise<BackupRow> {
    const b = unwrap(body, 'backup');
    if (!isUuid(b.volume_id)) throw badRequest(`Invalid input received: volume_id must be a volume's UUID, got '${String(b.volume_id)}'.`);
    if (b.snapshot_id !== undefined && b.snapshot_id !== null && !isUuid(b.snapshot_id)) {
      throw badRequest(`Invalid input received: snapshot_id must be a snapshot's UUID, got '${String(b.snapshot_id)}'.`);
    }
    const { name = null, description = null } = textFields(b);
    const container = optional(b.container, (v) => parseText(v, 'container'));
    if (container !== null && !/^[A-Za-z0-9_.-]+$/.test(container)) {
      throw badRequest(`Invalid input received: container '${container}' may hold only letters, digits, '_', '.' and '-'.`);
    }
    const incremental = optional(b.incremental, (v) => parseBool(v, 'incremental')) ?? false;
    const force = optional(b.force, (v) => parseBool(v, 'force')) ?? false;
    const metadata = optional(b.metadata, (v) => parseMetadata(v)) ?? {};
    const zone = optional(b.availability_zone, (v) => parseText(v, 'availability_zone'));

    const volume = await loadVisibleVolume(this.deps, auth, b.volume_id);
    enforce(this.deps, auth, 'backup:create', target(auth, volume.project_id));
    const snapshot = typeof b.snapshot_id === 'string' ? await loadVisibleSnapshot(this.deps, auth, b.snapshot_id) : null;
    if (snapshot && snapshot.volume_id !== volume.id) {
      throw invalidVolume(`Volume ${volume.id} does not match with snapshot.volume_id ${snapshot.volume_id}.`);
    }
    const ts = now();
    const projectId = auth.projectId ?? volume.project_id;
    let previous: 'available' | 'in-use' = 'available';
    const row = await this.deps.db.transaction().execute(async (trx) => {
      await lockChain(trx, volume.id);
      const current = await loadVisibleVolume(this.deps, auth, volume.id, trx);
      if (snapshot) {
        const snap = await trx.selectFrom('volume_snapshot').select('status').where('id', '=', snapshot.id).executeTakeFirst();
        if (snap?.status !== 'available') {
          throw invalidSnapshot(`Snapshot to be backed up must be available, but the current status is "${snap?.status ?? 'deleted'}".`);
        }
      }
      if (current.status !== 'available' && current.status !== 'in-use') {
        throw invalidVolume(`Volume to be backed up must be available or in-use, but the current status is "${current.status}".`);
      }
      if (current.status === 'in-use' && !force && !snapshot) throw invalidVolume('Backing up an in-use volume must use the force flag.');
      previous = current.status;
      await checkVolumeQuota(trx, this.deps.config.volume, projectId, { backups: 1, backup_gigabytes: current.size });
      const parent = incremental ? await parentFor(trx, volume.id, projectId, snapshot) : null;
      // What is read stays busy until the manager puts it back: the snapshot, or the volume (to `previous`).
      if (snapshot) await moveSnapshot(trx, snapshot.id, ['available'], 'backing-up', {}, 'be backed up');
      else await moveVolume(trx, volume.id, [previous], 'backing-up', {}, 'be backed up');
      const r: BackupRow = {
        id: randomUUID(), volume_id: volume.id, snapshot_id: snapshot?.id ?? null, project_id: projectId, user_id: auth.userId,
        name, description, size: current.size, status: 'creating', fail_reason: null,
        availability_zone: zone ?? current.availability_zone, container, is_incremental: parent ? 1 : 0, parent_id: parent?.id ?? null,
        object_count: 0, host: parent?.host ?? null, metadata: JSON.stringify(metadata),
        data_timestamp: snapshot?.created_at ?? ts, restore_volume_id: null, created_at: ts, updated_at: ts,
      };
      await trx.insertInto('volume_backup').values(r).execute();
      return r;
    });
    handOn(this.deps, `createBackup ${row.id}`, () => this.ctx.manager.createBackup(row.id, previous));
    return row;
  }

  async list(auth: AuthContext, q: Query): Promise<{ page: Page<BackupRow>; paging: Paging }> {
    enforce(this.deps, auth, 'backup:get_all');
    const paging = parsePaging(q, BACKUP_SORT_KEYS);
    const filters = filtersOf(q);
    const admin = isAdmin(this.deps, auth);
    if (filters.all_tenants !== undefined && !/^(1|0|t|f|true|false|y|n|yes|no|on|off)$/i.test(filters.all_tenants)) {
      throw badRequest(`Invalid input received: all_tenants must be a boolean, got '${filters.all_tenants}'.`);
    }
    const allTenants = admin && filters.all_tenants !== undefined && parseBool(filters.all_tenants, 'all_tenants');
    let query = this.deps.db.selectFrom('volume_backup').selectAll();
    if (admin && filters.project_id !== undefined) query = query.where('project_id', '=', filters.project_id);
    else if (!allTenants) query = query.where('project_id', '=', auth.projectId ?? '');
    if (filters.name !== undefined) query = query.where('name', '=', filters.name);
    if (filters.status !== undefined) query = query.where('status', '=', filters.status as BackupStatus);
    if (filters.volume_id !== undefined) query = query.where('volume_id', '=', filters.volume_id);
    const rows = await query.execute();
    const page = pageRows(rows, paging, {
      value: (r, key) => (r as unknown as Record<string, unknown>)[key === 'display_name' ? 'name' : key === 'display_description' ? 'description' : key],
      notFound: notFound.backup,
    });
    return { page, paging };
  }

  async show(auth: AuthContext, id: string): Promise<BackupRow> {
    const row = await loadVisibleBackup(this.deps, auth, id);
    enforce(this.deps, auth, 'backup:get', target(auth, row.project_id));
    return row;
  }

  /** PUT (3.9+): name, description, metadata (3.43+). */
  async update(auth: AuthContext, id: string, body: unknown, withMetadata: boolean): Promise<BackupRow> {
    const b = unwrap(body, 'backup');
    const set: Partial<BackupRow> = textFields(b);
    if (withMetadata && b.metadata !== undefined) set.metadata = JSON.stringify(b.metadata === null ? {} : parseMetadata(b.metadata));
    const unknown = Object.keys(b).filter((k) => !['name', 'description', 'display_name', 'display_description', ...(withMetadata ? ['metadata'] : [])].includes(k));
    if (unknown.length) throw badRequest(`Invalid input received: Additional properties are not allowed ('${unknown.join("', '")}' was unexpected).`);
    const row = await loadVisibleBackup(this.deps, auth, id);
    enforce(this.deps, auth, 'backup:update', target(auth, row.project_id));
    if (Object.keys(set).length === 0) return row;
    set.updated_at = now();
    await this.deps.db.updateTable('volume_backup').set(set).where('id', '=', id).execute();
    return { ...row, ...set };
  }

  async remove(auth: AuthContext, id: string, force = false): Promise<void> {
    const row = await loadVisibleBackup(this.deps, auth, id);
    if (force) enforce(this.deps, auth, 'volume_extension:backup_admin_actions:force_delete', target(auth, row.project_id));
    else enforce(this.deps, auth, 'backup:delete', target(auth, row.project_id));
    await this.deps.db.transaction().execute(async (trx) => {
      await lockChain(trx, row.volume_id);
      const current = await trx.selectFrom('volume_backup').select('status').where('id', '=', id).executeTakeFirst();
      if (!current) throw notFound.backup(id);
      if (!force && current.status !== 'available' && current.status !== 'error') throw invalidBackup('Backup status must be available or error');
      const dependent = await trx.selectFrom('volume_backup').select('id').where('parent_id', '=', id).executeTakeFirst();
      if (dependent) throw invalidBackup('Incremental backups exist for this backup.');
      const from: readonly BackupStatus[] = force ? BACKUP_STATUSES.filter((s) => s !== 'deleting') : ['available', 'error'];
      await moveBackup(trx, id, from, 'deleting', {}, 'be deleted');
    });
    handOn(this.deps, `deleteBackup ${id}`, () => this.ctx.manager.deleteBackup(id));
  }

  /** os-reset_status (admin): `available` or `error`, as Cinder allows. */
  async resetStatus(auth: AuthContext, id: string, args: unknown): Promise<void> {
    const row = await loadVisibleBackup(this.deps, auth, id);
    enforce(this.deps, auth, 'volume_extension:backup_admin_actions:reset_status', target(auth, row.project_id));
    const status = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>).status : undefined;
    if (status !== 'available' && status !== 'error') {
      throw badRequest(`Invalid input received: status must be available or error, got '${String(status)}'.`);
    }
    await this.deps.db.updateTable('volume_backup').set({ status, updated_at: now() }).where('id', '=', id).execute();
  }
}

/** 404 as Cinder answers a method below its microversion. */
export const versionNotFound = (version: string) => new ApiError(404, `API version ${version} is not supported on this method.`);
