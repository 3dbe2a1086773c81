// Router request bodies: which attributes POST and PUT accept (Neutron's l3, extraroute, ext-gw-mode,
// router availability zone, dvr/l3-ha and flavors definitions) and their validation.
import { neutronError } from '../common.js';
import {
  booleanAttr, cidrAttr, fieldError, ipAttr, isObject, resourceBody, shown, stringAttr, tagsAttr, uuidAttr,
  type AttributeRule, type Body,
} from './request-body.js';

const rw: AttributeRule = { post: true, put: true };
const postOnly: AttributeRule = { post: true, put: false };
const readOnly: AttributeRule = { post: false, put: false };

export const ROUTER_RULES: Record<string, AttributeRule> = {
  id: readOnly, name: rw, description: rw, admin_state_up: rw, status: readOnly, external_gateway_info: rw,
  routes: { post: false, put: true }, distributed: rw, ha: rw, availability_zone_hints: postOnly, availability_zones: readOnly,
  flavor_id: postOnly, tenant_id: postOnly, project_id: postOnly, tags: postOnly,
  created_at: readOnly, updated_at: readOnly, revision_number: readOnly,
};

export interface Route { destination: string; nexthop: string }
export interface GatewayRequest {
  networkId: string;
  /** Absent: true when a gateway is set (ext-gw-mode's enable_snat_by_default). */
  enableSnat?: boolean;
  fixedIps?: Array<{ subnet_id?: string; ip_address?: string }>;
}

export interface RouterFields {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  /** null: clear the gateway; undefined: leave it. */
  gateway?: GatewayRequest | null;
  routes?: Route[];
  availabilityZoneHints?: string[];
  tags?: string[];
  /** The raw body, for project_id/tenant_id. */
  raw: Body;
}

export function parseRouterBody(body: unknown, method: 'POST' | 'PUT', asAdmin: boolean): RouterFields {
  const r = resourceBody(body, 'router', ROUTER_RULES, method);
  const out: RouterFields = { raw: r };
  if (r.name !== undefined) out.name = stringAttr('name', r.name);
  if (r.description !== undefined) out.description = stringAttr('description', r.description);
  if (r.admin_state_up !== undefined) out.adminStateUp = booleanAttr(r.admin_state_up);
  if (r.external_gateway_info !== undefined) out.gateway = parseGateway(r.external_gateway_info);
  if (r.routes !== undefined) out.routes = parseRoutes(r.routes);
  for (const key of ['distributed', 'ha'] as const) {
    if (r[key] === undefined || !booleanAttr(r[key])) continue;
    // Nubis runs centralized, single-instance routers only.
    if (!asAdmin) throw neutronError(403, 'PolicyNotAuthorized', `(rule:${method === 'POST' ? 'create' : 'update'}_router:${key}) is disallowed by policy`);
    throw fieldError(key, `${key === 'ha' ? 'HA' : 'Distributed'} routers are not supported`);
  }
  if (r.availability_zone_hints !== undefined) {
    const hints = r.availability_zone_hints;
    if (!Array.isArray(hints)) throw fieldError('availability_zone_hints', `'${shown(hints)}' is not a list`);
    for (const h of hints) if (h !== 'nova') throw neutronError(404, 'AvailabilityZoneNotFound', `AvailabilityZone ${shown(h)} could not be found.`);
    out.availabilityZoneHints = hints as string[];
  }
  if (r.flavor_id !== undefined && r.flavor_id !== null) throw neutronError(404, 'FlavorNotFound', `Flavor ${shown(r.flavor_id)} could not be found.`);
  if (r.tags !== undefined) out.tags = tagsAttr(r.tags);
  return out;
}

/** external_gateway_info: a dict (network_id required, enable_snat, external_fixed_ips) or {}/null to clear. */
export function parseGateway(v: unknown): GatewayRequest | null {
  if (v === null || (isObject(v) && Object.keys(v).length === 0)) return null;
  const attr = 'external_gateway_info';
  if (!isObject(v)) throw fieldError(attr, `'${shown(v)}' is not a dictionary`);
  const unexpected = Object.keys(v).filter((k) => !['network_id', 'enable_snat', 'external_fixed_ips', 'qos_policy_id'].includes(k));
  if (unexpected.length) throw fieldError(attr, `Unexpected keys supplied: ${unexpected.join(', ')}`);
  // qos-gateway-ip: no QoS policies exist, so only "none" (`router set --no-qos-policy`) is accepted.
  if (v.qos_policy_id !== undefined && v.qos_policy_id !== null) {
    throw neutronError(404, 'QosPolicyNotFound', `QoS policy ${shown(v.qos_policy_id)} could not be found.`);
  }
  if (v.network_id === undefined) {
    throw fieldError(attr, `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${Object.keys(v).map((k) => `'${k}'`).join(', ')}}`);
  }
  const out: GatewayRequest = { networkId: uuidAttr(attr, v.network_id) };
  if (v.enable_snat !== undefined) out.enableSnat = booleanAttr(v.enable_snat);
  if (v.external_fixed_ips !== undefined && v.external_fixed_ips !== null) {
    const ips = v.external_fixed_ips;
    if (!Array.isArray(ips)) throw fieldError(attr, `Invalid data format for fixed IP: '${shown(ips)}'`);
    out.fixedIps = ips.map((ip) => {
      if (!isObject(ip)) throw fieldError(attr, `Invalid data format for fixed IP: '${shown(ip)}'`);
      const bad = Object.keys(ip).filter((k) => k !== 'subnet_id' && k !== 'ip_address');
      if (bad.length) throw fieldError(attr, `Unexpected keys supplied: ${bad.join(', ')}`);
      const one: { subnet_id?: string; ip_address?: string } = {};
      if (ip.subnet_id !== undefined) one.subnet_id = uuidAttr(attr, ip.subnet_id);
      if (ip.ip_address !== undefined) one.ip_address = ipAttr(attr, ip.ip_address);
      if (!one.subnet_id && !one.ip_address) throw fieldError(attr, `Invalid data format for fixed IP: '${shown(ip)}'`);
      return one;
    });
  }
  return out;
}

/** type:hostroutes: a list of {destination, nexthop}, no duplicates. */
export function parseRoutes(v: unknown, attr = 'routes'): Route[] {
  if (!Array.isArray(v)) throw fieldError(attr, `Invalid data format for hostroute: '${shown(v)}'`);
  const out: Route[] = [];
  for (const item of v) {
    const keys = isObject(item) ? Object.keys(item).sort() : [];
    if (!isObject(item) || keys.length !== 2 || keys[0] !== 'destination' || keys[1] !== 'nexthop') {
      throw fieldError(attr, `Validation of dictionary's keys failed. Expected keys: {'destination', 'nexthop'} Provided keys: {${keys.map((k) => `'${k}'`).join(', ')}}`);
    }
    const route = { destination: cidrAttr(attr, item.destination), nexthop: ipAttr(attr, item.nexthop) };
    if (out.some((o) => o.destination === route.destination && o.nexthop === route.nexthop)) {
      throw fieldError(attr, `Duplicate hostroute '${JSON.stringify(route)}'`);
    }
    out.push(route);
  }
  return out;
}
