// Static forwarding entries of a VXLAN device: head-end replication to every remote VTEP with the
// network (all-zero MAC, one entry per VTEP) and one entry per remote port MAC. Learning is off, so
// these entries are the whole truth; entries not wanted are removed.
import type { L2Network } from '../host-state.js';
import type { HostExec } from './host-exec.js';
import { parseJsonList } from './host-exec.js';

const FLOOD_MAC = '00:00:00:00:00:00';

export interface FdbEntry { mac: string; ifname?: string; dst?: string }

/** The remote entries (those with a VTEP) of every VXLAN device, in one read; none if no VXLAN network. */
export async function readVxlanFdb(exec: HostExec, networks: L2Network[]): Promise<FdbEntry[]> {
  if (!networks.some((n) => n.type === 'vxlan')) return [];
  return parseJsonList<FdbEntry>(await exec.bridge(['-j', 'fdb', 'show'])).filter((e) => e.dst && e.ifname?.startsWith('nbx-'));
}

/** `mac dst` keys of the entries a network wants on its VXLAN device. */
export function wantedFdb(network: L2Network): Set<string> {
  const keys = new Set<string>();
  for (const vtep of network.remoteVteps) keys.add(`${FLOOD_MAC} ${vtep}`);
  for (const { mac, vtep } of network.remoteMacs) keys.add(`${mac.toLowerCase()} ${vtep}`);
  return keys;
}

/** `entries`: the reading of readVxlanFdb at the start of the apply. */
export async function syncVxlanFdb(exec: HostExec, device: string, network: L2Network, entries: FdbEntry[]): Promise<void> {
  const have = new Map<string, FdbEntry>();
  for (const e of entries) if (e.dst && e.ifname === device) have.set(`${e.mac.toLowerCase()} ${e.dst}`, e);
  const want = wantedFdb(network);
  const wantedMacs = new Set(network.remoteMacs.map((m) => m.mac.toLowerCase()));
  for (const [key, e] of have) {
    if (want.has(key)) continue;
    await exec.bridge(['fdb', 'del', e.mac, 'dev', device, 'dst', e.dst!]).catch(() => undefined);
  }
  for (const key of want) {
    if (have.has(key)) continue;
    const [mac, vtep] = key.split(' ') as [string, string];
    // The all-zero MAC may have one entry per VTEP (append); a port MAC lives behind one VTEP (replace).
    const verb = mac === FLOOD_MAC || !wantedMacs.has(mac) ? 'append' : 'replace';
    await exec.bridge(['fdb', verb, mac, 'dev', device, 'dst', vtep, 'self', 'permanent']);
  }
}
