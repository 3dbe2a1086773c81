// Loading a backup as a caller may see it: their project's, or any for admins; others are a 404.
import type { Kysely, Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { isAdmin, notFound, type VolumeDeps } from '../common.js';
import type { BackupRow, VolumeTables } from '../volume.tables.js';

export async function loadVisibleBackup(deps: VolumeDeps, auth: AuthContext, id: string,
  db: Kysely<VolumeTables> | Transaction<VolumeTables> = deps.db): Promise<BackupRow> {
  const row = await db.selectFrom('volume_backup').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.project_id !== auth.projectId && !isAdmin(deps, auth))) throw notFound.backup(id);
  return row;
}
