// Brings one device to its wanted MTU, bridge and up/down state with at most one `ip link set`,
// and only for what differs, so a converged host sees no change (no flap, no netlink event).
import type { HostExec } from './host-exec.js';
import type { Link } from './link-inventory.js';

export interface Wiring {
  mtu?: number;
  master?: string;
  up?: boolean;
  mac?: string;
}

/** The `ip link set` arguments that bring a device from `now` to `want`; null when nothing differs. */
export function wireArgs(name: string, now: Link | undefined, want: Wiring): string[] | null {
  const args: string[] = [];
  // The MAC and MTU first: a device in a bridge changes the bridge's MAC/MTU when these change.
  if (want.mac !== undefined && now?.mac !== want.mac) args.push('address', want.mac);
  if (want.mtu !== undefined && now?.mtu !== want.mtu) args.push('mtu', String(want.mtu));
  if (want.master !== undefined && now?.master !== want.master) args.push('master', want.master);
  if (want.up !== undefined && now?.up !== want.up) args.push(want.up ? 'up' : 'down');
  return args.length ? ['link', 'set', 'dev', name, ...args] : null;
}

export async function wireLink(exec: HostExec, name: string, now: Link | undefined, want: Wiring): Promise<void> {
  const args = wireArgs(name, now, want);
  if (args) await exec.ip(args);
}

export async function deleteLink(exec: HostExec, name: string): Promise<void> {
  await exec.ip(['link', 'delete', 'dev', name]).catch((e: Error) => {
    if (!/Cannot find|does not exist/i.test(e.message)) throw e;
  });
}
