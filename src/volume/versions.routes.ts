// Version discovery at /volume/ and /volume/v3/, in the shape keystoneauth and cinderclient expect.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../platform/config.js';
import { MAX_VERSION, MIN_VERSION } from './microversions.js';

const UPDATED = '2022-08-31T00:00:00Z';

export function volumeVersionRoutes(config: Config): FastifyPluginAsync {
  const base = `${config.publicUrl}/volume`;
  const v3 = () => ({
    id: 'v3.0', status: 'CURRENT', version: MAX_VERSION, min_version: MIN_VERSION, updated: UPDATED,
    links: [{ rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' }, { rel: 'self', href: `${base}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  });
  return async (app) => {
    const pub = { config: { public: true } };
    const list = async () => ({ versions: [v3()] });
    app.get('/', pub, list);
    app.get('/v3', pub, list);
    app.get('/v3/', pub, list);
  };
}
