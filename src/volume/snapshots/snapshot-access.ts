// Loading a snapshot as a caller may see it: their project's, or any for admins; others are a 404.
import type { Kysely, Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { isAdmin, notFound, type VolumeDeps } from '../common.js';
import type { SnapshotRow, VolumeTables } from '../volume.tables.js';

export async function loadVisibleSnapshot(deps: VolumeDeps, auth: AuthContext, id: string,
  db: Kysely<VolumeTables> | Transaction<VolumeTables> = deps.db): Promise<SnapshotRow> {
  const row = await db.selectFrom('volume_snapshot').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.project_id !== auth.projectId && !isAdmin(deps, auth))) throw notFound.snapshot(id);
  return row;
}
