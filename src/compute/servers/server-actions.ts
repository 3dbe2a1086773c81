// POST /servers/{id}/action: each action is claimed on the instance by one conditional UPDATE
// (from the allowed vm_states, no task in flight) so racing requests cannot both win, answered
// 202, and carried out by the conductor in the instance's queue. The state rules live in
// vm-states.ts; here is what each action asks of the host.
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError, badRequest, conflict } from '../../platform/errors.js';
import type { ComputeDeps } from '../common.js';
import { enforce, isAdmin, json, now, target } from '../common.js';
import type { ComputeContext } from '../context.js';
import type { InstanceFlavor, InstanceRow } from '../compute.tables.js';
import type { Conductor } from '../conductor/conductor.js';
import { faultJson } from '../conductor/conductor.js';
import { guestNetworkOf, guestSpec, metadataOf } from '../conductor/guest-spec.js';
import { guestVolumesOf } from '../block-devices/guest-volumes.js';
import { finishAction, finishEvent, startEvent } from '../instance-actions/action-log.js';
import { POWER, serverActions, type PowerState, type ServerAction, type VmState } from '../vm-states.js';
import { checkNotLocked, loadServer } from './server-load.js';

export interface ActionRequest {
  ctx: ComputeContext;
  conductor: Conductor;
  auth: AuthContext;
  token: string;
  requestId: string;
}

/** What a finished action leaves: vm_state (default: the rule's), power state, other columns. */
export interface Outcome { vm?: VmState; power?: PowerState; set?: Partial<InstanceRow> }

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Claims `action` on the instance (409 if its state does not allow it), records it, and queues
 * `work`. On success the instance settles per the rule; on failure the task is cleared, the
 * vm_state kept (or ERROR if `failToError`) and a fault recorded.
 */
export async function claimAndRun(r: ActionRequest, row: InstanceRow, action: ServerAction,
  work: (row: InstanceRow) => Promise<Outcome>,
  opts: { failToError?: boolean; extraSet?: Partial<InstanceRow>; afterClaim?: () => Promise<void> } = {}): Promise<void> {
  const rule = serverActions[action];
  const db = r.ctx.deps.db;
  const res = await db.updateTable('compute_instance').set({ task_state: rule.task, updated_at: now(), ...(opts.extraSet ?? {}) })
    .where('uuid', '=', row.uuid).where('deleted', '=', 0).where('task_state', 'is', null)
    .where('vm_state', 'in', [...rule.from]).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) {
    const cur = await db.selectFrom('compute_instance').select(['vm_state', 'task_state']).where('uuid', '=', row.uuid).executeTakeFirst();
    throw stateConflict(rule.record, row.uuid, cur ?? row);
  }
  // Work that must happen only for the request that won the claim (a resize's hold on the node);
  // if it refuses, the claim is given back.
  if (opts.afterClaim) {
    try {
      await opts.afterClaim();
    } catch (err) {
      await db.updateTable('compute_instance').set({ task_state: null, updated_at: now() })
        .where('uuid', '=', row.uuid).where('task_state', '=', rule.task).execute();
      throw err;
    }
  }
  const act = await r.conductor.record(row.uuid, r.auth, rule.record, r.requestId, row.project_id);
  const event = `compute_${rule.record.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_instance`;
  r.conductor.run(row.uuid, async () => {
    const fresh = await db.selectFrom('compute_instance').selectAll().where('uuid', '=', row.uuid).executeTakeFirst();
    if (!fresh || fresh.task_state !== rule.task) return; // a delete took over
    await startEvent(db, act, event, fresh.host);
    try {
      const out = await work(fresh);
      const vm = out.vm ?? (rule.settles === 'same' ? fresh.vm_state : rule.settles);
      await db.updateTable('compute_instance').set({
        vm_state: vm, task_state: null, ...(out.power !== undefined ? { power_state: out.power } : {}), ...(out.set ?? {}), updated_at: now(),
      }).where('uuid', '=', row.uuid).where('task_state', '=', rule.task).execute();
      await finishEvent(db, act, event);
      await finishAction(db, act);
    } catch (err) {
      r.ctx.deps.log.warn({ uuid: row.uuid, action, err: errText(err) }, 'server action failed');
      await db.updateTable('compute_instance').set({
        task_state: null, fault: faultJson(`${rule.record} failed: ${errText(err)}`), updated_at: now(),
        ...(opts.failToError ? { vm_state: 'error' as const } : {}),
      }).where('uuid', '=', row.uuid).where('task_state', '=', rule.task).execute();
      await finishEvent(db, act, event, errText(err));
      await finishAction(db, act, errText(err));
    }
  });
}

/** Nova's 409 for an action the instance's state does not allow. */
export const stateConflict = (name: string, uuid: string, cur: Pick<InstanceRow, 'vm_state' | 'task_state'>) =>
  conflict(`Cannot '${name}' instance ${uuid} while it is in ${cur.task_state ? `task_state ${cur.task_state}` : `vm_state ${cur.vm_state}`}`);

/**
 * The same check ahead of the claim, for actions that look things up or write before claiming:
 * Nova checks the state first, so a wrong state is a 409 whatever else is wrong.
 */
export function checkState(row: InstanceRow, action: ServerAction): void {
  const rule = serverActions[action];
  if (row.task_state !== null || !(rule.from as readonly VmState[]).includes(row.vm_state)) throw stateConflict(rule.record, row.uuid, row);
}

const flavorOf = (row: InstanceRow): InstanceFlavor => json<InstanceFlavor>(row.flavor, {} as InstanceFlavor);

export async function specFor(r: ActionRequest, row: InstanceRow, flavor?: InstanceFlavor) {
  return guestSpec(row, await metadataOf(r.ctx.deps.db, row.uuid), r.token, flavor, await guestNetworkOf(r.ctx.deps.network, row),
    await guestVolumesOf(r.ctx.deps.db, row.uuid));
}

function agentOf(r: ActionRequest, row: InstanceRow) {
  if (!row.host) throw new Error(`instance ${row.uuid} is on no host`);
  return r.ctx.agent(row.host);
}

// ---- the simple power actions ----

export const powerActions: Partial<Record<ServerAction, (r: ActionRequest, row: InstanceRow) => Promise<Outcome>>> = {
  start: async (r, row) => { await agentOf(r, row).powerOn(await specFor(r, row)); return { power: POWER.RUNNING }; },
  stop: async (r, row) => { await agentOf(r, row).powerOff(row.uuid, r.ctx.deps.config.compute.shutdownTimeoutSeconds); return { power: POWER.SHUTDOWN }; },
  rebootSoft: async (r, row) => { await agentOf(r, row).reboot(await specFor(r, row), false); return { power: POWER.RUNNING }; },
  rebootHard: async (r, row) => { await agentOf(r, row).reboot(await specFor(r, row), true); return { power: POWER.RUNNING }; },
  pause: async (r, row) => { await agentOf(r, row).pause(row.uuid); return { power: POWER.PAUSED }; },
  unpause: async (r, row) => { await agentOf(r, row).unpause(row.uuid); return { power: POWER.RUNNING }; },
  suspend: async (r, row) => { await agentOf(r, row).suspend(row.uuid); return { power: POWER.SUSPENDED }; },
  resume: async (r, row) => { await agentOf(r, row).resume(await specFor(r, row)); return { power: POWER.RUNNING }; },
};

/** Loads the server, checks policy and lock, for an action named by its policy rule. */
export async function loadForAction(deps: ComputeDeps, auth: AuthContext, id: string, rule: string, lockExempt = false): Promise<InstanceRow> {
  const row = await loadServer(deps, auth, id);
  enforce(deps, auth, rule, target(auth, row.project_id, row.user_id));
  if (!lockExempt) checkNotLocked(deps, auth, row);
  return row;
}

// ---- lock, reset state ----

export async function lock(r: ActionRequest, row: InstanceRow): Promise<void> {
  const by = row.project_id === r.auth.projectId ? 'owner' : 'admin';
  // As Nova: an owner locking again must not turn an admin's lock into one the owner may lift.
  if (row.locked === 1 && by === 'owner') return;
  await r.ctx.deps.db.updateTable('compute_instance').set({ locked: 1, locked_by: by, updated_at: now() }).where('uuid', '=', row.uuid).execute();
  const act = await r.conductor.record(row.uuid, r.auth, 'lock', r.requestId, row.project_id);
  await finishAction(r.ctx.deps.db, act);
}

export async function unlock(r: ActionRequest, row: InstanceRow): Promise<void> {
  const deps = r.ctx.deps;
  if (row.locked && row.locked_by === 'admin' && row.project_id === r.auth.projectId && !isAdmin(deps, r.auth)) {
    enforce(deps, r.auth, 'os-lock-server:unlock:unlock_override', target(r.auth, row.project_id));
  }
  await deps.db.updateTable('compute_instance').set({ locked: 0, locked_by: null, updated_at: now() }).where('uuid', '=', row.uuid).execute();
  const act = await r.conductor.record(row.uuid, r.auth, 'unlock', r.requestId, row.project_id);
  await finishAction(deps.db, act);
}

export async function resetState(r: ActionRequest, row: InstanceRow, body: unknown): Promise<void> {
  const state = (body as { state?: unknown } | null)?.state;
  if (state !== 'active' && state !== 'error') throw badRequest("Invalid input for field/attribute state. Value: must be one of 'active', 'error'");
  await r.ctx.deps.db.updateTable('compute_instance').set({ vm_state: state, task_state: null, updated_at: now() }).where('uuid', '=', row.uuid).execute();
  const act = await r.conductor.record(row.uuid, r.auth, 'resetState', r.requestId, row.project_id);
  await finishAction(r.ctx.deps.db, act);
}

/** Nova's message when an action body names an action this API does not know. */
export const unknownAction = (name: string) => new ApiError(400, `There is no such action: ${name}`);

export { flavorOf, agentOf };
