import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext, TokenValidator } from '../auth-context.js';
import { unauthorized } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, or null when the request carried no valid token. */
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    /** Routes reachable without a token (version discovery, token issue). */
    public?: boolean;
  }
}

/** Validates X-Auth-Token on every request and refuses non-public routes without one. */
export function installAuthHook(app: FastifyInstance, tokens: TokenValidator): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req) => {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string' && token !== '') req.auth = await tokens.authenticate(token);
    if (!req.auth && !req.routeOptions.config?.public) throw unauthorized();
  });
}

/** The caller of an authenticated route (the hook guarantees one). */
export function caller(req: FastifyRequest): AuthContext {
  if (!req.auth) throw unauthorized();
  return req.auth;
}
