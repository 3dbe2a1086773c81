// Instance state as Nova has it: vm_state (where it rests), task_state (what is in flight),
// power_state (what the hypervisor last said), and the API `status` derived from the first two.
// One table of actions feeds the 409 check, the workflows and docs/COMPUTE-STATES.md.

export const VM_STATES = ['building', 'active', 'stopped', 'paused', 'suspended', 'resized', 'rescued',
  'shelved', 'shelved_offloaded', 'error', 'deleted', 'soft-delete'] as const;
export type VmState = typeof VM_STATES[number];

export const TASK_STATES = ['scheduling', 'block_device_mapping', 'networking', 'spawning',
  'powering-off', 'powering-on', 'rebooting', 'reboot_started', 'rebooting_hard', 'reboot_started_hard',
  'pausing', 'unpausing', 'suspending', 'resuming', 'rebuilding', 'rebuild_spawning',
  'resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish', 'resize_reverting', 'resize_confirming',
  'image_snapshot', 'image_snapshot_pending', 'image_pending_upload', 'image_uploading',
  'shelving', 'shelving_image_pending_upload', 'shelving_image_uploading', 'shelving_offloading', 'spawning_unshelve', 'unshelving',
  'rescuing', 'unrescuing', 'deleting', 'migrating'] as const;
export type TaskState = typeof TASK_STATES[number];

/** Nova's power_state integers. */
export const POWER = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;
export type PowerState = typeof POWER[keyof typeof POWER];

/** The API `status`, as nova.api.openstack.common derives it. */
export function serverStatus(vm: VmState, task: TaskState | null): string {
  switch (vm) {
    case 'active':
      if (task === 'rebooting' || task === 'reboot_started') return 'REBOOT';
      if (task === 'rebooting_hard' || task === 'reboot_started_hard') return 'HARD_REBOOT';
      if (task === 'rebuilding' || task === 'rebuild_spawning') return 'REBUILD';
      if (task === 'migrating') return 'MIGRATING';
      if (task?.startsWith('resize_') && task !== 'resize_reverting' && task !== 'resize_confirming') return 'RESIZE';
      return 'ACTIVE';
    case 'building': return 'BUILD';
    case 'stopped':
      if (task === 'rebuilding' || task === 'rebuild_spawning') return 'REBUILD';
      if (task?.startsWith('resize_') && task !== 'resize_reverting' && task !== 'resize_confirming') return 'RESIZE';
      return 'SHUTOFF';
    case 'resized': return task === 'resize_reverting' ? 'REVERT_RESIZE' : 'VERIFY_RESIZE';
    case 'paused': return task === 'migrating' ? 'MIGRATING' : 'PAUSED';
    case 'suspended': return 'SUSPENDED';
    case 'rescued': return 'RESCUE';
    case 'error': return task === 'rebuilding' ? 'REBUILD' : 'ERROR';
    case 'deleted': return 'DELETED';
    case 'soft-delete': return 'SOFT_DELETED';
    case 'shelved': return 'SHELVED';
    case 'shelved_offloaded': return 'SHELVED_OFFLOADED';
  }
}

/** Status names a `?status=` filter may use, mapped back to vm_states (Nova's reverse map, simplified). */
export const STATUS_TO_VM_STATES: Record<string, VmState[]> = {
  ACTIVE: ['active'], BUILD: ['building'], SHUTOFF: ['stopped'], PAUSED: ['paused'], SUSPENDED: ['suspended'],
  VERIFY_RESIZE: ['resized'], RESCUE: ['rescued'], ERROR: ['error'], DELETED: ['deleted'],
  SOFT_DELETED: ['soft-delete'], SHELVED: ['shelved'], SHELVED_OFFLOADED: ['shelved_offloaded'],
  REBOOT: ['active'], HARD_REBOOT: ['active'], REBUILD: ['active', 'stopped', 'error'], RESIZE: ['active', 'stopped'],
  REVERT_RESIZE: ['resized'], MIGRATING: ['active', 'paused'],
};

export interface ActionRule {
  /** vm_states the action may start from (with task_state NULL). */
  readonly from: readonly VmState[];
  /** task_state set while it runs (claimed by one conditional UPDATE). */
  readonly task: TaskState | null;
  /** vm_state once it succeeds; `same` keeps the one it started from. */
  readonly settles: VmState | 'same';
  /** instance-action name recorded in os-instance-actions. */
  readonly record: string;
}

export const serverActions = {
  start: { from: ['stopped'], task: 'powering-on', settles: 'active', record: 'start' },
  stop: { from: ['active', 'error', 'rescued'], task: 'powering-off', settles: 'stopped', record: 'stop' },
  rebootSoft: { from: ['active'], task: 'rebooting', settles: 'active', record: 'reboot' },
  rebootHard: { from: ['active', 'stopped', 'paused', 'suspended', 'error'], task: 'rebooting_hard', settles: 'active', record: 'reboot' },
  pause: { from: ['active'], task: 'pausing', settles: 'paused', record: 'pause' },
  unpause: { from: ['paused'], task: 'unpausing', settles: 'active', record: 'unpause' },
  suspend: { from: ['active'], task: 'suspending', settles: 'suspended', record: 'suspend' },
  resume: { from: ['suspended'], task: 'resuming', settles: 'active', record: 'resume' },
  rebuild: { from: ['active', 'stopped', 'error'], task: 'rebuilding', settles: 'same', record: 'rebuild' },
  resize: { from: ['active', 'stopped'], task: 'resize_prep', settles: 'resized', record: 'resize' },
  confirmResize: { from: ['resized'], task: 'resize_confirming', settles: 'same', record: 'confirmResize' },
  revertResize: { from: ['resized'], task: 'resize_reverting', settles: 'same', record: 'revertResize' },
  createImage: { from: ['active', 'stopped', 'paused', 'suspended'], task: 'image_snapshot', settles: 'same', record: 'createImage' },
  shelve: { from: ['active', 'stopped', 'paused', 'suspended'], task: 'shelving', settles: 'shelved_offloaded', record: 'shelve' },
  unshelve: { from: ['shelved', 'shelved_offloaded'], task: 'unshelving', settles: 'active', record: 'unshelve' },
  rescue: { from: ['active', 'stopped', 'error'], task: 'rescuing', settles: 'rescued', record: 'rescue' },
  unrescue: { from: ['rescued'], task: 'unrescuing', settles: 'active', record: 'unrescue' },
} as const satisfies Record<string, ActionRule>;

export type ServerAction = keyof typeof serverActions;
