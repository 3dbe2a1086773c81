// Cinder's backup views: the summary (id, name, links), the detail per microversion, and the
// restore answer.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { isAdmin, isoMicro, json, links, type VolumeDeps } from '../common.js';
import { has } from '../microversions.js';
import type { BackupRow } from '../volume.tables.js';

export function backupSummary(deps: VolumeDeps, row: BackupRow): Record<string, unknown> {
  return { id: row.id, name: row.name, links: links(deps.config.publicUrl, row.project_id, 'backups', row.id) };
}

/** Cinder shows the owner (3.18+) and user (3.56+) to callers its backup_project_attribute rule allows: admins. */
const showsOwner = (deps: VolumeDeps, auth: AuthContext): boolean =>
  deps.policy.allows(auth, 'backup:backup_project_attribute') || isAdmin(deps, auth);

/** Detail views of `rows` in order; `has_dependent_backups` from one query. */
export async function backupViews(deps: VolumeDeps, req: FastifyRequest, auth: AuthContext, rows: readonly BackupRow[]): Promise<Array<Record<string, unknown>>> {
  const ids = rows.map((r) => r.id);
  const parents = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const children = await deps.db.selectFrom('volume_backup').select('parent_id').where('parent_id', 'in', ids.slice(i, i + 500)).execute();
    for (const c of children) if (c.parent_id) parents.add(c.parent_id);
  }
  const owner = showsOwner(deps, auth);
  return rows.map((row) => {
    const view: Record<string, unknown> = {
      id: row.id, status: row.status, size: row.size, object_count: row.object_count, availability_zone: row.availability_zone,
      container: row.container, created_at: isoMicro(row.created_at), updated_at: isoMicro(row.updated_at), name: row.name,
      description: row.description, fail_reason: row.fail_reason, volume_id: row.volume_id,
      links: links(deps.config.publicUrl, row.project_id, 'backups', row.id),
      is_incremental: row.is_incremental === 1, has_dependent_backups: parents.has(row.id), snapshot_id: row.snapshot_id,
      data_timestamp: isoMicro(row.data_timestamp),
    };
    if (has(req, 'backupMetadata')) view.metadata = json<Record<string, string>>(row.metadata, {});
    if (owner && has(req, 'backupProjectId')) view['os-backup-project-attr:project_id'] = row.project_id;
    if (owner && has(req, 'backupUserId')) view.user_id = row.user_id;
    return view;
  });
}

export async function backupView(deps: VolumeDeps, req: FastifyRequest, auth: AuthContext, row: BackupRow): Promise<Record<string, unknown>> {
  return (await backupViews(deps, req, auth, [row]))[0]!;
}
