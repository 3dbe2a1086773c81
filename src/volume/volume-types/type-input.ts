// Validation of volume type bodies, after Cinder's JSON schemas (schemas/volume_types.py,
// types_extra_specs.py, volume_type_access.py), with messages a person can act on.
import { badRequest, parseBool } from '../common.js';

/** Cinder's extra spec keys: letters, digits and - _ : . (and, on type create, space and /). */
const SPEC_KEY = /^[a-zA-Z0-9-_:.]{1,255}$/;
const SPEC_KEY_ON_CREATE = /^[a-zA-Z0-9-_:. /]{1,255}$/;

const invalid = (field: string, why: string) => badRequest(`Invalid input for field/attribute ${field}. ${why}`);

/** A query parameter given once or repeated (`?a=1&a=2`): the last value, as Cinder's webob reads it. */
export function single(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return v === undefined ? undefined : String(v);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Refuses members a schema with additionalProperties: false would. */
export function onlyKnown(obj: Record<string, unknown>, known: string[], where: string): void {
  const extra = Object.keys(obj).filter((k) => !known.includes(k));
  if (extra.length > 0) throw badRequest(`Invalid input for ${where}: additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} unexpected).`);
}

/** A type name: 1–255 characters, not only blanks. */
export function typeName(v: unknown, field = 'name'): string {
  if (typeof v !== 'string') throw invalid(field, `Value: ${JSON.stringify(v)}. It must be a string.`);
  if (v.length < 1 || v.length > 255) throw invalid(field, `Value: ${v}. It must be 1 to 255 characters long.`);
  if (v.trim().length === 0) throw badRequest('Volume type name can not be empty.');
  return v;
}

/** A description: null or a string of at most 255 characters. */
export function typeDescription(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string') throw invalid('description', `Value: ${JSON.stringify(v)}. It must be a string or null.`);
  if (v.length > 255) throw invalid('description', 'It is longer than 255 characters.');
  return v;
}

export const typeBool = (v: unknown, field: string): boolean => parseBool(v, field);

/**
 * Extra specs: an object of string (or null, kept as an empty string) values of at most 255
 * characters under keys of Cinder's pattern.
 */
export function extraSpecs(v: unknown, field = 'extra_specs', onCreate = false): Record<string, string> {
  if (!isObject(v)) throw invalid(field, `Value: ${JSON.stringify(v)}. It must be an object.`);
  const pattern = onCreate ? SPEC_KEY_ON_CREATE : SPEC_KEY;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    if (!pattern.test(key)) throw invalid(field, `Key '${key}' must be 1 to 255 letters, digits or - _ : . characters.`);
    if (value !== null && typeof value !== 'string') throw invalid(key, `Value: ${JSON.stringify(value)}. It must be a string.`);
    if (typeof value === 'string' && value.length > 255) throw invalid(key, 'The value is longer than 255 characters.');
    out[key] = value ?? '';
  }
  return out;
}

/** The project of an add/removeProjectAccess action. */
export function accessProject(body: Record<string, unknown>, action: string): string {
  const inner = body[action];
  if (!isObject(inner)) throw badRequest(`Invalid input for ${action}: it must be an object.`);
  onlyKnown(inner, ['project'], action);
  const project = inner.project;
  if (typeof project !== 'string' || project.length < 1 || project.length > 255) {
    throw invalid('project', `Value: ${JSON.stringify(project)}. It must be a string of 1 to 255 characters.`);
  }
  return project;
}
