// The dashboard at `/`: the single-page app's index for its own paths, and its built assets. It
// talks to the cloud only through the public APIs listed in the Keystone catalog, like the CLI.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { dashboardBuilt, dashboardFile, defaultDashboardRoot } from './dashboard-files.js';

/** Where the app lives in the browser; every other path belongs to the services. */
export const DASHBOARD_PATHS = ['/', '/login', '/project', '/project/*', '/admin', '/admin/*'] as const;

// Scripts and styles only from here; frames only from here (the compute console page).
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
  + "img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const NOT_BUILT = '<!doctype html><title>Nubis</title><p>The dashboard is not built: run <code>make build</code>.</p>';

export async function registerDashboard(app: FastifyInstance, root = defaultDashboardRoot()): Promise<void> {
  const secure = (reply: FastifyReply) => reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');

  const index = async (_req: unknown, reply: FastifyReply) => {
    const file = dashboardBuilt(root) ? await dashboardFile(root, 'index.html') : null;
    return secure(reply).type('text/html; charset=utf-8').header('cache-control', 'no-store')
      .send(file ? file.body : NOT_BUILT);
  };
  for (const path of DASHBOARD_PATHS) app.get(path, { config: { public: true } }, index);

  app.get<{ Params: { '*': string } }>('/assets/*', { config: { public: true } }, async (req, reply) => {
    const file = await dashboardFile(root, `assets/${req.params['*']}`);
    if (!file) return reply.code(404).type('text/plain').send('Not Found');
    return secure(reply).type(file.type)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache').send(file.body);
  });
  app.get('/favicon.svg', { config: { public: true } }, async (_req, reply) => {
    const file = await dashboardFile(root, 'favicon.svg');
    if (!file) return reply.code(404).type('text/plain').send('Not Found');
    return secure(reply).type(file.type).header('cache-control', 'public, max-age=86400').send(file.body);
  });
}
