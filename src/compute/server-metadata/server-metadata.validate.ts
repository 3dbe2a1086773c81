// Server metadata as Nova's schema (parameter_types.metadata) accepts it: an object whose keys are
// 1–255 characters of [a-zA-Z0-9-_:. ] and whose values are strings of at most 255 characters.
// Server create (metadata in the body) and rebuild reuse it.
import { badRequest } from '../../platform/errors.js';

const KEY = /^[a-zA-Z0-9\-_:. ]{1,255}$/;
export const MAX_VALUE_LENGTH = 255;

const shown = (v: unknown): string => {
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

/** Returns the metadata as a prototype-less record (a key `__proto__` stays data), or throws a
 *  400 naming the field and what is wrong. */
export function validateMetadata(value: unknown, field = 'metadata'): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`Invalid input for field/attribute ${field}. Value: ${shown(value)}. It is not of type 'object'`);
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!KEY.test(key)) {
      throw badRequest(`Invalid input for field/attribute ${field}. Key ${shown(key)} is not allowed: keys are 1 to 255 characters of letters, digits, spaces and '-', '_', ':', '.'`);
    }
    if (typeof v !== 'string') {
      throw badRequest(`Invalid input for field/attribute ${field}.${key}. Value: ${shown(v)}. It is not of type 'string'`);
    }
    if (v.length > MAX_VALUE_LENGTH) {
      throw badRequest(`Invalid input for field/attribute ${field}.${key}. Value is longer than ${MAX_VALUE_LENGTH} characters`);
    }
    out[key] = v;
  }
  return out;
}

/** A request body `{"<wrapper>": …}` and nothing else, as Nova's additionalProperties: false wants. */
export function wrapped(body: unknown, wrapper: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`Invalid input for field/attribute request body: it must be a JSON object with '${wrapper}'`);
  }
  const keys = Object.keys(body);
  if (!keys.includes(wrapper)) throw badRequest(`Invalid input for field/attribute request body: '${wrapper}' is a required property`);
  const extra = keys.find((k) => k !== wrapper);
  if (extra !== undefined) {
    throw badRequest(`Invalid input for field/attribute request body: additional property ${shown(extra)} is not allowed`);
  }
  return (body as Record<string, unknown>)[wrapper];
}
