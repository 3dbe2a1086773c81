// Loading a server the caller may see, and the lock check every changing action makes.
import type { AuthContext } from '../../platform/auth-context.js';
import { conflict } from '../../platform/errors.js';
import type { ComputeDeps } from '../common.js';
import { isAdmin, isUuid, serverNotFound } from '../common.js';
import type { InstanceRow } from '../compute.tables.js';

/** The live (not deleted) server if the caller's project owns it or the caller is an admin; else 404. */
export async function loadServer(deps: ComputeDeps, auth: AuthContext, id: string): Promise<InstanceRow> {
  const row = isUuid(id)
    ? await deps.db.selectFrom('compute_instance').selectAll().where('uuid', '=', id.toLowerCase()).where('deleted', '=', 0).executeTakeFirst()
    : undefined;
  if (!row || (row.project_id !== auth.projectId && !isAdmin(deps, auth))) throw serverNotFound(id);
  return row;
}

/** Nova's 409 for a locked server; admins pass (they may act on any locked server). */
export function checkNotLocked(deps: ComputeDeps, auth: AuthContext, row: InstanceRow): void {
  if (row.locked === 1 && !isAdmin(deps, auth)) throw conflict(`Instance ${row.uuid} is locked`);
}

export async function serverExtras(deps: ComputeDeps, uuids: string[]): Promise<Map<string, { metadata: Record<string, string>; tags: string[] }>> {
  const out = new Map<string, { metadata: Record<string, string>; tags: string[] }>();
  for (const u of uuids) out.set(u, { metadata: {}, tags: [] });
  if (uuids.length === 0) return out;
  // Chunked: SQLite allows at most 32766 bound parameters per statement.
  for (let i = 0; i < uuids.length; i += 5000) {
    const chunk = uuids.slice(i, i + 5000);
    const meta = await deps.db.selectFrom('compute_instance_metadata').selectAll().where('instance_uuid', 'in', chunk).execute();
    for (const m of meta) out.get(m.instance_uuid)!.metadata[m.key] = m.value;
    const tags = await deps.db.selectFrom('compute_instance_tag').selectAll().where('instance_uuid', 'in', chunk).orderBy('tag').execute();
    for (const t of tags) out.get(t.instance_uuid)!.tags.push(t.tag);
  }
  return out;
}
