// Networks on a host: one Linux bridge each (or the bridge a flat network's physical network is
// mapped to), with its VXLAN device or physical interface in it. No STP: every bridge is a leaf of
// an overlay or a single uplink, so there is no loop for STP to break, only its 30 s of listening.
import type { DataplaneOptions, L2Network } from '../host-state.js';
import { bridgeName, vxlanName } from '../host-state.js';
import type { HostExec } from './host-exec.js';
import { parseJsonList } from './host-exec.js';
import { ownerAlias, type Link } from './link-inventory.js';
import { deleteLink, wireLink } from './link-wiring.js';
import { type FdbEntry, syncVxlanFdb } from './vxlan-fdb.js';

export const VXLAN_PORT = 4789;
/** The kernel default (300 s), set explicitly so a bridge someone tuned is brought back. */
const AGEING_TIME = 30000;

/** The bridge a network's devices are enslaved to on this host. */
export function bridgeFor(network: L2Network, opts: Pick<DataplaneOptions, 'physicalNetworks'>): string {
  const mapping = network.type === 'flat' && network.physicalNetwork !== null
    ? opts.physicalNetworks[network.physicalNetwork] : undefined;
  return mapping && 'bridge' in mapping ? mapping.bridge : bridgeName(network.id);
}

export interface NetworkOutcome {
  bridge: string;
  /** Why the network could not be wired (its ports then report ERROR). */
  error?: string;
}

/** Converges one network's bridge and uplink; `links` is the inventory taken at the start of apply. */
export async function ensureNetwork(
  exec: HostExec, network: L2Network, opts: DataplaneOptions, links: Map<string, Link>, fdb: FdbEntry[],
): Promise<NetworkOutcome> {
  const bridge = bridgeFor(network, opts);
  const owner = ownerAlias(opts.stateDir);
  try {
    if (network.type === 'flat') {
      const mapping = network.physicalNetwork !== null ? opts.physicalNetworks[network.physicalNetwork] : undefined;
      if (!mapping) return { bridge, error: `physical network ${network.physicalNetwork ?? '(none)'} is not mapped on this host` };
      await ensureBridge(exec, bridge, network.mtu, links, bridge !== bridgeName(network.id), owner);
      if ('bridge' in mapping) {
        if (mapping.address) await ensureAddress(exec, bridge, mapping.address);
      } else {
        const uplink = links.get(mapping.interface);
        if (!uplink) return { bridge, error: `interface ${mapping.interface} of physical network ${network.physicalNetwork} does not exist` };
        await wireLink(exec, mapping.interface, uplink, { master: bridge, up: true });
      }
    } else {
      await ensureBridge(exec, bridge, network.mtu, links, false, owner);
      if (network.type === 'vxlan') await ensureVxlan(exec, network, opts, bridge, links, fdb, owner);
    }
    return { bridge };
  } catch (e) {
    return { bridge, error: (e as Error).message };
  }
}

/**
 * Physical networks mapped to a bridge with an address (DevStack's br-ex: `nbr-public` holding
 * 172.24.4.1/24) exist from the agent's first apply, networks on them or not: the host reaches the
 * external network, and floating IPs on it, as soon as a router has a gateway there. Returns their names.
 */
export async function ensureMappedBridges(exec: HostExec, opts: DataplaneOptions, links: Map<string, Link>): Promise<string[]> {
  const names: string[] = [];
  for (const mapping of Object.values(opts.physicalNetworks)) {
    if (!('bridge' in mapping) || !mapping.address) continue;
    await ensureBridge(exec, mapping.bridge, undefined, links, true, ownerAlias(opts.stateDir));
    await ensureAddress(exec, mapping.bridge, mapping.address);
    names.push(mapping.bridge);
  }
  return names;
}

async function ensureBridge(exec: HostExec, name: string, mtu: number | undefined, links: Map<string, Link>, mapped: boolean, owner: string): Promise<void> {
  let now = links.get(name);
  if (now && now.kind !== 'bridge') {
    if (mapped) throw new Error(`${name} exists and is not a bridge`);
    await deleteLink(exec, name);
    now = undefined;
  }
  if (!now) {
    await exec.ip(['link', 'add', 'name', name, 'type', 'bridge', 'stp_state', '0', 'ageing_time', String(AGEING_TIME)]);
    // The alias says we made it (teardown removes it); a mapped bridge that was already there keeps its own.
    await exec.ip(['link', 'set', 'dev', name, 'alias', owner]);
  } else if (!mapped && now.alias !== owner) {
    await exec.ip(['link', 'set', 'dev', name, 'alias', owner]);
  }
  if (now && !mapped && (now.bridge?.stp !== 0 || now.bridge.ageing !== AGEING_TIME)) {
    await exec.ip(['link', 'set', 'dev', name, 'type', 'bridge', 'stp_state', '0', 'ageing_time', String(AGEING_TIME)]);
  }
  // No IPv6 link-local address on tenant bridges: the host must not be reachable from VMs through them.
  if (!mapped && now?.addrGenMode !== 'none') await exec.ip(['link', 'set', 'dev', name, 'addrgenmode', 'none']);
  await wireLink(exec, name, now, { mtu, up: true });
}

async function ensureAddress(exec: HostExec, dev: string, address: string): Promise<void> {
  interface AddrInfo { addr_info?: Array<{ local: string; prefixlen: number }> }
  const info = parseJsonList<AddrInfo>(await exec.ip(['-j', 'addr', 'show', 'dev', dev]));
  const has = info.some((i) => (i.addr_info ?? []).some((a) => `${a.local}/${a.prefixlen}` === address || a.local === address));
  if (!has) await exec.ip(['addr', 'add', address, 'dev', dev]);
}

async function ensureVxlan(
  exec: HostExec, network: L2Network, opts: DataplaneOptions, bridge: string, links: Map<string, Link>, fdb: FdbEntry[], owner: string,
): Promise<void> {
  const vni = network.vni;
  if (vni === null) throw new Error(`vxlan network ${network.id} has no VNI`);
  const name = vxlanName(vni);
  let now = links.get(name);
  const local = opts.localVtep ?? undefined;
  if (now && (now.kind !== 'vxlan' || now.vxlan?.id !== vni || now.vxlan.local !== local || now.vxlan.port !== VXLAN_PORT)) {
    await deleteLink(exec, name);
    now = undefined;
  }
  if (!now) {
    const args = ['link', 'add', name, 'type', 'vxlan', 'id', String(vni), 'dstport', String(VXLAN_PORT), 'nolearning'];
    if (local) args.push('local', local);
    await exec.ip(args);
    await exec.ip(['link', 'set', 'dev', name, 'addrgenmode', 'none']);
  }
  if (now?.alias !== owner) await exec.ip(['link', 'set', 'dev', name, 'alias', owner]);
  await wireLink(exec, name, now, { mtu: network.mtu, master: bridge, up: true });
  // A device just (re)made has no entries yet, whatever the reading said.
  await syncVxlanFdb(exec, name, network, now ? fdb : []);
}
