import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../platform/config.js';

// Identity API v3.14 (Keystone Ussuri and later), the version python-openstackclient 6 expects.
const version = (config: Config) => ({
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${config.publicUrl}/identity/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
});

/** Version discovery at /identity (300 Multiple Choices, as Keystone answers) and /identity/v3. */
export function versionRoutes(config: Config): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { public: true } }, async (_req, reply) =>
      reply.code(300).send({ versions: { values: [version(config)] } }));
    app.get('/v3', { config: { public: true } }, async () => ({ version: version(config) }));
    app.get('/v3/', { config: { public: true } }, async () => ({ version: version(config) }));
  };
}
