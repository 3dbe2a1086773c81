// VM ports: a persistent tap per port, in its network's bridge. QEMU opens the tap by name later
// (`-netdev tap,ifname=…,script=no,downscript=no`), so the port is wired before the guest exists and
// stays wired across guest restarts.
import type { PortOutcome, VmPort } from '../host-state.js';
import type { HostExec } from './host-exec.js';
import { readLinks, type Link } from './link-inventory.js';
import { wireArgs } from './link-wiring.js';

/**
 * The tap's own MAC: the guest NIC carries the port MAC, and the bridge must not see the same MAC on
 * two sides, so the host end gets fe: in the first octet (as libvirt does), which the bridge also
 * never picks as its own address (it takes the lowest port MAC).
 */
export function tapMac(portMac: string): string {
  return `fe:${portMac.toLowerCase().split(':').slice(1).join(':')}`;
}

/** Kinds accepted as a port's device: a tap, or a veth that a test put there to stand in for a VM. */
const PORT_KINDS = new Set(['tun', 'veth']);

/** The `ip` commands that bring one port's device from `now` to the state; empty when converged. */
export function portCommands(port: VmPort, bridge: string, now: Link | undefined, owner: string): string[][] {
  const commands: string[][] = [];
  if (now && !PORT_KINDS.has(now.kind)) {
    commands.push(['link', 'delete', 'dev', port.tap]);
    now = undefined;
  }
  if (!now) {
    // vnet_hdr: QEMU's virtio-net then passes offloads (checksum, TSO) to the host instead of
    // segmenting in the guest; QEMU 7.2 opens taps made with or without it.
    commands.push(['tuntap', 'add', 'dev', port.tap, 'mode', 'tap', 'vnet_hdr']);
    commands.push(['link', 'set', 'dev', port.tap, 'addrgenmode', 'none']);
  }
  // Our mark (see ownerAlias); a veth a test put there becomes ours too, and goes with its port.
  if (now?.alias !== owner) commands.push(['link', 'set', 'dev', port.tap, 'alias', owner]);
  const wire = wireArgs(port.tap, now, { mac: tapMac(port.mac), mtu: port.mtu, master: bridge, up: port.adminStateUp });
  if (wire) commands.push(wire);
  return commands;
}

export interface PortNetwork {
  /** The bridge of the port's network; undefined when the network is not in the state. */
  bridge: string | undefined;
  error: string | undefined;
}

/**
 * Converges every VM port. All commands go in one `ip -batch` (hundreds of ports in one process);
 * if that fails, the host is read again and each port is done on its own, so a bad port reports
 * ERROR with its own reason and the others still converge.
 */
export async function ensureVmPorts(
  exec: HostExec, ports: VmPort[], networkOf: (port: VmPort) => PortNetwork, links: Map<string, Link>, owner: string,
): Promise<PortOutcome[]> {
  const outcomes = new Map<string, PortOutcome>();
  const ready: Array<{ port: VmPort; bridge: string }> = [];
  for (const port of ports) {
    const { bridge, error } = networkOf(port);
    if (bridge === undefined) outcomes.set(port.id, { id: port.id, status: 'ERROR', reason: `network ${port.networkId} is not in the host state` });
    else if (error) outcomes.set(port.id, { id: port.id, status: 'ERROR', reason: error });
    else ready.push({ port, bridge });
  }
  const wired = (port: VmPort): PortOutcome => ({ id: port.id, status: port.adminStateUp ? 'ACTIVE' : 'DOWN' });
  try {
    await exec.ipBatch(ready.flatMap(({ port, bridge }) => portCommands(port, bridge, links.get(port.tap), owner)));
    for (const { port } of ready) outcomes.set(port.id, wired(port));
  } catch {
    const fresh = await readLinks(exec);
    for (const { port, bridge } of ready) {
      try {
        for (const command of portCommands(port, bridge, fresh.get(port.tap), owner)) await exec.ip(command);
        outcomes.set(port.id, wired(port));
      } catch (e) {
        outcomes.set(port.id, { id: port.id, status: 'ERROR', reason: (e as Error).message });
      }
    }
  }
  return ports.map((p) => outcomes.get(p.id)!);
}
