import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { IdParams } from '../domains/domains.schemas.js';
import { ServiceCreate, ServiceListQuery, ServiceUpdate } from './services.schemas.js';
import type { CatalogServices } from './services.service.js';

type Params = { service_id: string };

export function catalogServiceRoutes(deps: IdentityDeps, services: CatalogServices): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('service_id');

    app.get<{ Querystring: ServiceListQuery }>('/v3/services', { schema: { querystring: ServiceListQuery } }, async (req) => ({
      services: await services.list(caller(req), req.query),
      links: collectionLinks(deps.config, 'services'),
    }));

    app.post<{ Body: { service: ServiceCreate } }>('/v3/services', {
      schema: { body: Type.Object({ service: ServiceCreate }) },
    }, async (req, reply) => reply.code(201).send({ service: await services.create(caller(req), req.body.service) }));

    app.get<{ Params: Params }>('/v3/services/:service_id', { schema: { params } }, async (req) => ({
      service: await services.show(caller(req), req.params.service_id),
    }));

    app.patch<{ Params: Params; Body: { service: ServiceUpdate } }>('/v3/services/:service_id', {
      schema: { params, body: Type.Object({ service: ServiceUpdate }) },
    }, async (req) => ({ service: await services.update(caller(req), req.params.service_id, req.body.service) }));

    app.delete<{ Params: Params }>('/v3/services/:service_id', { schema: { params } }, async (req, reply) => {
      await services.remove(caller(req), req.params.service_id);
      return reply.code(204).send();
    });
  };
}
