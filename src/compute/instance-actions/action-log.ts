// Writes os-instance-actions records: an action per user request (create, stop, resize…) and
// events per step the conductor runs for it (compute__do_build_and_run_instance…), with results.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import type { ComputeDb } from '../compute.tables.js';
import { now } from '../common.js';

export interface ActionRef { id: string; instanceUuid: string }

/** Records the start of a user action; `requestId` is what the API answered in x-openstack-request-id. */
export async function startAction(db: ComputeDb, auth: Pick<AuthContext, 'userId' | 'projectId'>, instanceUuid: string,
  action: string, requestId: string, projectId?: string): Promise<ActionRef> {
  const id = randomUUID();
  const ts = now();
  await db.insertInto('compute_instance_action').values({
    id, instance_uuid: instanceUuid, request_id: requestId, action, project_id: projectId ?? auth.projectId ?? '',
    user_id: auth.userId, start_time: ts, finish_time: null, message: null, updated_at: ts,
  }).execute();
  return { id, instanceUuid };
}

export async function startEvent(db: ComputeDb, action: ActionRef, event: string, host: string | null): Promise<void> {
  await db.insertInto('compute_instance_action_event').values({
    action_id: action.id, event, start_time: now(), finish_time: null, result: null, traceback: null, host,
  }).onConflict((oc) => oc.columns(['action_id', 'event']).doUpdateSet({ start_time: now(), finish_time: null, result: null, host })).execute();
}

export async function finishEvent(db: ComputeDb, action: ActionRef, event: string, error?: string): Promise<void> {
  await db.updateTable('compute_instance_action_event')
    .set({ finish_time: now(), result: error ? 'Error' : 'Success', traceback: error ?? null })
    .where('action_id', '=', action.id).where('event', '=', event).execute();
}

/** Ends an action; a message is kept only on failure (Nova shows "Error" then). */
export async function finishAction(db: ComputeDb, action: ActionRef, error?: string): Promise<void> {
  const ts = now();
  await db.updateTable('compute_instance_action').set({ finish_time: ts, updated_at: ts, message: error ? 'Error' : null })
    .where('id', '=', action.id).execute();
}
