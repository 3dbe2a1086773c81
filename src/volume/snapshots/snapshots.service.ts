// Snapshots: the checks and the one transaction behind each route; slow work goes to the manager.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, enforce, handOn, isAdmin, isUuid, notFound, now, parseBool, parseMetadata, parseText, target, unwrap } from '../common.js';
import { filtersOf, parsePaging, pageRows, type Page, type Paging, type Query } from '../collection.js';
import type { VolumeContext } from '../context.js';
import { checkVolumeQuota } from '../quotas/quota-check.js';
import { invalidSnapshot, invalidVolume, moveSnapshot, SNAPSHOT_STATUSES, type SnapshotStatus, type VolumeStatus } from '../volume-states.js';
import type { SnapshotRow, VolumeRow, VolumeTables } from '../volume.tables.js';
import { loadVisibleVolume } from '../volumes/volume-access.js';
import { loadVisibleSnapshot } from './snapshot-access.js';

export const SNAPSHOT_SORT_KEYS = ['id', 'name', 'display_name', 'status', 'size', 'volume_id', 'project_id', 'user_id',
  'created_at', 'updated_at', 'description', 'display_description'] as const;

/** A snapshot's volume must be in one of `allowed`: checked by a conditional touch of the volume row, so a racing delete cannot slip between. */
async function claimVolume(trx: Transaction<VolumeTables>, volume: VolumeRow, allowed: readonly VolumeStatus[]): Promise<void> {
  const res = await trx.updateTable('volume').set({ updated_at: volume.updated_at })
    .where('id', '=', volume.id).where('status', 'in', [...allowed]).executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0) return;
  const row = await trx.selectFrom('volume').select('status').where('id', '=', volume.id).executeTakeFirst();
  throw invalidVolume(`Volume ${volume.id} status must be ${allowed.join(', ')}, but current status is: ${row?.status ?? 'deleted'}.`);
}

/** Name and description from a body (`display_*` legacy names accepted). */
export function textFields(b: Record<string, unknown>): { name?: string | null; description?: string | null } {
  const out: { name?: string | null; description?: string | null } = {};
  const name = 'name' in b ? b.name : b.display_name;
  const description = 'description' in b ? b.description : b.display_description;
  if ('name' in b || 'display_name' in b) out.name = parseText(name, 'name');
  if ('description' in b || 'display_description' in b) out.description = parseText(description, 'description');
  return out;
}

export class SnapshotService {
  constructor(private readonly ctx: VolumeContext) {}
  private get deps() { return this.ctx.deps; }

  async create(auth: AuthContext, body: unknown): Promise<SnapshotRow> {
    const b = unwrap(body, 'snapshot');
    if (!isUuid(b.volume_id)) throw badRequest(`Invalid input received: volume_id must be a volume's UUID, got '${String(b.volume_id)}'.`);
    const { name = null, description = null } = textFields(b);
    const force = b.force === undefined || b.force === null ? false : parseBool(b.force, 'force');
    const metadata = b.metadata === undefined || b.metadata === null ? {} : parseMetadata(b.metadata);
    const volume = await loadVisibleVolume(this.deps, auth, b.volume_id);
    enforce(this.deps, auth, 'volume:create_snapshot', target(auth, volume.project_id));
    const ts = now();
    const row: SnapshotRow = {
      id: randomUUID(), volume_id: volume.id, project_id: auth.projectId ?? volume.project_id, user_id: auth.userId,
      name, description, size: volume.size, status: 'creating', status_reason: null, progress: '0%', provider_location: null,
      created_at: ts, updated_at: ts,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      // The project's quota lock before the volume's row, as every write takes them.
      const type = await trx.selectFrom('volume_type').select('name').where('id', '=', volume.volume_type_id).executeTakeFirst();
      await checkVolumeQuota(trx, this.deps.config.volume, row.project_id, { snapshots: 1, gigabytes: row.size },
        { volumeTypeName: type?.name ?? null });
      await claimVolume(trx, volume, force ? ['available', 'in-use'] : ['available']);
      await trx.insertInto('volume_snapshot').values(row).execute();
      const meta = Object.entries(metadata).map(([key, value]) => ({ snapshot_id: row.id, key, value }));
      if (meta.length) await trx.insertInto('volume_snapshot_metadata').values(meta).execute();
    });
    handOn(this.deps, `createSnapshot ${row.id}`, () => this.ctx.manager.createSnapshot(row.id));
    return row;
  }

  async list(auth: AuthContext, q: Query): Promise<{ page: Page<SnapshotRow>; paging: Paging }> {
    enforce(this.deps, auth, 'volume:get_all_snapshots');
    const paging = parsePaging(q, SNAPSHOT_SORT_KEYS);
    const filters = filtersOf(q);
    const admin = isAdmin(this.deps, auth);
    const allTenants = admin && filters.all_tenants !== undefined && parseBool(filters.all_tenants || 'true', 'all_tenants');
    let query = this.deps.db.selectFrom('volume_snapshot').selectAll();
    if (admin && filters.project_id !== undefined) query = query.where('project_id', '=', filters.project_id);
    else if (!allTenants) query = query.where('project_id', '=', auth.projectId ?? '');
    if (filters.name !== undefined) query = query.where('name', '=', filters.name);
    if (filters.status !== undefined) query = query.where('status', '=', filters.status as SnapshotStatus);
    if (filters.volume_id !== undefined) query = query.where('volume_id', '=', filters.volume_id);
    let rows = await query.execute();
    if (filters.metadata !== undefined) rows = await this.withMetadata(rows, filters.metadata);
    const page = pageRows(rows, paging, {
      value: (r, key) => (r as unknown as Record<string, unknown>)[key === 'display_name' ? 'name' : key === 'display_description' ? 'description' : key],
      notFound: notFound.snapshot,
    });
    return { page, paging };
  }

  /** `metadata={"k": "v"}` (3.22+): snapshots holding every pair. */
  private async withMetadata(rows: SnapshotRow[], raw: string): Promise<SnapshotRow[]> {
    let wanted: Record<string, unknown>;
    try { wanted = JSON.parse(raw.replace(/'/g, '"')) as Record<string, unknown>; } catch { throw badRequest(`Invalid metadata filter '${raw}': expected a JSON object.`); }
    if (!wanted || typeof wanted !== 'object' || Array.isArray(wanted)) throw badRequest(`Invalid metadata filter '${raw}': expected a JSON object.`);
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return rows;
    const meta = await this.deps.db.selectFrom('volume_snapshot_metadata').selectAll().where('snapshot_id', 'in', ids).execute();
    const byId = new Map<string, Record<string, string>>();
    for (const m of meta) byId.set(m.snapshot_id, { ...(byId.get(m.snapshot_id) ?? {}), [m.key]: m.value });
    return rows.filter((r) => Object.entries(wanted).every(([k, v]) => byId.get(r.id)?.[k] === String(v)));
  }

  async show(auth: AuthContext, id: string): Promise<SnapshotRow> {
    const row = await loadVisibleSnapshot(this.deps, auth, id);
    enforce(this.deps, auth, 'volume:get_snapshot', target(auth, row.project_id));
    return row;
  }

  async update(auth: AuthContext, id: string, body: unknown): Promise<SnapshotRow> {
    const b = unwrap(body, 'snapshot');
    const fields = textFields(b);
    if (Object.keys(fields).length === 0) throw badRequest('Invalid input received: the snapshot update needs a name or a description.');
    const row = await loadVisibleSnapshot(this.deps, auth, id);
    enforce(this.deps, auth, 'volume:update_snapshot', target(auth, row.project_id));
    const updated_at = now();
    await this.deps.db.updateTable('volume_snapshot').set({ ...fields, updated_at }).where('id', '=', id).execute();
    return { ...row, ...fields, updated_at };
  }

  async remove(auth: AuthContext, id: string, force = false): Promise<void> {
    const row = await loadVisibleSnapshot(this.deps, auth, id);
    if (force) enforce(this.deps, auth, 'volume_extension:snapshot_admin_actions:force_delete', target(auth, row.project_id));
    else enforce(this.deps, auth, 'volume:delete_snapshot', target(auth, row.project_id));
    await this.deps.db.transaction().execute(async (trx) => {
      // A volume being made from the snapshot still reads it.
      const reader = await trx.selectFrom('volume').select('id').where('snapshot_id', '=', id).where('status', '=', 'creating').executeTakeFirst();
      if (reader) throw invalidSnapshot(`Snapshot ${id} is in use: volume ${reader.id} is being created from it.`);
      const from: readonly SnapshotStatus[] = force ? SNAPSHOT_STATUSES.filter((s) => s !== 'deleting') : ['available', 'error'];
      try {
        await moveSnapshot(trx, id, from, 'deleting', {}, 'be deleted');
      } catch (err) {
        if (force) throw err;
        throw invalidSnapshot(`Snapshot status must be available or error and must not be part of a group.`);
      }
    });
    handOn(this.deps, `deleteSnapshot ${id}`, () => this.ctx.manager.deleteSnapshot(id));
  }

  /** os-reset_status (admin): any snapshot status, no work on the backend. */
  async resetStatus(auth: AuthContext, id: string, args: unknown): Promise<void> {
    const row = await loadVisibleSnapshot(this.deps, auth, id);
    enforce(this.deps, auth, 'volume_extension:snapshot_admin_actions:reset_status', target(auth, row.project_id));
    const a = args && typeof args === 'object' && !Array.isArray(args) ? args as Record<string, unknown> : {};
    const status = a.status;
    if (typeof status !== 'string' || !(SNAPSHOT_STATUSES as readonly string[]).includes(status)) {
      throw badRequest(`Invalid input received: status must be one of ${SNAPSHOT_STATUSES.join(', ')}, got '${String(status)}'.`);
    }
    const set: Partial<SnapshotRow> = { status: status as SnapshotStatus, updated_at: now() };
    if (typeof a.progress === 'string') set.progress = a.progress;
    await this.deps.db.updateTable('volume_snapshot').set(set).where('id', '=', id).execute();
  }
}
