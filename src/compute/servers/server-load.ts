// Loading a server the caller may see, and the checks Nova makes before changing one (lock,
// state). Used by every slice that acts on a server: servers, metadata, tags, actions, consoles.
import type { AuthContext } from '../../platform/auth-context.js';
import { conflict } from '../../platform/errors.js';
import type { ComputeDeps } from '../common.js';
import { isAdmin, isUuid, serverNotFound } from '../common.js';
import type { ComputeDb, InstanceRow } from '../compute.tables.js';
import type { VmState } from '../vm-states.js';

/**
 * The live server if the caller's project owns it or the caller is an admin; else Nova's 404
 * (never a 403, so other projects' server ids cannot be probed). `readDeleted` also finds deleted
 * ones (instance actions from 2.21).
 */
export async function loadServer(deps: ComputeDeps, auth: AuthContext, id: string, readDeleted = false): Promise<InstanceRow> {
  if (!isUuid(id)) throw serverNotFound(id);
  let q = deps.db.selectFrom('compute_instance').selectAll().where('uuid', '=', id.toLowerCase());
  if (!readDeleted) q = q.where('deleted', '=', 0);
  const row = await q.executeTakeFirst();
  if (!row || (row.project_id !== auth.projectId && !isAdmin(deps, auth))) throw serverNotFound(id);
  return row;
}

/** The server as it is now (inside a transaction, after an earlier lookup), or the 404 if it went. */
export async function reloadServer(db: ComputeDb, uuid: string): Promise<InstanceRow> {
  const row = await db.selectFrom('compute_instance').selectAll().where('uuid', '=', uuid).where('deleted', '=', 0).executeTakeFirst();
  if (!row) throw serverNotFound(uuid);
  return row;
}

/** Nova's check_instance_lock: a locked server refuses changes from anyone but an admin. */
export function checkNotLocked(deps: ComputeDeps, auth: AuthContext, row: Pick<InstanceRow, 'uuid' | 'locked'>): void {
  if (row.locked === 1 && !isAdmin(deps, auth)) throw conflict(`Instance ${row.uuid} is locked`);
}

/**
 * Nova's check_instance_state: the change is allowed only from these vm_states (and, when
 * `idle`, with no task in flight); the 409 names the action as Nova's message does.
 */
export function requireState(row: Pick<InstanceRow, 'uuid' | 'vm_state' | 'task_state'>, action: string, states: readonly VmState[], idle: boolean): void {
  if (!states.includes(row.vm_state)) {
    throw conflict(`Cannot '${action}' instance ${row.uuid} while it is in vm_state ${row.vm_state}`);
  }
  if (idle && row.task_state !== null) {
    throw conflict(`Cannot '${action}' instance ${row.uuid} while it is in task_state ${row.task_state}`);
  }
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
