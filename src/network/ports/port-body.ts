// Reading a port request body: which attributes may appear in POST and PUT, and each value's shape,
// refused with Neutron's 400 messages. Produces plain typed fields; policy and existence checks come later.
import { badRequest, isUuid } from '../common.js';
import { parseFixedIpRequests, type FixedIpRequest } from '../ipam/fixed-ips.js';
import { normalizeIp, parseCidr } from '../ipam/ip.js';
import { parseMac } from './mac-address.js';

export interface PortFields {
  network_id?: string; project_id?: string; tenant_id?: string;
  name?: string; description?: string; admin_state_up?: boolean; mac_address?: string;
  fixed_ips?: FixedIpRequest[]; device_id?: string; device_owner?: string;
  'binding:host_id'?: string; 'binding:vnic_type'?: string; 'binding:profile'?: Record<string, unknown>;
  port_security_enabled?: boolean; security_groups?: string[];
  allowed_address_pairs?: Array<{ ip_address: string; mac_address?: string }>;
  extra_dhcp_opts?: Array<{ opt_name: string; opt_value: string | null; ip_version: 4 | 6 }>;
  dns_name?: string; tags?: string[];
}

const WRITABLE = ['name', 'description', 'admin_state_up', 'mac_address', 'fixed_ips', 'device_id', 'device_owner',
  'binding:host_id', 'binding:vnic_type', 'binding:profile', 'port_security_enabled', 'security_groups',
  'allowed_address_pairs', 'extra_dhcp_opts', 'dns_name'];
const POST_ONLY = ['network_id', 'project_id', 'tenant_id', 'tags'];
const READ_ONLY = ['id', 'status', 'created_at', 'updated_at', 'revision_number', 'binding:vif_type', 'binding:vif_details'];
export const VNIC_TYPES = ['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'vdpa', 'remote-managed'];
/** Neutron's max_allowed_address_pair default. */
export const MAX_ADDRESS_PAIRS = 10;

const invalid = (attr: string, reason: string) => badRequest(`Invalid input for ${attr}. Reason: ${reason}`);

function str(attr: string, v: unknown, max = 255): string {
  if (typeof v !== 'string') throw invalid(attr, `'${String(v)}' is not a valid string.`);
  if (v.length > max) throw invalid(attr, `'${v}' exceeds maximum length of ${max}.`);
  return v;
}

/** Neutron's convert_to_boolean: booleans, 0/1, and their text forms. */
export function bool(attr: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string' && ['true', 'false', '1', '0'].includes(v.toLowerCase())) return ['true', '1'].includes(v.toLowerCase());
  throw invalid(attr, `'${String(v)}' cannot be converted to boolean.`);
}

function list(attr: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw invalid(attr, `'${JSON.stringify(v)}' is not a list.`);
  return v;
}

function dict(attr: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(attr, `'${JSON.stringify(v)}' is not a dictionary.`);
  return v as Record<string, unknown>;
}

function addressPairs(v: unknown): PortFields['allowed_address_pairs'] {
  const items = list('allowed_address_pairs', v);
  if (items.length > MAX_ADDRESS_PAIRS) {
    throw badRequest(`The number of allowed address pair exceeds the maximum ${MAX_ADDRESS_PAIRS}.`);
  }
  const seen = new Set<string>();
  return items.map((raw) => {
    const p = dict('allowed_address_pairs', raw);
    const extra = Object.keys(p).filter((k) => k !== 'ip_address' && k !== 'mac_address');
    if (extra.length) throw badRequest(`Unrecognized attribute(s) '${extra.join(', ')}'`);
    if (p.ip_address === undefined) throw badRequest('AllowedAddressPair must contain ip_address');
    const text = typeof p.ip_address === 'string' ? p.ip_address : '';
    const ip = normalizeIp(text) ?? (parseCidr(text) ? text.toLowerCase() : null);
    if (!ip) throw invalid('allowed_address_pairs', `'${String(p.ip_address)}' is not a valid IP address or CIDR.`);
    const mac = p.mac_address === undefined || p.mac_address === null ? undefined : parseMac(p.mac_address, 'allowed_address_pairs');
    const key = `${mac ?? ''}|${ip}`;
    if (seen.has(key)) {
      throw badRequest(`Request contains duplicate address pair: mac_address ${mac ?? 'None'} ip_address ${ip}.`);
    }
    seen.add(key);
    return { ip_address: ip, ...(mac ? { mac_address: mac } : {}) };
  });
}

function dhcpOpts(v: unknown): PortFields['extra_dhcp_opts'] {
  return list('extra_dhcp_opts', v).map((raw) => {
    const o = dict('extra_dhcp_opts', raw);
    const extra = Object.keys(o).filter((k) => !['opt_name', 'opt_value', 'ip_version'].includes(k));
    if (extra.length) throw badRequest(`Unrecognized attribute(s) '${extra.join(', ')}'`);
    const name = str('extra_dhcp_opts', o.opt_name);
    if (name === '') throw invalid('extra_dhcp_opts', 'opt_name must not be empty.');
    const value = o.opt_value === null || o.opt_value === undefined ? null : str('extra_dhcp_opts', o.opt_value);
    const version = o.ip_version === undefined || o.ip_version === null ? 4 : Number(o.ip_version);
    if (version !== 4 && version !== 6) throw invalid('extra_dhcp_opts', `'${String(o.ip_version)}' is not in [4, 6].`);
    return { opt_name: name, opt_value: value, ip_version: version };
  });
}

const DNS_NAME = /^$|^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** Parses the `port` object of a POST (`create`) or PUT body. */
export function parsePortBody(raw: unknown, method: 'POST' | 'PUT'): PortFields {
  const body = raw;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Resource body required');
  const entries = Object.entries(body as Record<string, unknown>);
  const unknown = entries.map(([k]) => k).filter((k) => !WRITABLE.includes(k) && !POST_ONLY.includes(k) && !READ_ONLY.includes(k));
  if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  const out: PortFields = {};
  for (const [k, v] of entries) {
    if (READ_ONLY.includes(k)) throw badRequest(`Attribute '${k}' not allowed in ${method}`);
    if (method === 'PUT' && POST_ONLY.includes(k)) throw badRequest(`Cannot update read-only attribute ${k}`);
    switch (k) {
      case 'network_id':
        if (!isUuid(v)) throw invalid('network_id', `'${String(v)}' is not a valid UUID.`);
        out.network_id = v; break;
      case 'project_id': case 'tenant_id': out[k] = str(k, v); break;
      case 'name': case 'description': case 'device_id': case 'device_owner': case 'binding:host_id': out[k] = str(k, v); break;
      case 'admin_state_up': case 'port_security_enabled': out[k] = bool(k, v); break;
      case 'mac_address': out.mac_address = parseMac(v); break;
      case 'fixed_ips': out.fixed_ips = parseFixedIpRequests(v); break;
      case 'binding:vnic_type':
        if (typeof v !== 'string' || !VNIC_TYPES.includes(v)) throw invalid(k, `'${String(v)}' is not in ${JSON.stringify(VNIC_TYPES)}.`);
        out[k] = v; break;
      case 'binding:profile': out[k] = v === null ? {} : dict(k, v); break;
      case 'security_groups': {
        const ids = v === null ? [] : list(k, v);
        for (const id of ids) if (!isUuid(id)) throw invalid(k, `'${String(id)}' is not a valid UUID.`);
        out.security_groups = [...new Set(ids as string[])];
        break;
      }
      case 'allowed_address_pairs': out.allowed_address_pairs = v === null ? [] : addressPairs(v); break;
      case 'extra_dhcp_opts': out.extra_dhcp_opts = v === null ? [] : dhcpOpts(v); break;
      case 'dns_name':
        if (typeof v !== 'string' || !DNS_NAME.test(v)) throw invalid(k, `'${String(v)}' is not a valid DNS name.`);
        out.dns_name = v.toLowerCase(); break;
      case 'tags': {
        const tags = list(k, v).map((t) => str(k, t, 255));
        for (const t of tags) if (t === '' || t.includes(',')) throw invalid(k, `'${t}' is not a valid tag.`);
        out.tags = [...new Set(tags)];
        break;
      }
    }
  }
  return out;
}
