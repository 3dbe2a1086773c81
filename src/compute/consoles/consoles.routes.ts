import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import type { ComputeContext } from '../context.js';
import { CONSOLE_PATH, createRemoteConsole } from './console-actions.js';
import { CONSOLE_CSP, consoleFile } from './console-page.js';
import { installConsoleProxy } from './console-proxy.js';

type ServerParams = { server_id: string };

/**
 * Under /compute/v2.1: POST /servers/{id}/remote-consoles (2.6+). The legacy `os-getVNCConsole`
 * and `os-getConsoleOutput` actions are served by the servers slice's action route, which calls
 * getVncConsole / getConsoleOutput from console-actions.ts.
 */
export function consoleRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: ServerParams }>('/servers/:server_id/remote-consoles', async (req) =>
      createRemoteConsole(ctx, req, caller(req), req.params.server_id, req.body));
  };
}

/**
 * Under /compute/console, outside the versioned API: the noVNC page and its library, and the
 * websocket at /compute/console/websockify. All public: a browser has no Keystone token, the
 * console token in the websocket URL is the credential.
 */
export function consolePageRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    // The websocket is answered on the root server's 'upgrade' event, before any route runs.
    const proxy = installConsoleProxy(app.server, ctx, `${CONSOLE_PATH}/websockify`);
    app.addHook('preClose', async () => proxy.close());

    app.get<{ Params: { '*': string } }>('/*', { config: { public: true } }, async (req, reply) => {
      const name = req.params['*'];
      const file = await consoleFile(name);
      if (!file) throw notFound(`The resource could not be found: ${CONSOLE_PATH}/${name}`);
      return reply.type(file.type)
        .header('cache-control', file.cache)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', CONSOLE_CSP)
        .send(file.body);
    });
  };
}
