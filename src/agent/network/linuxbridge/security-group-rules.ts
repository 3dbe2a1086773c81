// Security groups as ONE nftables script: the `bridge nubis` table (per-port chains reached through
// verdict maps keyed by tap name) replaced as a whole in one transaction, so traffic sees either
// the old rules or the new ones, never a half state. Pure: golden-tested without root.
import type { HostNetworkState, SecurityGroupState, VmPort } from '../host-state.js';
import { NFT_TABLE, shortId } from '../host-state.js';
import { compileRuleMatch, remoteGroupSet } from './security-group-match.js';

/**
 * How the bridge chains learn a packet's conntrack state. 'bridge': natively (nf_conntrack_bridge).
 * 'br_netfilter': that module is missing (this kernel), so bridged IP packets are tracked by the
 * ip/ip6 hooks br_netfilter runs, and an `inet nubis` table copies the state into packet mark bits.
 */
export type ConntrackMode = 'bridge' | 'br_netfilter';

export interface CompileOptions {
  conntrack: ConntrackMode;
  /**
   * The bridges of the state (br_netfilter mode: only their packets are marked). Zone null: none —
   * a mapped bridge may carry the host's own routed (NATed) traffic, whose replies arrive in zone 0.
   */
  bridges: Array<{ name: string; zone: number | null }>;
}

export const MARK_ESTABLISHED = 0x00100000;
export const MARK_INVALID = 0x00200000;
const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

const ctMatch = (mode: ConntrackMode, state: 'established' | 'invalid'): string => {
  if (mode === 'bridge') return state === 'established' ? 'ct state established,related' : 'ct state invalid';
  const bit = hex(state === 'established' ? MARK_ESTABLISHED : MARK_INVALID);
  return `meta mark & ${bit} == ${bit}`;
};

const set = (items: string[]): string => (items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`);
const unique = (items: string[]): string[] => [...new Set(items)];

/** The EUI-64 link-local address a guest derives from its MAC. */
export function linkLocalOf(mac: string): string {
  const b = mac.toLowerCase().split(':').map((x) => parseInt(x, 16));
  b[0] = b[0]! ^ 0x02;
  const words = [(b[0] << 8) | b[1]!, (b[2]! << 8) | 0xff, (0xfe << 8) | b[3]!, (b[4]! << 8) | b[5]!];
  return `fe80::${words.map((w) => w.toString(16)).join(':')}`;
}

export const egressChain = (port: VmPort): string => `egress-${shortId(port.id)}`;
export const ingressChain = (port: VmPort): string => `ingress-${shortId(port.id)}`;

/** The whole nft script for a state: ports without port security get no chain (all accepted). */
export function compileSecurityRules(
  state: Pick<HostNetworkState, 'ports' | 'securityGroups'>,
  opts: CompileOptions = { conntrack: 'bridge', bridges: [] },
): string {
  const groups = new Map(state.securityGroups.map((g) => [g.id, g]));
  const ports = state.ports.filter((p) => p.portSecurity).sort((a, b) => a.tap.localeCompare(b.tap));
  const out: string[] = [`table bridge ${NFT_TABLE}`, `delete table bridge ${NFT_TABLE}`, `table bridge ${NFT_TABLE} {`];
  for (const line of remoteGroupSets(ports, groups)) out.push(`\t${line}`);
  for (const port of ports) {
    const portGroups = port.securityGroupIds.map((id) => groups.get(id)).filter((g): g is SecurityGroupState => !!g);
    // Neutron: a port is tracked unless all its groups are stateless (no groups: tracked, all dropped).
    const stateful = portGroups.length === 0 || portGroups.some((g) => g.stateful);
    out.push(...chain(egressChain(port), egressLines(port, portGroups, stateful, opts.conntrack)));
    out.push(...chain(ingressChain(port), ingressLines(portGroups, stateful, opts.conntrack)));
  }
  out.push(...vmap('from-vm', ports.map((p) => `"${p.tap}" : jump ${egressChain(p)}`)));
  out.push(...vmap('to-vm', ports.map((p) => `"${p.tap}" : jump ${ingressChain(p)}`)));
  // Bridged traffic (forward), a VM to the host's bridge address (input) and back (output).
  out.push(...chain('forward', ['type filter hook forward priority 0; policy accept;', 'iifname vmap @from-vm', 'oifname vmap @to-vm']));
  out.push(...chain('input', ['type filter hook input priority 0; policy accept;', 'iifname vmap @from-vm']));
  out.push(...chain('output', ['type filter hook output priority 0; policy accept;', 'oifname vmap @to-vm']));
  out.push('}');
  out.push(...conntrackTable(opts));
  return `${out.join('\n')}\n`;
}

function chain(name: string, lines: string[]): string[] {
  return [`\tchain ${name} {`, ...lines.map((l) => `\t\t${l}`), '\t}'];
}

function vmap(name: string, elements: string[]): string[] {
  const lines = ['\tmap ' + name + ' {', '\t\ttype ifname : verdict'];
  if (elements.length) lines.push(`\t\telements = { ${elements.join(',\n\t\t\t     ')} }`);
  return [...lines, '\t}'];
}

function remoteGroupSets(ports: VmPort[], groups: Map<string, SecurityGroupState>): string[] {
  const referenced = new Set<string>();
  for (const p of ports) for (const id of p.securityGroupIds) for (const r of groups.get(id)?.rules ?? []) {
    if (r.remoteGroupId !== null) referenced.add(r.remoteGroupId);
  }
  const lines: string[] = [];
  for (const id of [...referenced].sort()) {
    const members = groups.get(id)?.members ?? [];
    for (const family of [4, 6] as const) {
      const addrs = unique(members.filter((m) => m.includes(':') === (family === 6))).sort();
      lines.push(`set ${remoteGroupSet(id, family)} {`, `\ttype ${family === 4 ? 'ipv4_addr' : 'ipv6_addr'}`);
      if (addrs.length) lines.push(`\telements = { ${addrs.join(', ')} }`);
      lines.push('}');
    }
  }
  return lines;
}

function egressLines(port: VmPort, groups: SecurityGroupState[], stateful: boolean, mode: ConntrackMode): string[] {
  // Anti-spoofing checks MAC and address together, as pairs: the port's own, and each allowed pair's.
  const pairs = [
    ...port.fixedIps.map((ip) => ({ mac: port.mac, ip })),
    ...port.allowedAddressPairs.map((p) => ({ mac: p.mac || port.mac, ip: p.ipAddress })),
  ].map((p) => ({ mac: p.mac.toLowerCase(), ip: p.ip }));
  const macs = unique([port.mac.toLowerCase(), ...pairs.map((p) => p.mac)]);
  const concat = (list: Array<{ mac: string; ip: string }>): string => `{ ${unique(list.map((p) => `${p.mac} . ${p.ip}`)).join(', ')} }`;
  const v4 = pairs.filter((p) => !p.ip.includes(':'));
  const v6 = [...macs.map((mac) => ({ mac, ip: linkLocalOf(mac) })), ...pairs.filter((p) => p.ip.includes(':'))];
  const lines = [
    `ether saddr != ${set(macs)} drop`,
    // ARP probes (duplicate address detection) come from 0.0.0.0.
    `ether type arp arp saddr ether . arp saddr ip != ${concat([...macs.map((mac) => ({ mac, ip: '0.0.0.0' })), ...v4])} drop`,
    'ether type arp return',
    'ether type ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 return',
    v4.length ? `ether type ip ether saddr . ip saddr != ${concat(v4)} drop` : 'ether type ip drop',
    // Duplicate address detection and MLD come from the unspecified address.
    'ether type ip6 ip6 saddr :: icmpv6 type { nd-neighbor-solicit, mld-listener-report, mld2-listener-report } return',
    `ether type ip6 ether saddr . ip6 saddr != ${concat(v6)} drop`,
    // A VM must not advertise itself as a router or answer DHCP for its network.
    'ether type ip6 icmpv6 type nd-router-advert drop',
    'ether type ip udp sport 67 drop',
    'ether type ip6 udp sport 547 drop',
    'ether type ip6 icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report } return',
    'ether type ip udp sport 68 udp dport 67 return',
    'ether type ip6 udp sport 546 udp dport 547 return',
  ];
  if (stateful) lines.push(`${ctMatch(mode, 'established')} return`, `${ctMatch(mode, 'invalid')} drop`);
  // Allowed traffic goes on (return) so the receiving port's ingress chain still runs.
  lines.push(...groupRules(groups, 'egress').map((m) => `${m} return`), 'drop');
  return lines;
}

function ingressLines(groups: SecurityGroupState[], stateful: boolean, mode: ConntrackMode): string[] {
  const lines = [
    'ether type arp accept',
    'ether type ip udp sport 67 udp dport 68 accept',
    'ether type ip6 udp sport 547 udp dport 546 accept',
    'ether type ip6 icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect, mld-listener-query } accept',
  ];
  if (stateful) lines.push(`${ctMatch(mode, 'established')} accept`, `${ctMatch(mode, 'invalid')} drop`);
  lines.push(...groupRules(groups, 'ingress').map((m) => `${m} accept`), 'drop');
  return lines;
}

/** The union of the groups' rules of one direction, each match once, in a stable order. */
function groupRules(groups: SecurityGroupState[], direction: 'ingress' | 'egress'): string[] {
  const matches: string[] = [];
  for (const g of groups) for (const r of g.rules) {
    if (r.direction !== direction) continue;
    const m = compileRuleMatch(r);
    if (m !== null) matches.push(m);
  }
  return unique(matches);
}

/** br_netfilter mode: conntrack zones per bridge (tenants may reuse addresses) and the state marks. */
function conntrackTable(opts: CompileOptions): string[] {
  const head = [`table inet ${NFT_TABLE}`, `delete table inet ${NFT_TABLE}`];
  if (opts.conntrack !== 'br_netfilter') return head;
  const bridges = [...opts.bridges].sort((a, b) => a.name.localeCompare(b.name));
  const names = bridges.map((b) => `"${b.name}"`);
  const zones = bridges.filter((b) => b.zone !== null).map((b) => `"${b.name}" : ${b.zone}`);
  const clear = hex(~(MARK_ESTABLISHED | MARK_INVALID) >>> 0);
  const marks = (dev: string): string[] => [
    `${dev} @bridges meta mark set meta mark & ${clear}`,
    `${dev} @bridges ct state established,related meta mark set meta mark | ${hex(MARK_ESTABLISHED)}`,
    `${dev} @bridges ct state invalid meta mark set meta mark | ${hex(MARK_INVALID)}`,
  ];
  const lines = [`table inet ${NFT_TABLE} {`, '\tset bridges {', '\t\ttype ifname'];
  if (names.length) lines.push(`\t\telements = { ${names.join(', ')} }`);
  lines.push('\t}', '\tmap zones {', '\t\ttypeof iifname : ct zone');
  if (zones.length) lines.push(`\t\telements = { ${zones.join(', ')} }`);
  lines.push('\t}');
  // Zones are set before conntrack (-200) looks the packet up; marks copied after it.
  lines.push(...chain('zone-in', ['type filter hook prerouting priority -300; policy accept;', 'iifname @bridges ct zone set iifname map @zones']));
  lines.push(...chain('zone-out', ['type filter hook output priority -300; policy accept;', 'oifname @bridges ct zone set oifname map @zones']));
  lines.push(...chain('mark-in', ['type filter hook prerouting priority -150; policy accept;', ...marks('iifname')]));
  lines.push(...chain('mark-out', ['type filter hook output priority -150; policy accept;', ...marks('oifname')]));
  lines.push('}');
  return [...head, ...lines];
}
