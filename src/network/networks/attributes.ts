// Neutron's request-body rules, shared by the networks, subnets and RBAC slices: the wrapped body
// (`{"network": {...}}` or bulk `{"networks": [...]}`), unknown attributes, read-only attributes,
// and the value checks whose messages read like Neutron's ("Invalid input for X. Reason: …").
import { badRequest, isUuid } from '../common.js';
import { normalizeIp } from '../ipam/ip.js';

/** Which attributes a resource accepts on POST and on PUT (Neutron's allow_post / allow_put). */
export type AttributeRules = Record<string, { post: boolean; put: boolean }>;
export type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks attribute names against the rules: unknown → "Unrecognized attribute(s)", read-only → "not allowed in POST". */
export function checkAttributes(body: Body, rules: AttributeRules, method: 'POST' | 'PUT'): Body {
  const unknown = Object.keys(body).filter((k) => !(k in rules));
  if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  for (const k of Object.keys(body)) {
    const r = rules[k]!;
    if (method === 'POST' && !r.post) throw badRequest(`Attribute '${k}' not allowed in POST`);
    if (method === 'PUT' && !r.put) throw badRequest(`Cannot update read-only attribute ${k}`);
  }
  return body;
}

/** The one resource body of a PUT (or a single POST). */
export function singleBody(raw: unknown, resource: string): Body {
  if (!isObject(raw)) throw badRequest('Resource body required');
  const inner = raw[resource];
  if (!isObject(inner)) throw badRequest(`Unable to find '${resource}' in request body`);
  return inner;
}

/** A POST body: one resource (`bulk` false) or several under the plural key (all-or-nothing). */
export function createBodies(raw: unknown, resource: string, collection: string): { bodies: Body[]; bulk: boolean } {
  if (!isObject(raw)) throw badRequest('Resource body required');
  if (collection in raw) {
    const list = raw[collection];
    if (!Array.isArray(list) || list.length === 0 || !list.every(isObject)) throw badRequest(`Resources required`);
    return { bodies: list as Body[], bulk: true };
  }
  return { bodies: [singleBody(raw, resource)], bulk: false };
}

const reason = (attr: string, why: string) => badRequest(`Invalid input for ${attr}. Reason: ${why}`);
const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));

export function str(attr: string, v: unknown, max = 255): string {
  if (typeof v !== 'string') throw reason(attr, `${show(v)} is not a valid string.`);
  if (v.length > max) throw reason(attr, `${show(v)} exceeds maximum length of ${max}.`);
  return v;
}

/** Neutron's convert_to_boolean: true/false, "true"/"false" (any case), 0/1. */
export function bool(attr: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string' && ['true', 'false', '0', '1'].includes(v.toLowerCase())) return ['true', '1'].includes(v.toLowerCase());
  throw reason(attr, `${show(v)} cannot be converted to boolean`);
}

export function int(attr: string, v: unknown): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw reason(attr, `${show(v)} is not an integer`);
  return n;
}

export function uuid(attr: string, v: unknown): string {
  if (!isUuid(v)) throw reason(attr, `${show(v)} is not a valid UUID`);
  return (v as string).toLowerCase();
}

/** An IP address in canonical form (IPv6 compressed). */
export function ipAddress(attr: string, v: unknown): string {
  const ip = typeof v === 'string' ? normalizeIp(v) : null;
  if (!ip) throw reason(attr, `${show(v)} is not a valid IP address`);
  return ip;
}

export function list(attr: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw reason(attr, `${show(v)} is not a list`);
  return v;
}

export function invalid(attr: string, why: string): never {
  throw reason(attr, why);
}
