import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { containsNul } from './nul-guard.js';

/** Deeper bodies are refused: no OpenStack request nests past a dozen levels, and code that
 *  walks a body recursively (JSON.stringify of free-form attributes) overflows its stack. */
export const MAX_JSON_DEPTH = 100;

/** Whether JSON text nests arrays/objects deeper than `max` (brackets inside strings ignored). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return false;
}

/**
 * JSON bodies, where an empty body counts as no body: OpenStack clients send
 * `Content-Type: application/json` on bodiless PUT/DELETE requests.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(/^application\/(.+\+)?json(-patch)?(\+json)?/, { parseAs: 'string' }, parseJsonBody);
}

/** The JSON body parser itself, for services whose media types the pattern above does not
 *  cover (Glance's `application/openstack-images-v2.1-json-patch`). */
export function parseJsonBody(_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const text = String(body);
  if (text.trim() === '') return done(null, undefined);
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return done(new ApiError(400, `Malformed request body: JSON nested more than ${MAX_JSON_DEPTH} levels deep.`), undefined);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return done(new ApiError(400, 'Malformed request body: it is not valid JSON.'), undefined);
  }
  // JSON can only carry a NUL as the escape \u0000; walk the value only when the text has one.
  if (/\\u0000/i.test(text) && containsNul(parsed)) {
    return done(new ApiError(400, 'Invalid input: strings in the request body may not contain NUL characters.'), undefined);
  }
  done(null, parsed);
}
