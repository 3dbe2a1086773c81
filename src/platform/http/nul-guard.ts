import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

// PostgreSQL text cannot hold U+0000 (it fails the whole statement), SQLite can: refusing it at
// the door gives one 400 on both engines instead of a 500 on one of them.

/** Whether a parsed JSON value has a NUL character in any string, keys included. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k.includes('\0') || containsNul(v));
  }
  return false;
}

/** Refuses path parameters and query strings that decode to text with NUL characters. */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (containsNul(req.params)) throw badRequest('Invalid value in the URL path: NUL characters are not allowed.');
    for (const [name, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
      if (name.includes('\0') || containsNul(value)) {
        throw badRequest(`Invalid value for query parameter '${name.replaceAll('\0', '')}': NUL characters are not allowed.`);
      }
    }
  });
}
