import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { IdParams } from '../domains/domains.schemas.js';
import { EndpointCreate, EndpointListQuery, EndpointUpdate } from './endpoints.schemas.js';
import type { EndpointService } from './endpoints.service.js';

type Params = { endpoint_id: string };

export function endpointRoutes(deps: IdentityDeps, endpoints: EndpointService): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('endpoint_id');

    app.get<{ Querystring: EndpointListQuery }>('/v3/endpoints', { schema: { querystring: EndpointListQuery } }, async (req) => ({
      endpoints: await endpoints.list(caller(req), req.query),
      links: collectionLinks(deps.config, 'endpoints'),
    }));

    app.post<{ Body: { endpoint: EndpointCreate } }>('/v3/endpoints', {
      schema: { body: Type.Object({ endpoint: EndpointCreate }) },
    }, async (req, reply) => reply.code(201).send({ endpoint: await endpoints.create(caller(req), req.body.endpoint) }));

    app.get<{ Params: Params }>('/v3/endpoints/:endpoint_id', { schema: { params } }, async (req) => ({
      endpoint: await endpoints.show(caller(req), req.params.endpoint_id),
    }));

    app.patch<{ Params: Params; Body: { endpoint: EndpointUpdate } }>('/v3/endpoints/:endpoint_id', {
      schema: { params, body: Type.Object({ endpoint: EndpointUpdate }) },
    }, async (req) => ({ endpoint: await endpoints.update(caller(req), req.params.endpoint_id, req.body.endpoint) }));

    app.delete<{ Params: Params }>('/v3/endpoints/:endpoint_id', { schema: { params } }, async (req, reply) => {
      await endpoints.remove(caller(req), req.params.endpoint_id);
      return reply.code(204).send();
    });
  };
}
