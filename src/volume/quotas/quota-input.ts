// The limits of a PUT os-quota-sets / os-quota-class-sets body, checked as Cinder's quota_set
// format does: known resources only, whole numbers from -1 (unlimited) up to the database's int.
import { badRequest } from '../common.js';
import { isObject } from '../volume-types/type-input.js';

const DB_MAX_INT = 2147483647;
/** Keys a quota set may carry that are not limits (clients echo them back). */
const NON_QUOTA_KEYS = ['tenant_id', 'id'];

function limitValue(key: string, v: unknown): number {
  const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw badRequest(`${key} must be an integer.`);
  if (n < -1) throw badRequest(`${key} must be >= -1`);
  if (n > DB_MAX_INT) throw badRequest(`${key} must be <= ${DB_MAX_INT}`);
  return n;
}

/**
 * The `{resource: limit}` pairs of `body[wrapper]`, or 400 naming the bad keys or values.
 * `known` are the resource names that exist (base ones and per-type ones of existing types).
 */
export function quotaValues(body: unknown, wrapper: 'quota_set' | 'quota_class_set', known: string[]): Record<string, number> {
  const inner = isObject(body) ? body[wrapper] : undefined;
  if (!isObject(inner)) throw badRequest(`Missing required element '${wrapper}' in request body.`);
  const extra = Object.keys(body as object).filter((k) => k !== wrapper);
  if (extra.length > 0) throw badRequest(`Invalid input: additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} unexpected).`);
  if (Object.keys(inner).length === 0) throw badRequest(`Invalid input for field/attribute ${wrapper}: it does not have enough properties.`);
  const skip = wrapper === 'quota_set' ? NON_QUOTA_KEYS : [];
  const bad = Object.keys(inner).filter((k) => !known.includes(k) && !skip.includes(k));
  if (bad.length > 0) {
    const what = wrapper === 'quota_set' ? 'quota set' : 'quota class set';
    throw badRequest(`Invalid input received: Bad key(s) in ${what}: ${bad.join(', ')}`);
  }
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(inner)) {
    if (skip.includes(key)) continue;
    out[key] = limitValue(key, value);
  }
  return out;
}
