import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

/**
 * JSON bodies, where an empty body counts as no body: OpenStack clients send
 * `Content-Type: application/json` on bodiless PUT/DELETE requests.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(/^application\/(.+\+)?json(-patch)?(\+json)?/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError(400, 'Malformed request body: it is not valid JSON.'), undefined);
    }
  });
}
