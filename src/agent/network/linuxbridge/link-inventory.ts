// One `ip -j -d link show` read into what the L2 dataplane needs to decide: which nb devices exist,
// what they are and how they are wired. Deciding from this snapshot keeps an apply to one read.
import { createHash } from 'node:crypto';
import type { HostExec } from './host-exec.js';
import { parseJsonList } from './host-exec.js';

export interface Link {
  name: string;
  ifindex: number;
  /** bridge, vxlan, tun, veth…; '' for a plain device. */
  kind: string;
  master: string | undefined;
  mtu: number;
  /** Administratively up. */
  up: boolean;
  mac: string;
  alias: string | undefined;
  /** 'none' when the device makes no IPv6 link-local address. */
  addrGenMode: string | undefined;
  /** bridge: STP state and MAC ageing time (centiseconds). */
  bridge?: { stp: number; ageing: number };
  /** vxlan: VNI, local address and UDP port. */
  vxlan?: { id: number; local: string | undefined; port: number | undefined };
}

interface RawLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  mtu: number;
  master?: string;
  address?: string;
  ifalias?: string;
  inet6_addr_gen_mode?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

export async function readLinks(exec: HostExec): Promise<Map<string, Link>> {
  const raw = parseJsonList<RawLink>(await exec.ip(['-j', '-d', 'link', 'show']));
  const links = new Map<string, Link>();
  for (const r of raw) {
    const kind = r.linkinfo?.info_kind ?? '';
    const data = r.linkinfo?.info_data ?? {};
    const link: Link = {
      name: r.ifname, ifindex: r.ifindex, kind, master: r.master, mtu: r.mtu,
      up: (r.flags ?? []).includes('UP'), mac: (r.address ?? '').toLowerCase(), alias: r.ifalias,
      addrGenMode: r.inet6_addr_gen_mode,
    };
    if (kind === 'bridge') link.bridge = { stp: Number(data.stp_state), ageing: Number(data.ageing_time) };
    if (kind === 'vxlan') {
      link.vxlan = {
        id: Number(data.id), local: typeof data.local === 'string' ? data.local : undefined,
        port: typeof data.port === 'number' ? data.port : undefined,
      };
    }
    links.set(r.ifname, link);
  }
  return links;
}

/**
 * The alias every device this dataplane creates (or adopts) carries: `nubis-managed:` and a hash of
 * its state dir. Leftovers and teardown remove only devices with this alias, so a second cloud or a
 * test on the same machine never loses a device it made, whatever its name.
 */
export function ownerAlias(stateDir: string): string {
  return `nubis-managed:${createHash('sha256').update(stateDir).digest('hex').slice(0, 12)}`;
}
