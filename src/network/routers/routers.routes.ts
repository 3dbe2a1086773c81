// Neutron's routers: /v2.0/routers with add/remove_router_interface and add/remove_extraroutes.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { listResponse, project, type Query } from '../collection.js';
import type { NetworkContext } from '../context.js';
import { addRouterInterface, removeRouterInterface } from './router-interfaces.js';
import { ROUTER_ATTRIBUTES } from './router-view.js';
import { changeExtraRoutes, createRouter, deleteRouter, listRouterViews, showRouter, updateRouter } from './routers.service.js';

type Id = { Params: { id: string } };

export function routerRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const publicUrl = ctx.deps.config.publicUrl;
  return async (app) => {
    app.get('/routers', async (req) => {
      const views = await listRouterViews(ctx, caller(req));
      return listResponse(req, publicUrl, 'routers', ROUTER_ATTRIBUTES, views);
    });
    app.post('/routers', async (req, reply) => {
      const router = await createRouter(ctx, caller(req), req.body);
      return reply.code(201).send({ router });
    });
    app.get<Id>('/routers/:id', async (req) => ({ router: project(await showRouter(ctx, caller(req), req.params.id), req.query as Query) }));
    app.put<Id>('/routers/:id', async (req) => ({ router: await updateRouter(ctx, caller(req), req.params.id, req.body) }));
    app.delete<Id>('/routers/:id', async (req, reply) => {
      await deleteRouter(ctx, caller(req), req.params.id);
      return reply.code(204).send();
    });
    app.put<Id>('/routers/:id/add_router_interface', async (req) => addRouterInterface(ctx, caller(req), req.params.id, req.body));
    app.put<Id>('/routers/:id/remove_router_interface', async (req) => removeRouterInterface(ctx, caller(req), req.params.id, req.body));
    app.put<Id>('/routers/:id/add_extraroutes', async (req) => ({ router: await changeExtraRoutes(ctx, caller(req), req.params.id, req.body, true) }));
    app.put<Id>('/routers/:id/remove_extraroutes', async (req) => ({ router: await changeExtraRoutes(ctx, caller(req), req.params.id, req.body, false) }));
  };
}
