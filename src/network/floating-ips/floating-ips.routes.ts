// Neutron's floating IPs: /v2.0/floatingips.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { listResponse, project, type Query } from '../collection.js';
import type { NetworkContext } from '../context.js';
import { FIP_ATTRIBUTES } from './floating-ip-view.js';
import { createFloatingIp, deleteFloatingIp, listFloatingIpViews, showFloatingIp, updateFloatingIp } from './floating-ips.service.js';

type Id = { Params: { id: string } };

export function floatingIpRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const publicUrl = ctx.deps.config.publicUrl;
  return async (app) => {
    app.get('/floatingips', async (req) => {
      const views = await listFloatingIpViews(ctx, caller(req));
      return listResponse(req, publicUrl, 'floatingips', FIP_ATTRIBUTES, views);
    });
    app.post('/floatingips', async (req, reply) => {
      const floatingip = await createFloatingIp(ctx, caller(req), req.body);
      return reply.code(201).send({ floatingip });
    });
    app.get<Id>('/floatingips/:id', async (req) =>
      ({ floatingip: project(await showFloatingIp(ctx, caller(req), req.params.id), req.query as Query) }));
    app.put<Id>('/floatingips/:id', async (req) => ({ floatingip: await updateFloatingIp(ctx, caller(req), req.params.id, req.body) }));
    app.delete<Id>('/floatingips/:id', async (req, reply) => {
      await deleteFloatingIp(ctx, caller(req), req.params.id);
      return reply.code(204).send();
    });
  };
}
