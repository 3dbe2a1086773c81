// /v2.0/networks: thin handlers over networks.service.ts.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { project, listResponse, type Query } from '../collection.js';
import { isAdmin } from '../common.js';
import type { NetworkContext } from '../context.js';
import { createBodies, singleBody } from './attributes.js';
import { ipAvailabilityRoutes } from './ip-availability.routes.js';
import { NETWORK_ATTRIBUTES, PROVIDER_ATTRIBUTES } from './network-view.js';
import { createNetworks, deleteNetwork, listNetworks, showNetwork, updateNetwork } from './networks.service.js';

type Params = { network_id: string };

export function networkRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    await app.register(ipAvailabilityRoutes(ctx));

    app.get('/networks', async (req) => {
      const auth = caller(req);
      const views = await listNetworks(ctx, auth);
      const attrs = isAdmin(deps, auth) ? [...NETWORK_ATTRIBUTES, ...PROVIDER_ATTRIBUTES] : [...NETWORK_ATTRIBUTES];
      return listResponse(req, deps.config.publicUrl, 'networks', attrs, views, { extraFilters: ['tags'] });
    });

    app.post('/networks', async (req, reply) => {
      const auth = caller(req);
      const { bodies, bulk } = createBodies(req.body, 'network', 'networks');
      const views = await createNetworks(ctx, auth, bodies);
      return reply.code(201).send(bulk ? { networks: views } : { network: views[0] });
    });

    app.get<{ Params: Params }>('/networks/:network_id', async (req) => {
      const view = await showNetwork(ctx, caller(req), req.params.network_id);
      return { network: project(view, req.query as Query) };
    });

    app.put<{ Params: Params }>('/networks/:network_id', async (req) => {
      const view = await updateNetwork(ctx, caller(req), req.params.network_id, singleBody(req.body, 'network'));
      return { network: view };
    });

    app.delete<{ Params: Params }>('/networks/:network_id', async (req, reply) => {
      await deleteNetwork(ctx, caller(req), req.params.network_id);
      return reply.code(204).send();
    });
  };
}
