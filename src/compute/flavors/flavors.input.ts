// Hand validation of the flavor request bodies, after Nova's JSON schemas
// (nova/api/openstack/compute/schemas/flavor_manage.py): every refusal is a 400 naming the field.
import { badRequest } from '../../platform/errors.js';

/** Nova's db.MAX_INT: the largest value its integer columns hold. */
const MAX_INT = 2147483647;
const ID_PATTERN = /^(?! )[a-zA-Z0-9. _-]+(?<! )$/;
// oslo's bool_from_string values that Nova's `parameter_types.boolean` accepts.
const TRUE_STRINGS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'];
const FALSE_STRINGS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'];

export const invalidField = (field: string, value: unknown, why: string) =>
  badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${why}`);

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body's single wrapper object (`{"flavor": {...}}`), refusing anything else at the top level. */
export function wrapped(body: unknown, key: string): Record<string, unknown> {
  if (!isObject(body)) throw badRequest(`Invalid input for field/attribute request body: it must be an object with '${key}'.`);
  for (const k of Object.keys(body)) if (k !== key) throw invalidField(key, body, `Additional properties are not allowed ('${k}' was unexpected)`);
  const inner = body[key];
  if (inner === undefined) throw badRequest(`Invalid input for field/attribute ${key}. '${key}' is a required property`);
  if (!isObject(inner)) throw invalidField(key, inner, `${JSON.stringify(inner)} is not of type 'object'`);
  return inner;
}

/** An integer given as a JSON integer or a string of digits (Nova's flavor_param_*). */
export function intParam(field: string, v: unknown, min: number): number {
  let n: number;
  if (typeof v === 'number' && Number.isInteger(v)) n = v;
  else if (typeof v === 'string' && /^[0-9]+$/.test(v)) n = Number(v);
  else throw invalidField(field, v, `${JSON.stringify(v)} is not a valid integer`);
  if (n < min) throw invalidField(field, v, `${JSON.stringify(v)} is less than the minimum of ${min}`);
  if (n > MAX_INT) throw invalidField(field, v, `${JSON.stringify(v)} is greater than the maximum of ${MAX_INT}`);
  return n;
}

export function boolParam(field: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && TRUE_STRINGS.includes(v)) return true;
  if (typeof v === 'string' && FALSE_STRINGS.includes(v)) return false;
  throw invalidField(field, v, `${JSON.stringify(v)} is not a boolean`);
}

/** A display name: 1-255 printable characters, no leading or trailing whitespace. */
export function nameParam(field: string, v: unknown): string {
  if (typeof v !== 'string') throw invalidField(field, v, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length < 1 || v.length > 255) throw invalidField(field, v, 'It must be 1 to 255 characters long');
  if (v.trim() !== v) throw invalidField(field, v, 'It may not begin or end with whitespace');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) throw invalidField(field, v, 'It may contain only printable characters');
  return v;
}

export function descriptionParam(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string') throw invalidField('description', v, `${JSON.stringify(v)} is not of type 'string', 'null'`);
  if (v.length > 65535) throw invalidField('description', v.slice(0, 40), 'It is longer than 65535 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) throw invalidField('description', v, 'It may contain only printable characters');
  return v;
}

export interface FlavorDraft {
  id: string | null; name: string; ram: number; vcpus: number; disk: number; ephemeral: number; swap: number;
  rxtx_factor: number; is_public: boolean; description: string | null;
}

const CREATE_FIELDS = ['name', 'id', 'ram', 'vcpus', 'disk', 'OS-FLV-EXT-DATA:ephemeral', 'swap', 'rxtx_factor', 'os-flavor-access:is_public'];

/** POST /flavors body; `withDescription` from 2.55. */
export function parseFlavorCreate(body: unknown, withDescription: boolean): FlavorDraft {
  const f = wrapped(body, 'flavor');
  const allowed = withDescription ? [...CREATE_FIELDS, 'description'] : CREATE_FIELDS;
  for (const k of Object.keys(f)) {
    if (!allowed.includes(k)) throw invalidField('flavor', f, `Additional properties are not allowed ('${k}' was unexpected)`);
  }
  for (const k of ['name', 'ram', 'vcpus', 'disk']) {
    if (f[k] === undefined) throw invalidField('flavor', f, `'${k}' is a required property`);
  }
  return {
    id: flavorIdParam(f.id),
    name: nameParam('name', f.name),
    ram: intParam('ram', f.ram, 1),
    vcpus: intParam('vcpus', f.vcpus, 1),
    disk: intParam('disk', f.disk, 0),
    ephemeral: f['OS-FLV-EXT-DATA:ephemeral'] === undefined ? 0 : intParam('OS-FLV-EXT-DATA:ephemeral', f['OS-FLV-EXT-DATA:ephemeral'], 0),
    swap: f.swap === undefined ? 0 : intParam('swap', f.swap, 0),
    rxtx_factor: f.rxtx_factor === undefined ? 1 : rxtxParam(f.rxtx_factor),
    is_public: f['os-flavor-access:is_public'] === undefined ? true : boolParam('os-flavor-access:is_public', f['os-flavor-access:is_public']),
    description: f.description === undefined ? null : descriptionParam(f.description),
  };
}

/** The flavor id: a string (Nova's pattern) or a number stored as its text; null/absent = generate. */
function flavorIdParam(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw invalidField('id', v, `${JSON.stringify(v)} is not of type 'string', 'number', 'null'`);
  if (v.length < 1 || v.length > 255) throw invalidField('id', v, 'It must be 1 to 255 characters long');
  if (!ID_PATTERN.test(v)) throw invalidField('id', v, `${JSON.stringify(v)} does not match '${ID_PATTERN.source}'`);
  return v;
}

function rxtxParam(v: unknown): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(v)) n = Number(v);
  else throw invalidField('rxtx_factor', v, `${JSON.stringify(v)} is not a valid number`);
  if (!(n > 0) || n > 3.40282e38) throw invalidField('rxtx_factor', v, `${JSON.stringify(v)} must be greater than 0`);
  return n;
}

/** PUT /flavors/{id} body (2.55+): exactly {flavor: {description}}. */
export function parseFlavorUpdate(body: unknown): string | null {
  const f = wrapped(body, 'flavor');
  for (const k of Object.keys(f)) {
    if (k !== 'description') throw invalidField('flavor', f, `Additional properties are not allowed ('${k}' was unexpected)`);
  }
  if (!('description' in f)) throw invalidField('flavor', f, `'description' is a required property`);
  return descriptionParam(f.description);
}
