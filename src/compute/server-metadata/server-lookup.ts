// Finding the server a sub-resource route (metadata, tags, actions) names, and the checks Nova
// runs before changing one: the project may see it, it is not locked, it rests in a state that
// allows the change. Shared by server-metadata, server-tags and instance-actions.
import type { AuthContext } from '../../platform/auth-context.js';
import { conflict } from '../../platform/errors.js';
import { isAdmin, isUuid, serverNotFound, type ComputeDeps } from '../common.js';
import type { InstanceRow } from '../compute.tables.js';
import type { VmState } from '../vm-states.js';

export type ServerRef = Pick<InstanceRow, 'uuid' | 'project_id' | 'user_id' | 'vm_state' | 'task_state' | 'locked' | 'deleted'>;

/**
 * The server as the caller may see it: its project's, or any for admins; else Nova's 404 (never
 * a 403, so other projects' server ids cannot be probed). `readDeleted` also finds deleted ones
 * (instance actions from 2.21).
 */
export async function visibleServer(deps: ComputeDeps, auth: AuthContext, id: string, readDeleted = false): Promise<ServerRef> {
  if (!isUuid(id)) throw serverNotFound(id);
  let q = deps.db.selectFrom('compute_instance')
    .select(['uuid', 'project_id', 'user_id', 'vm_state', 'task_state', 'locked', 'deleted'])
    .where('uuid', '=', id.toLowerCase());
  if (!readDeleted) q = q.where('deleted', '=', 0);
  const row = await q.executeTakeFirst();
  if (!row || (row.project_id !== auth.projectId && !isAdmin(deps, auth))) throw serverNotFound(id);
  return row;
}

/** Nova's check_instance_lock: a locked server refuses changes from anyone but an admin. */
export function refuseIfLocked(deps: ComputeDeps, auth: AuthContext, server: ServerRef): void {
  if (server.locked === 1 && !isAdmin(deps, auth)) throw conflict(`Instance ${server.uuid} is locked`);
}

/**
 * Nova's check_instance_state: the change is allowed only from these vm_states (and, when
 * `idle`, with no task in flight); the 409 names the action as Nova's message does.
 */
export function requireState(server: ServerRef, action: string, states: readonly VmState[], idle: boolean): void {
  if (!states.includes(server.vm_state)) {
    throw conflict(`Cannot '${action}' instance ${server.uuid} while it is in vm_state ${server.vm_state}`);
  }
  if (idle && server.task_state !== null) {
    throw conflict(`Cannot '${action}' instance ${server.uuid} while it is in task_state ${server.task_state}`);
  }
}
