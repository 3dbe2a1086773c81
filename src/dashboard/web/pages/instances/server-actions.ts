// The instance actions (one list for the table's row menu, its bulk bar and the detail page header):
// which are valid in which state, and the request each one sends.
import type { ServiceClient } from '../../api/clients';
import type { Server } from './server-model';

export type ActionId = 'start' | 'stop' | 'reboot' | 'hardReboot' | 'pause' | 'unpause' | 'suspend' | 'resume'
  | 'confirmResize' | 'revertResize' | 'lock' | 'unlock';

export interface SimpleAction {
  id: ActionId;
  label: string;
  /** The toast after success; {name} is the instance name. */
  done: string;
  body: unknown;
  allowed(s: Server): boolean;
}

const status = (s: Server) => s.status;
const idle = (s: Server) => !s['OS-EXT-STS:task_state'];

// Mirrors Nova's vm_state checks so the menu only offers what the API accepts.
export const SIMPLE_ACTIONS: readonly SimpleAction[] = [
  { id: 'start', label: 'Start', done: 'Starting {name}', body: { 'os-start': null }, allowed: (s) => idle(s) && status(s) === 'SHUTOFF' },
  { id: 'stop', label: 'Stop', done: 'Stopping {name}', body: { 'os-stop': null }, allowed: (s) => idle(s) && ['ACTIVE', 'ERROR', 'PAUSED', 'SUSPENDED', 'RESCUE'].includes(status(s)) },
  { id: 'reboot', label: 'Reboot', done: 'Rebooting {name}', body: { reboot: { type: 'SOFT' } }, allowed: (s) => idle(s) && status(s) === 'ACTIVE' },
  { id: 'hardReboot', label: 'Hard reboot', done: 'Hard rebooting {name}', body: { reboot: { type: 'HARD' } }, allowed: (s) => ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'ERROR', 'REBOOT'].includes(status(s)) },
  { id: 'pause', label: 'Pause', done: 'Pausing {name}', body: { pause: null }, allowed: (s) => idle(s) && status(s) === 'ACTIVE' },
  { id: 'unpause', label: 'Unpause', done: 'Unpausing {name}', body: { unpause: null }, allowed: (s) => idle(s) && status(s) === 'PAUSED' },
  { id: 'suspend', label: 'Suspend', done: 'Suspending {name}', body: { suspend: null }, allowed: (s) => idle(s) && status(s) === 'ACTIVE' },
  { id: 'resume', label: 'Resume', done: 'Resuming {name}', body: { resume: null }, allowed: (s) => idle(s) && status(s) === 'SUSPENDED' },
  { id: 'confirmResize', label: 'Confirm resize', done: 'Resize of {name} confirmed', body: { confirmResize: null }, allowed: (s) => status(s) === 'VERIFY_RESIZE' },
  { id: 'revertResize', label: 'Revert resize', done: 'Reverting the resize of {name}', body: { revertResize: null }, allowed: (s) => status(s) === 'VERIFY_RESIZE' },
  { id: 'lock', label: 'Lock', done: '{name} locked', body: { lock: null }, allowed: (s) => !s.locked },
  { id: 'unlock', label: 'Unlock', done: '{name} unlocked', body: { unlock: null }, allowed: (s) => Boolean(s.locked) },
];

/** Actions offered for many selected instances at once. */
export const BULK_ACTIONS: readonly ActionId[] = ['start', 'stop', 'reboot', 'pause', 'suspend', 'resume', 'lock', 'unlock'];

export const canResize = (s: Server) => idle(s) && ['ACTIVE', 'SHUTOFF'].includes(s.status);
export const canSnapshot = (s: Server) => idle(s) && ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'].includes(s.status);
export const canConsole = (s: Server) => s.status === 'ACTIVE';

export function serverAction<T = void>(compute: ServiceClient, id: string, body: unknown): Promise<T> {
  return compute.post<T>(`/servers/${encodeURIComponent(id)}/action`, body);
}

export function deleteServer(compute: ServiceClient, id: string): Promise<void> {
  return compute.del(`/servers/${encodeURIComponent(id)}`);
}

/** Runs one request per instance in parallel; returns the failures by instance. */
export async function runForEach(servers: readonly Server[], fn: (s: Server) => Promise<unknown>): Promise<{ server: Server; error: unknown }[]> {
  const results = await Promise.allSettled(servers.map(fn));
  return results.flatMap((r, i) => (r.status === 'rejected' ? [{ server: servers[i], error: r.reason }] : []));
}
