// /v2.0/subnets: thin handlers over subnets.service.ts.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { listResponse, project, type Query } from '../collection.js';
import type { NetworkContext } from '../context.js';
import { createBodies, singleBody } from '../networks/attributes.js';
import { SUBNET_ATTRIBUTES } from './subnet-view.js';
import { createSubnets, deleteSubnet, listSubnets, showSubnet, updateSubnet } from './subnets.service.js';

type Params = { subnet_id: string };

export function subnetRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get('/subnets', async (req) => {
      const views = await listSubnets(ctx, caller(req));
      return listResponse(req, deps.config.publicUrl, 'subnets', SUBNET_ATTRIBUTES, views);
    });

    app.post('/subnets', async (req, reply) => {
      const { bodies, bulk } = createBodies(req.body, 'subnet', 'subnets');
      const views = await createSubnets(ctx, caller(req), bodies);
      return reply.code(201).send(bulk ? { subnets: views } : { subnet: views[0] });
    });

    app.get<{ Params: Params }>('/subnets/:subnet_id', async (req) => {
      const view = await showSubnet(ctx, caller(req), req.params.subnet_id);
      return { subnet: project(view, req.query as Query) };
    });

    app.put<{ Params: Params }>('/subnets/:subnet_id', async (req) => {
      return { subnet: await updateSubnet(ctx, caller(req), req.params.subnet_id, singleBody(req.body, 'subnet')) };
    });

    app.delete<{ Params: Params }>('/subnets/:subnet_id', async (req, reply) => {
      await deleteSubnet(ctx, caller(req), req.params.subnet_id);
      return reply.code(204).send();
    });
  };
}
