// Security groups as the dataplane needs them (host-state.ts SecurityGroupState): rules in one
// spelling, and the member addresses of every group some rule names as its remote group.
import type { SecurityGroupRuleState, SecurityGroupState } from '../../agent/network/host-state.js';
import { json, type NetworkDeps } from '../common.js';
import { formatIp, parseCidr } from '../ipam/ip.js';
import type { SecurityGroupRuleRow } from '../network.tables.js';
import { normalizedCidr } from './security-group-rule-input.js';

/** Numbers with a name the dataplane treats specially (ports, ICMP type/code) are given as that name. */
const NAMED: Readonly<Record<string, string>> = {
  '1': 'icmp', '6': 'tcp', '17': 'udp', '33': 'dccp', '58': 'ipv6-icmp', '132': 'sctp', '136': 'udplite',
};

/** One spelling per protocol: lower-case names, 'ipv6-icmp' for every IPv6 ICMP spelling. */
export function stateProtocol(protocol: string | null, ethertype: 'IPv4' | 'IPv6'): string | null {
  if (protocol === null) return null;
  const p = protocol.toLowerCase();
  if (p === 'icmpv6' || (ethertype === 'IPv6' && (p === 'icmp' || p === '1'))) return 'ipv6-icmp';
  return NAMED[p] ?? p;
}

export function ruleState(row: SecurityGroupRuleRow): SecurityGroupRuleState {
  const cidr = normalizedCidr(row.remote_ip_prefix);
  return {
    id: row.id, direction: row.direction, ethertype: row.ethertype,
    protocol: stateProtocol(row.protocol, row.ethertype),
    portRangeMin: row.port_range_min, portRangeMax: row.port_range_max,
    // 0.0.0.0/0 (what the CLI sends by default) is the same as no prefix.
    remoteIpPrefix: cidr === '0.0.0.0/0' || cidr === '::/0' ? null : cidr,
    remoteGroupId: row.remote_group_id,
  };
}

/**
 * An allowed address pair's address as a member: a bare address or a host prefix (/32, /128) gives
 * the address; a wider CIDR gives nothing, since the contract's members are addresses (the
 * dataplane's sets hold addresses, not intervals).
 */
function pairAddress(text: string): string | null {
  const c = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  return c && c.prefix === c.bits ? formatIp(c.version, c.network) : null;
}

/** Member addresses of each group: its ports' fixed IPs and allowed address pair addresses (as Neutron's ipsets hold). */
async function membersOf(deps: NetworkDeps, groupIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, Set<string>>(groupIds.map((id) => [id, new Set<string>()]));
  if (groupIds.length === 0) return new Map();
  const bindings = await deps.db.selectFrom('net_port_security_group').select(['port_id', 'security_group_id'])
    .where('security_group_id', 'in', groupIds).execute();
  const portIds = [...new Set(bindings.map((b) => b.port_id))];
  const addresses = new Map<string, string[]>();
  if (portIds.length) {
    const ips = await deps.db.selectFrom('net_ip_allocation').select(['port_id', 'ip_address']).where('port_id', 'in', portIds).execute();
    for (const ip of ips) addresses.set(ip.port_id, [...(addresses.get(ip.port_id) ?? []), ip.ip_address]);
    const ports = await deps.db.selectFrom('net_port').select(['id', 'allowed_address_pairs']).where('id', 'in', portIds).execute();
    for (const p of ports) {
      const pairs = json<Array<{ ip_address: string }>>(p.allowed_address_pairs, []);
      addresses.set(p.id, [...(addresses.get(p.id) ?? []), ...pairs.map((a) => pairAddress(a.ip_address)).filter((a): a is string => a !== null)]);
    }
  }
  for (const b of bindings) for (const a of addresses.get(b.port_id) ?? []) out.get(b.security_group_id)!.add(a);
  return new Map([...out].map(([id, set]) => [id, [...set].sort()]));
}

/**
 * States of the given groups plus every group their rules name as remote group. `members` is
 * filled for the groups named as remote groups (the only ones whose members matter) and empty for
 * the others; a remote group not among the given ones comes with no rules (no port here applies
 * them, and their own remote groups would need members too). Unknown ids are skipped. Sorted by
 * id, rules by id, for stable comparisons.
 */
export async function securityGroupStates(deps: NetworkDeps, groupIds: string[]): Promise<SecurityGroupState[]> {
  const wanted = [...new Set(groupIds)];
  if (wanted.length === 0) return [];
  const rules = await deps.db.selectFrom('net_security_group_rule').selectAll().where('security_group_id', 'in', wanted).execute();
  const remote = [...new Set(rules.map((r) => r.remote_group_id).filter((id): id is string => id !== null))];
  const extra = remote.filter((id) => !wanted.includes(id));
  const all = [...wanted, ...extra];
  const groups = await deps.db.selectFrom('net_security_group').select(['id', 'stateful']).where('id', 'in', all).execute();
  const members = await membersOf(deps, remote);
  const rulesByGroup = new Map<string, SecurityGroupRuleState[]>();
  for (const r of rules) rulesByGroup.set(r.security_group_id, [...(rulesByGroup.get(r.security_group_id) ?? []), ruleState(r)]);
  return groups.map((g) => ({
    id: g.id, stateful: Boolean(g.stateful),
    rules: (rulesByGroup.get(g.id) ?? []).sort((a, b) => a.id.localeCompare(b.id)),
    members: members.get(g.id) ?? [],
  })).sort((a, b) => a.id.localeCompare(b.id));
}
