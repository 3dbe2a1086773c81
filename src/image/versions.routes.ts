import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../platform/config.js';

// Glance lists every v2 minor version it speaks; 2.9 added os_hidden and the sha512 hash.
// Import (2.6+) is listed in /v2/info/import with no methods until it is implemented.
const MINORS = ['2.9', '2.8', '2.7', '2.6', '2.5', '2.4', '2.3', '2.2', '2.1', '2.0'];

function versions(config: Config) {
  const href = `${config.publicUrl}/image/v2/`;
  return MINORS.map((v, i) => ({ id: `v${v}`, status: i === 0 ? 'CURRENT' : 'SUPPORTED', links: [{ rel: 'self', href }] }));
}

/** Version discovery: /image answers 300 (as Glance's root does), /image/versions 200. */
export function imageVersionRoutes(config: Config): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { public: true } }, async (_req, reply) => reply.code(300).send({ versions: versions(config) }));
    app.get('/versions', { config: { public: true } }, async () => ({ versions: versions(config) }));
  };
}
