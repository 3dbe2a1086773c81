// Neutron's request-body rules for one resource: the wrapping key, unknown and read-only attributes,
// and the attribute validators with Neutron's wording ("Invalid input for name. Reason: …").
// Shared by the router and floating IP slices.
import { badRequest, invalidInput, isUuid, neutronError } from '../common.js';
import { normalizeIp, parseCidr } from '../ipam/ip.js';

export type Body = Record<string, unknown>;
/** Whether an attribute may be given on create (POST) and on update (PUT). */
export interface AttributeRule { post: boolean; put: boolean }

export const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as Neutron prints it in messages (Python's str() of the value, near enough). */
export const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** `Invalid input for <attr>. Reason: <reason>.` (the attribute validators' 400). */
export const fieldError = (attr: string, reason: string) => badRequest(`Invalid input for ${attr}. Reason: ${reason}.`);

/** n_exc.BadRequest: `Bad router request: <msg>.` */
export const badResourceRequest = (resource: string, msg: string) => neutronError(400, 'BadRequest', `Bad ${resource} request: ${msg}.`);

/**
 * Unwraps `{<resource>: {...}}` and refuses unknown attributes and attributes the method may not set,
 * with Neutron's messages. Returns the inner object.
 */
export function resourceBody(body: unknown, resource: string, rules: Record<string, AttributeRule>, method: 'POST' | 'PUT'): Body {
  if (!isObject(body) || body[resource] === undefined || body[resource] === null) {
    throw badRequest(`Unable to find '${resource}' in request body`);
  }
  const inner = body[resource];
  if (!isObject(inner)) throw badRequest(`Invalid input for ${resource}. Reason: '${shown(inner)}' is not a dictionary.`);
  const unknown = Object.keys(inner).filter((k) => !(k in rules));
  if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  for (const key of Object.keys(inner)) {
    const rule = rules[key]!;
    if (method === 'POST' && !rule.post) throw badRequest(`Attribute '${key}' not allowed in POST`);
    if (method === 'PUT' && !rule.put) throw badRequest(`Cannot update read-only attribute ${key}`);
  }
  return inner;
}

/** type:string with a maximum length (name, description: 255). */
export function stringAttr(attr: string, v: unknown, max = 255): string {
  if (typeof v !== 'string') throw fieldError(attr, `'${shown(v)}' is not a valid string`);
  if (v.length > max) throw fieldError(attr, `'${v}' exceeds maximum length of ${max}`);
  return v;
}

/** convert_to_boolean: true/false, "true"/"false" in any case, 0/1 and "0"/"1". */
export function booleanAttr(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  throw invalidInput(`'${shown(v)}' cannot be converted to boolean`);
}

export function uuidAttr(attr: string, v: unknown): string {
  if (!isUuid(v)) throw fieldError(attr, `'${shown(v)}' is not a valid UUID`);
  return v.toLowerCase();
}

/** An IP address in canonical text. */
export function ipAttr(attr: string, v: unknown): string {
  const ip = typeof v === 'string' ? normalizeIp(v) : null;
  if (ip === null) throw fieldError(attr, `'${shown(v)}' is not a valid IP address`);
  return ip;
}

/** A CIDR, host bits allowed (as Neutron's validate_subnet, which only warns on them), in canonical text. */
export function cidrAttr(attr: string, v: unknown): string {
  const c = typeof v === 'string' ? parseCidr(v) : null;
  if (!c || typeof v !== 'string') throw fieldError(attr, `'${shown(v)}' is not a valid IP subnet`);
  return `${normalizeIp(v.split('/')[0]!)}/${c.prefix}`;
}

/** Tags given at creation: unique strings of at most 60 characters (Neutron's MAX_TAG_LEN). */
export function tagsAttr(v: unknown): string[] {
  if (!Array.isArray(v)) throw fieldError('tags', `'${shown(v)}' is not a list`);
  for (const t of v) {
    if (typeof t !== 'string') throw fieldError('tags', `'${shown(t)}' is not a valid string`);
    if (t.length > 60) throw fieldError('tags', `'${t}' exceeds maximum length of 60`);
  }
  if (new Set(v).size !== v.length) throw fieldError('tags', `Duplicate items in the list: '${shown(v)}'`);
  return v as string[];
}
