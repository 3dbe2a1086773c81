// One Neutron security group rule as an nftables match (bridge family), following the semantics of
// Neutron's iptables firewall driver: ethertype picks ip/ip6, ports are destination ports in both
// directions, for ICMP min/max are type/code, and the remote end is the source (ingress) or the
// destination (egress).
import type { SecurityGroupRuleState } from '../host-state.js';
import { shortId } from '../host-state.js';

/** Protocol names Neutron accepts, as IP protocol numbers. */
const PROTOCOLS: Record<string, number> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, icmp: 1, icmpv6: 58, igmp: 2, ipip: 4, 'ipv6-encap': 41,
  'ipv6-frag': 44, 'ipv6-icmp': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89,
  pgm: 113, rsvp: 46, sctp: 132, tcp: 6, udp: 17, udplite: 136, vrrp: 112,
};
const PORT_PROTOCOLS: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

/** The set holding a remote group's members of one family. */
export const remoteGroupSet = (groupId: string, family: 4 | 6): string => `sg-${shortId(groupId)}-v${family}`;

/** IP protocol number of a rule, null for any, -1 for a name we do not know; 'icmp' under IPv6 means ICMPv6 (as in Neutron). */
export function protocolNumber(protocol: string | null, ethertype: 'IPv4' | 'IPv6'): number | null {
  if (protocol === null || protocol === '' || protocol === 'any') return null;
  const n = /^\d+$/.test(protocol) ? Number(protocol) : PROTOCOLS[protocol.toLowerCase()];
  // An unknown name (the API validates them) matches nothing rather than everything.
  if (n === undefined) return -1;
  if (n === 0) return null;
  return n === 1 && ethertype === 'IPv6' ? 58 : n;
}

const isAnyPrefix = (p: string): boolean => p === '0.0.0.0/0' || p === '::/0';

/**
 * The match of a rule, without verdict; null when the rule can never match (a prefix of the other
 * family), so the caller leaves it out.
 */
export function compileRuleMatch(rule: SecurityGroupRuleState): string | null {
  const v6 = rule.ethertype === 'IPv6';
  const family = v6 ? 'ip6' : 'ip';
  const parts = [`ether type ${family}`];
  const far = rule.direction === 'ingress' ? 'saddr' : 'daddr';
  if (rule.remoteIpPrefix !== null && !isAnyPrefix(rule.remoteIpPrefix)) {
    if (rule.remoteIpPrefix.includes(':') !== v6) return null;
    parts.push(`${family} ${far} ${rule.remoteIpPrefix}`);
  }
  if (rule.remoteGroupId !== null) parts.push(`${family} ${far} @${remoteGroupSet(rule.remoteGroupId, v6 ? 6 : 4)}`);
  const proto = protocolNumber(rule.protocol, rule.ethertype);
  if (proto === -1) return null;
  if (proto !== null) parts.push(protocolMatch(proto, rule, v6));
  return parts.join(' ');
}

function protocolMatch(proto: number, rule: SecurityGroupRuleState, v6: boolean): string {
  const { portRangeMin: min, portRangeMax: max } = rule;
  const portName = PORT_PROTOCOLS[proto];
  if (portName !== undefined) {
    if (min === null) return `meta l4proto ${portName}`;
    return `${portName} dport ${max === null || max === min ? min : `${min}-${max}`}`;
  }
  if (proto === 1 || proto === 58) {
    const icmp = proto === 58 ? 'icmpv6' : 'icmp';
    // ICMP over the other family's header never matches; ipv6-icmp with ethertype IPv4 is such a rule.
    if ((proto === 58) !== v6) return `meta l4proto ${proto}`;
    if (min === null) return `meta l4proto ${proto === 58 ? 'ipv6-icmp' : 'icmp'}`;
    return max === null ? `${icmp} type ${min}` : `${icmp} type ${min} ${icmp} code ${max}`;
  }
  return `meta l4proto ${proto}`;
}
