// Reconciliation as a pure plan: given what the database says about a host's instances and what
// the host reports (its running guests), decide the steps that converge them. Rules after Nova's
// _sync_power_states and _init_instance: a task in flight owns its instance; the hypervisor's power
// state is copied to the database; a guest that went away is SHUTOFF, never restarted; a task left
// behind by a crash is settled by what the host shows; guests the database does not know go.
import type { ObservedGuest } from '../../agent/compute/driver.js';
import type { InstanceRow } from '../compute.tables.js';
import { POWER, type PowerState, type TaskState, type VmState } from '../vm-states.js';

export type Known = Pick<InstanceRow, 'uuid' | 'vm_state' | 'task_state' | 'power_state'>;

export type Step =
  | { kind: 'update'; uuid: string; expectTask: TaskState | null; set: { vm_state?: VmState; task_state?: null; power_state: PowerState; launched?: boolean; fault?: string } }
  | { kind: 'destroy'; uuid: string }
  | { kind: 'finish-delete'; uuid: string };

const BUILD_TASKS: ReadonlySet<string> = new Set(['scheduling', 'block_device_mapping', 'networking', 'spawning']);
const OFF: ReadonlySet<number> = new Set([POWER.SHUTDOWN, POWER.CRASHED, POWER.NOSTATE]);

/** The vm_state an instance at rest should have, given its power state. */
function settledState(vm: VmState, power: PowerState): VmState {
  if (OFF.has(power)) return vm === 'active' || vm === 'paused' || vm === 'rescued' || vm === 'building' ? 'stopped' : vm;
  if (power === POWER.PAUSED) return vm === 'active' ? 'paused' : vm;
  if (power === POWER.RUNNING) return vm === 'stopped' || vm === 'building' || vm === 'paused' ? 'active' : vm;
  return vm;
}

/**
 * @param busy instances with work in flight in this conductor (left alone)
 */
export function* planReconcile(known: Known[], observed: ObservedGuest[], busy: (uuid: string) => boolean): Generator<Step> {
  const seen = new Map(observed.map((o) => [o.uuid, o]));
  const live = new Set(known.map((k) => k.uuid));
  for (const k of known) {
    if (busy(k.uuid)) continue;
    const o = seen.get(k.uuid);
    // A live process whose monitor does not answer has an unknown power state: ask again later.
    if (o && !o.attached) continue;
    // A suspended guest has no process: its state is in a file. That is its normal look.
    let power: PowerState = o?.power ?? POWER.SHUTDOWN;
    if (k.vm_state === 'suspended' && !o) power = POWER.SUSPENDED;
    if (k.task_state !== null) {
      if (k.task_state === 'deleting') { yield { kind: 'finish-delete', uuid: k.uuid }; continue; }
      if (BUILD_TASKS.has(k.task_state) || k.vm_state === 'building') {
        if (power === POWER.RUNNING) {
          yield { kind: 'update', uuid: k.uuid, expectTask: k.task_state, set: { vm_state: 'active', task_state: null, power_state: power, launched: true } };
        } else {
          if (o) yield { kind: 'destroy', uuid: k.uuid };
          yield { kind: 'update', uuid: k.uuid, expectTask: k.task_state, set: { vm_state: 'error', task_state: null, power_state: POWER.NOSTATE, fault: 'The build was interrupted (the service restarted before the guest was running).' } };
        }
        continue;
      }
      yield { kind: 'update', uuid: k.uuid, expectTask: k.task_state, set: { vm_state: settledState(k.vm_state, power), task_state: null, power_state: power } };
      continue;
    }
    const vm = settledState(k.vm_state, power);
    if (power !== k.power_state || vm !== k.vm_state) {
      yield { kind: 'update', uuid: k.uuid, expectTask: null, set: { vm_state: vm, power_state: power } };
    }
  }
  for (const o of observed) if (!live.has(o.uuid)) yield { kind: 'destroy', uuid: o.uuid };
}
