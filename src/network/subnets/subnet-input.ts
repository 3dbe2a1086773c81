// A subnet request body read into typed values, with Neutron's per-attribute checks. Checks that need
// the cidr (gateway, pools) are in subnet-checks.ts.
import { badRequest, invalidInput } from '../common.js';
import { cidrText, parseCidr } from '../ipam/ip.js';
import { bool, checkAttributes, int, invalid, ipAddress, list, str, uuid, type AttributeRules, type Body } from '../networks/attributes.js';
import { readTags } from '../networks/network-input.js';
import type { Pool } from './allocation-pools.js';

const rw = { post: true, put: true };
const ro = { post: false, put: false };
const postOnly = { post: true, put: false };

export const SUBNET_RULES: AttributeRules = {
  id: ro, created_at: ro, updated_at: ro, revision_number: ro,
  name: rw, description: rw, gateway_ip: rw, allocation_pools: rw, dns_nameservers: rw, host_routes: rw, enable_dhcp: rw,
  service_types: rw, network_id: postOnly, ip_version: postOnly, cidr: postOnly, subnetpool_id: postOnly, prefixlen: postOnly,
  use_default_subnetpool: postOnly, ipv6_ra_mode: postOnly, ipv6_address_mode: postOnly, segment_id: postOnly,
  tenant_id: postOnly, project_id: postOnly, tags: postOnly,
};

export const IPV6_MODES = ['slaac', 'dhcpv6-stateless', 'dhcpv6-stateful'] as const;
const MAX_DNS = 5;
const MAX_ROUTES = 20;

export interface SubnetInput {
  name?: string; description?: string; networkId?: string; ipVersion?: 4 | 6; cidr?: string;
  /** undefined: not given (default on create); null: no gateway. */
  gatewayIp?: string | null;
  pools?: Pool[]; dns?: string[]; routes?: Array<{ destination: string; nexthop: string }>;
  enableDhcp?: boolean; raMode?: string | null; addressMode?: string | null; tags?: string[];
}

function readPools(v: unknown): Pool[] {
  return list('allocation_pools', v).map((p) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) invalid('allocation_pools', `${JSON.stringify(p)} is not a dictionary`);
    const o = p as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'start' && k !== 'end');
    if (extra.length || o.start === undefined || o.end === undefined) {
      invalid('allocation_pools', `Validation of dictionary's keys failed. Expected keys: {'start', 'end'} Provided keys: {${Object.keys(o).map((k) => `'${k}'`).join(', ')}}`);
    }
    return { start: ipAddress('allocation_pools', o.start), end: ipAddress('allocation_pools', o.end) };
  });
}

function readDns(v: unknown): string[] {
  const out: string[] = [];
  for (const d of list('dns_nameservers', v)) {
    if (typeof d !== 'string') invalid('dns_nameservers', `'${String(d)}' is not a valid nameserver.`);
    let ip: string;
    try { ip = ipAddress('dns_nameservers', d); } catch { invalid('dns_nameservers', `'${d}' is not a valid nameserver.`); }
    if (out.includes(ip)) invalid('dns_nameservers', `Duplicate nameserver '${d}'.`);
    out.push(ip);
  }
  if (out.length > MAX_DNS) {
    throw badRequest(`Unable to complete operation for subnet. The number of DNS nameservers exceeds the limit ${MAX_DNS}.`);
  }
  return out;
}

function readRoutes(v: unknown): Array<{ destination: string; nexthop: string }> {
  const out: Array<{ destination: string; nexthop: string }> = [];
  for (const r of list('host_routes', v)) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) invalid('host_routes', `${JSON.stringify(r)} is not a dictionary`);
    const o = r as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'destination' && k !== 'nexthop');
    if (extra.length || o.destination === undefined || o.nexthop === undefined) {
      invalid('host_routes', `Validation of dictionary's keys failed. Expected keys: {'destination', 'nexthop'} Provided keys: {${Object.keys(o).map((k) => `'${k}'`).join(', ')}}`);
    }
    const c = typeof o.destination === 'string' ? parseCidr(o.destination) : null;
    if (!c) invalid('host_routes', `'${String(o.destination)}' is not a valid IP subnet.`);
    const route = { destination: cidrText(c), nexthop: ipAddress('host_routes', o.nexthop) };
    if (out.some((x) => x.destination === route.destination && x.nexthop === route.nexthop)) {
      invalid('host_routes', `Duplicate hostroute '${JSON.stringify(o)}'.`);
    }
    out.push(route);
  }
  if (out.length > MAX_ROUTES) throw badRequest(`Unable to complete operation for subnet. The number of host routes exceeds the limit ${MAX_ROUTES}.`);
  return out;
}

function readMode(attr: string, v: unknown): string | null {
  if (v === null) return null;
  const s = str(attr, v);
  if (!(IPV6_MODES as readonly string[]).includes(s)) invalid(attr, `'${s}' is not in ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']`);
  return s;
}

export function readSubnet(body: Body, method: 'POST' | 'PUT'): SubnetInput {
  checkAttributes(body, SUBNET_RULES, method);
  const has = (k: string) => body[k] !== undefined;
  const out: SubnetInput = {};
  if (has('subnetpool_id') && body.subnetpool_id !== null) throw badRequest('Subnet pools are not supported: give a cidr.');
  if (has('use_default_subnetpool') && bool('use_default_subnetpool', body.use_default_subnetpool)) {
    throw badRequest('Subnet pools are not supported: give a cidr.');
  }
  if (has('prefixlen')) throw badRequest('prefixlen requires a subnet pool; subnet pools are not supported: give a cidr.');
  if (has('segment_id') && body.segment_id !== null) throw badRequest('Routed network segments are not supported: segment_id must be null.');
  if (has('service_types') && list('service_types', body.service_types).length) throw badRequest('Subnet service types are not supported.');
  if (has('name')) out.name = str('name', body.name);
  if (has('description')) out.description = str('description', body.description);
  if (has('network_id')) out.networkId = uuid('network_id', body.network_id);
  if (has('ip_version')) {
    const v = int('ip_version', body.ip_version);
    if (v !== 4 && v !== 6) invalid('ip_version', `${v} is not in [4, 6]`);
    out.ipVersion = v;
  }
  if (has('cidr')) {
    const raw = body.cidr;
    const c = typeof raw === 'string' ? parseCidr(raw.trim()) : null;
    if (!c || typeof raw !== 'string' || !raw.includes('/')) invalid('cidr', `'${String(raw)}' is not a valid IP subnet.`);
    if (parseCidr(raw, true) === null) invalid('cidr', `'${raw}' isn't a recognized IP subnet cidr, '${cidrText(c)}' is recommended`);
    if (c.prefix === 0) throw invalidInput('0 is not allowed as CIDR prefix length');
    out.cidr = cidrText(c);
  }
  if ('gateway_ip' in body) out.gatewayIp = body.gateway_ip === null ? null : ipAddress('gateway_ip', body.gateway_ip);
  if (has('allocation_pools')) out.pools = readPools(body.allocation_pools);
  if (has('dns_nameservers')) out.dns = readDns(body.dns_nameservers);
  if (has('host_routes')) out.routes = readRoutes(body.host_routes);
  if (has('enable_dhcp')) out.enableDhcp = bool('enable_dhcp', body.enable_dhcp);
  if ('ipv6_ra_mode' in body) out.raMode = readMode('ipv6_ra_mode', body.ipv6_ra_mode);
  if ('ipv6_address_mode' in body) out.addressMode = readMode('ipv6_address_mode', body.ipv6_address_mode);
  if (has('tags')) out.tags = readTags(body.tags);
  return out;
}
