// Version discovery at /network/ and the resource list at /network/v2.0/, as Neutron answers them.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../platform/config.js';

const RESOURCES = ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule', 'rbac_policy', 'quota', 'extension'];
const collectionOf = (r: string) => (r === 'quota' ? 'quotas' : r === 'rbac_policy' ? 'rbac-policies' : r === 'security_group' ? 'security-groups'
  : r === 'security_group_rule' ? 'security-group-rules' : `${r}s`);

export function networkVersionRoutes(config: Config): FastifyPluginAsync {
  const base = `${config.publicUrl}/network`;
  const v2 = { id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${base}/v2.0/` }] };
  return async (app) => {
    const pub = { config: { public: true } };
    app.get('/', pub, async () => ({ versions: [v2] }));
    const resources = async () => ({
      resources: RESOURCES.map((name) => ({ name, collection: collectionOf(name).replace(/-/g, '_'),
        links: [{ rel: 'self', href: `${base}/v2.0/${collectionOf(name)}` }] })),
    });
    app.get('/v2.0', pub, resources);
    app.get('/v2.0/', pub, resources);
  };
}
