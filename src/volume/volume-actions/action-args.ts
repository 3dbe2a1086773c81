// Reading the value under an action's key the way Cinder's JSON schemas do: an object with known
// keys only (a typo is a 400, not silently ignored), required keys present, booleans from
// Cinder's fixed set of strings.
import { badRequest } from '../common.js';

const TRUE = new Set(['true', 'True', 'TRUE', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't']);
const FALSE = new Set(['false', 'False', 'FALSE', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']);

/** The action's arguments: an object (null or absent counts as `{}` when nothing is required). */
export function actionArgs(action: string, value: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
  if ((value === null || value === undefined) && required.length === 0) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`Invalid input for field/attribute ${action}. Value: ${JSON.stringify(value ?? null)}. It must be an object.`);
  }
  const args = value as Record<string, unknown>;
  const extra = Object.keys(args).filter((k) => !allowed.includes(k));
  if (extra.length) {
    throw badRequest(`Invalid input for field/attribute ${action}. Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected).`);
  }
  for (const k of required) {
    if (args[k] === undefined) throw badRequest(`Invalid input for field/attribute ${action}. '${k}' is a required property.`);
  }
  return args;
}

/** Cinder's strict booleans: JSON true/false or one of its spellings ('True', 'yes', '0'…). */
export function strictBool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && TRUE.has(v)) return true;
  if (typeof v === 'string' && FALSE.has(v)) return false;
  throw badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(v)}. It must be a boolean (true, false or one of their string spellings).`);
}

/** A string argument of 1 to `max` characters. */
export function requiredString(v: unknown, field: string, max = 255): string {
  if (typeof v !== 'string' || v.length < 1 || v.length > max) {
    throw badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(v)}. It must be a string of 1 to ${max} characters.`);
  }
  return v;
}
