// planReconcile is pure: a table of (what the database says, what the host shows) → the steps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObservedGuest } from '../../agent/compute/driver.js';
import { POWER } from '../vm-states.js';
import { planReconcile, type Known, type Step } from './reconcile-plan.js';

const U = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const known = (vm: Known['vm_state'], task: Known['task_state'], power: Known['power_state']): Known =>
  ({ uuid: U, vm_state: vm, task_state: task, power_state: power });
const seen = (power: ObservedGuest['power'], uuid = U): ObservedGuest => ({ uuid, power, attached: true });
const plan = (k: Known[], o: ObservedGuest[], busy: string[] = []): Step[] => [...planReconcile(k, o, (u) => busy.includes(u))];
const update = (expectTask: Known['task_state'], set: Extract<Step, { kind: 'update' }>['set']): Step => ({ kind: 'update', uuid: U, expectTask, set });

describe('planReconcile', () => {
  const cases: Array<[string, Known[], ObservedGuest[], Step[], string[]?]> = [
    ['running as recorded: nothing', [known('active', null, POWER.RUNNING)], [seen(POWER.RUNNING)], []],
    ['stopped as recorded: nothing', [known('stopped', null, POWER.SHUTDOWN)], [seen(POWER.SHUTDOWN)], []],
    ['stopped and gone: nothing (a stopped guest may have no process)', [known('stopped', null, POWER.SHUTDOWN)], [], []],
    ['paused as recorded: nothing', [known('paused', null, POWER.PAUSED)], [seen(POWER.PAUSED)], []],
    ['suspended with no process is its normal look', [known('suspended', null, POWER.SUSPENDED)], [], []],
    ['active guest shut itself down → stopped', [known('active', null, POWER.RUNNING)], [seen(POWER.SHUTDOWN)],
      [update(null, { vm_state: 'stopped', power_state: POWER.SHUTDOWN })]],
    ['active guest crashed → stopped, power crashed', [known('active', null, POWER.RUNNING)], [seen(POWER.CRASHED)],
      [update(null, { vm_state: 'stopped', power_state: POWER.CRASHED })]],
    ['active guest vanished → stopped, never restarted', [known('active', null, POWER.RUNNING)], [],
      [update(null, { vm_state: 'stopped', power_state: POWER.SHUTDOWN })]],
    ['stopped guest found running → active', [known('stopped', null, POWER.SHUTDOWN)], [seen(POWER.RUNNING)],
      [update(null, { vm_state: 'active', power_state: POWER.RUNNING })]],
    ['active guest found paused → paused', [known('active', null, POWER.RUNNING)], [seen(POWER.PAUSED)],
      [update(null, { vm_state: 'paused', power_state: POWER.PAUSED })]],
    ['rescued guest vanished → stopped', [known('rescued', null, POWER.RUNNING)], [],
      [update(null, { vm_state: 'stopped', power_state: POWER.SHUTDOWN })]],
    ['error stays error; only the power state is copied', [known('error', null, POWER.NOSTATE)], [seen(POWER.RUNNING)],
      [update(null, { vm_state: 'error', power_state: POWER.RUNNING })]],
    ['a live guest whose monitor does not answer is asked again later, not stopped',
      [known('active', null, POWER.RUNNING)], [{ uuid: U, power: POWER.NOSTATE, attached: false }], []],
    ['busy instances are left alone', [known('active', 'powering-off', POWER.RUNNING)], [seen(POWER.SHUTDOWN)], [], [U]],
    ['busy instance: its guest is not treated as unknown', [known('building', 'spawning', POWER.NOSTATE)], [seen(POWER.RUNNING)], [], [U]],
    ['stale delete → finish it', [known('active', 'deleting', POWER.RUNNING)], [seen(POWER.RUNNING)], [{ kind: 'finish-delete', uuid: U }]],
    ['stale spawn, guest running → active and launched', [known('building', 'spawning', POWER.NOSTATE)], [seen(POWER.RUNNING)],
      [update('spawning', { vm_state: 'active', task_state: null, power_state: POWER.RUNNING, launched: true })]],
    ['stale spawn, guest present but off → destroy it, ERROR', [known('building', 'spawning', POWER.NOSTATE)], [seen(POWER.SHUTDOWN)],
      [{ kind: 'destroy', uuid: U }, update('spawning', { vm_state: 'error', task_state: null, power_state: POWER.NOSTATE,
        fault: 'The build was interrupted (the service restarted before the guest was running).' })]],
    ['stale scheduling, no guest → ERROR', [known('building', 'scheduling', POWER.NOSTATE)], [],
      [update('scheduling', { vm_state: 'error', task_state: null, power_state: POWER.NOSTATE,
        fault: 'The build was interrupted (the service restarted before the guest was running).' })]],
    ['stale powering-off, guest off → stopped, task cleared', [known('active', 'powering-off', POWER.RUNNING)], [seen(POWER.SHUTDOWN)],
      [update('powering-off', { vm_state: 'stopped', task_state: null, power_state: POWER.SHUTDOWN })]],
    ['stale powering-off, guest still running → active, task cleared', [known('active', 'powering-off', POWER.RUNNING)], [seen(POWER.RUNNING)],
      [update('powering-off', { vm_state: 'active', task_state: null, power_state: POWER.RUNNING })]],
    ['stale powering-on, guest running → active', [known('stopped', 'powering-on', POWER.SHUTDOWN)], [seen(POWER.RUNNING)],
      [update('powering-on', { vm_state: 'active', task_state: null, power_state: POWER.RUNNING })]],
    ['stale resize_prep keeps the vm_state the host allows', [known('resized', 'resize_confirming', POWER.RUNNING)], [seen(POWER.RUNNING)],
      [update('resize_confirming', { vm_state: 'resized', task_state: null, power_state: POWER.RUNNING })]],
    ['a guest the database does not know → destroy', [], [seen(POWER.RUNNING, OTHER)], [{ kind: 'destroy', uuid: OTHER }]],
  ];
  for (const [what, k, o, want, busy] of cases) {
    it(what, () => { assert.deepEqual(plan(k, o, busy), want); });
  }

  it('plans each instance independently, unknown guests last', () => {
    const a = known('active', null, POWER.RUNNING);
    const b: Known = { ...known('active', null, POWER.RUNNING), uuid: OTHER };
    const stray = '33333333-3333-4333-8333-333333333333';
    const steps = plan([a, b], [seen(POWER.RUNNING), seen(POWER.RUNNING, stray)]);
    assert.deepEqual(steps, [
      { kind: 'update', uuid: OTHER, expectTask: null, set: { vm_state: 'stopped', power_state: POWER.SHUTDOWN } },
      { kind: 'destroy', uuid: stray },
    ]);
  });
});
