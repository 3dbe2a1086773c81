// Loading a volume as a caller may see it: their project's, or any for admins; others are a 404.
import type { Kysely, Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { isAdmin, notFound, type VolumeDeps } from '../common.js';
import type { VolumeRow, VolumeTables } from '../volume.tables.js';

/** The volume if the caller may see it, else Cinder's 404 "Volume <id> could not be found.". */
export async function loadVisibleVolume(deps: VolumeDeps, auth: AuthContext, id: string,
  db: Kysely<VolumeTables> | Transaction<VolumeTables> = deps.db): Promise<VolumeRow> {
  const row = await db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.project_id !== auth.projectId && !isAdmin(deps, auth))) throw notFound.volume(id);
  return row;
}
