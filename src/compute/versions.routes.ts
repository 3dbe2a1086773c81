// Version discovery at /compute/ and /compute/v2.1/, in the shape keystoneauth expects.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../platform/config.js';
import { MAX_VERSION, MIN_VERSION } from './microversions.js';

const UPDATED = '2013-07-23T11:33:21Z';

export function computeVersionRoutes(config: Config): FastifyPluginAsync {
  const base = `${config.publicUrl}/compute`;
  const v21 = () => ({
    id: 'v2.1', status: 'CURRENT', version: MAX_VERSION, min_version: MIN_VERSION, updated: UPDATED,
    links: [{ rel: 'self', href: `${base}/v2.1/` }, { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  });
  const v20 = () => ({
    id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z',
    links: [{ rel: 'self', href: `${base}/v2/` }],
  });
  return async (app) => {
    const pub = { config: { public: true } };
    app.get('/', pub, async (_req, reply) => reply.send({ versions: [v20(), v21()] }));
    app.get('/v2.1', pub, async () => ({ version: v21() }));
    app.get('/v2.1/', pub, async () => ({ version: v21() }));
  };
}
