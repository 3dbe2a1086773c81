// A security group rule's body, checked and made canonical as Neutron does (neutron/extensions/
// securitygroup.py converters, securitygroups_db.py _validate_base_security_group_rule_attributes):
// protocol names lower-cased, legacy IPv6 ICMP names mapped, the full 1-65535 range dropped,
// remote_ip_prefix given a prefix length. Pure: the checks that need the DB live in the service.
import { badRequest, neutronError } from '../common.js';
import { formatIp, parseCidr, parseIp } from '../ipam/ip.js';
import type { NewRule } from './security-group-records.js';

/** Neutron's IP_PROTOCOL_MAP: the names a rule may use, with their numbers. */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, hopopt: 0, icmp: 1, igmp: 2, ip: 0, ipip: 4, 'ipv6-encap': 41,
  'ipv6-frag': 44, 'ipv6-icmp': 58, icmpv6: 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89,
  pgm: 113, rsvp: 46, sctp: 132, tcp: 6, udp: 17, udplite: 136, vrrp: 112,
};
/** Protocols whose rules take a port range. */
const PORT_PROTOCOLS = new Set([33, 132, 6, 17, 136]);
const ICMP_PROTOCOLS = new Set([1, 58]);
/** Protocols only IPv6 carries (an IPv4 rule with them is refused). */
const IPV6_ONLY = new Set(['ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route',
  '41', '44', '58', '59', '60', '43']);

const SUPPORTED = `[None, 'any', ${Object.keys(PROTOCOL_NUMBERS).map((p) => `'${p}'`).join(', ')}]`;
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** The IP protocol number of a stored protocol (name or number text); null for any. */
export function protocolNumber(protocol: string | null): number | null {
  if (protocol === null) return null;
  return PROTOCOL_NUMBERS[protocol] ?? Number(protocol);
}

/** convert_protocol: null/'any' → null; 0-255 (number or text) → its text; a known name → lower case. */
export function convertProtocol(v: unknown): string | null {
  if (v === null || v === undefined || v === 'any') return null;
  const refuse = () => neutronError(400, 'SecurityGroupRuleInvalidProtocol',
    `Security group rule protocol ${show(v)} not supported. Only protocol values ${SUPPORTED} and integer representations [0 to 255] are supported.`);
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v))) {
    const n = Number(v);
    if (Number.isInteger(n) && n >= 0 && n <= 255) return String(n);
    throw refuse();
  }
  if (typeof v === 'string' && v.toLowerCase() in PROTOCOL_NUMBERS) return v.toLowerCase();
  throw refuse();
}

export function convertEthertype(v: unknown): 'IPv4' | 'IPv6' {
  if (v === undefined) return 'IPv4';
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'ipv4') return 'IPv4';
    if (v.toLowerCase() === 'ipv6') return 'IPv6';
  }
  throw neutronError(400, 'SecurityGroupRuleInvalidEtherType',
    `Security group rule for ethertype '${show(v)}' not supported. Allowed values are ['IPv4', 'IPv6'].`);
}

/** convert_validate_port_value: null, or an integer 0-65535 (number or text). */
export function convertPort(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535) return n;
  throw neutronError(400, 'SecurityGroupInvalidPortValue', `Invalid value for port ${show(v)}`);
}

/** convert_ip_prefix_to_cidr: an address or CIDR, canonical, with a prefix length (host bits kept, as netaddr does). */
export function convertIpPrefix(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const invalid = () => neutronError(400, 'InvalidCIDR', `Invalid CIDR ${show(v)} given as IP prefix.`);
  if (typeof v !== 'string') throw invalid();
  const slash = v.indexOf('/');
  const ip = parseIp(slash < 0 ? v : v.slice(0, slash));
  if (!ip) throw invalid();
  const bits = ip.version === 4 ? 32 : 128;
  const prefix = slash < 0 ? bits : /^\d{1,3}$/.test(v.slice(slash + 1)) ? Number(v.slice(slash + 1)) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw invalid();
  return `${formatIp(ip.version, ip.value)}/${prefix}`;
}

/** The prefix with host bits cleared (Neutron's normalized_cidr). */
export function normalizedCidr(prefix: string | null): string | null {
  if (prefix === null) return null;
  const c = parseCidr(prefix);
  return c ? `${formatIp(c.version, c.network)}/${c.prefix}` : null;
}

/** Which family a prefix belongs to. */
const prefixVersion = (prefix: string): 4 | 6 => (prefix.includes(':') ? 6 : 4);

/** Checks what Neutron checks once the values are converted; mutates nothing, returns the canonical rule. */
export function canonicalRule(input: NewRule): NewRule {
  const rule = { ...input };
  // Legacy IPv6 ICMP names and numbers become the canonical ones (_make_canonical_ipv6_icmp_protocol).
  if (rule.ethertype === 'IPv6') {
    if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') rule.protocol = 'ipv6-icmp';
    else if (rule.protocol === '1') rule.protocol = '58';
  }
  // The whole range is no range (_make_canonical_port_range).
  if (rule.port_range_min === 1 && rule.port_range_max === 65535) rule.port_range_min = rule.port_range_max = null;
  validatePortRange(rule);
  if (rule.remote_ip_prefix) {
    if (rule.ethertype !== `IPv${prefixVersion(rule.remote_ip_prefix)}`) {
      throw neutronError(400, 'SecurityGroupRuleParameterConflict',
        `Conflicting value ethertype ${rule.ethertype} for CIDR ${input.remote_ip_prefix}`);
    }
  }
  if (rule.ethertype === 'IPv4' && rule.protocol && IPV6_ONLY.has(rule.protocol)) {
    throw neutronError(400, 'SecurityGroupEthertypeConflictWithProtocol', `Invalid ethertype ${rule.ethertype} for protocol ${rule.protocol}.`);
  }
  if (rule.remote_ip_prefix && rule.remote_group_id) {
    throw neutronError(400, 'SecurityGroupMultipleRemoteEntites',
      'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.');
  }
  return rule;
}

function validatePortRange(rule: NewRule): void {
  const min = rule.port_range_min ?? null, max = rule.port_range_max ?? null;
  if (min === null && max === null) return;
  if (!rule.protocol) throw neutronError(400, 'SecurityGroupProtocolRequiredWithPorts', 'Must also specify protocol if port range is given.');
  const proto = protocolNumber(rule.protocol)!;
  if (PORT_PROTOCOLS.has(proto)) {
    if (min === 0 || max === 0) throw neutronError(400, 'SecurityGroupInvalidPortValue', 'Invalid value for port 0');
    if (min === null || max === null || min > max) {
      throw neutronError(400, 'SecurityGroupInvalidPortRange', 'For TCP/UDP protocols, port_range_min must be <= port_range_max');
    }
  } else if (ICMP_PROTOCOLS.has(proto)) {
    for (const [value, attr, field] of [[min, 'port_range_min', 'type'], [max, 'port_range_max', 'code']] as const) {
      if (value !== null && value > 255) {
        throw neutronError(400, 'SecurityGroupInvalidIcmpValue', `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`);
      }
    }
    if (min === null && max !== null) {
      throw neutronError(400, 'SecurityGroupMissingIcmpType', `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`);
    }
  } else {
    throw neutronError(400, 'SecurityGroupInvalidProtocolForPort',
      `Ports cannot be specified for protocol ${proto}. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.`);
  }
}

/** Neutron's _rule_to_key: two rules are the same when these agree (protocol by number, any-prefix as none). */
export function ruleKey(rule: NewRule & { security_group_id: string }): string {
  const none = '+';
  const prefix = rule.remote_ip_prefix ?? null;
  const anyPrefix = prefix === null || prefix === '0.0.0.0/0' || prefix === '::/0';
  return [
    rule.direction, rule.ethertype, rule.port_range_max ?? none, rule.port_range_min ?? none,
    rule.protocol === null || rule.protocol === undefined ? none : String(protocolNumber(rule.protocol)),
    rule.remote_group_id ?? none, anyPrefix ? none : prefix, rule.security_group_id,
  ].join('_');
}

export const requireAttribute = (body: Record<string, unknown>, name: string): unknown => {
  if (body[name] === undefined) throw badRequest(`Failed to parse request. Required attribute '${name}' not specified`);
  return body[name];
};
