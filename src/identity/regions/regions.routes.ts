import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { IdParams } from '../domains/domains.schemas.js';
import { RegionCreate, RegionListQuery, RegionUpdate } from './regions.schemas.js';
import type { RegionService } from './regions.service.js';

type Params = { region_id: string };

export function regionRoutes(deps: IdentityDeps, regions: RegionService): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('region_id');
    const createBody = Type.Object({ region: RegionCreate });

    app.get<{ Querystring: RegionListQuery }>('/v3/regions', { schema: { querystring: RegionListQuery } }, async (req) => ({
      regions: await regions.list(caller(req), req.query),
      links: collectionLinks(deps.config, 'regions'),
    }));

    app.post<{ Body: { region: RegionCreate } }>('/v3/regions', { schema: { body: createBody } },
      async (req, reply) => reply.code(201).send({ region: await regions.create(caller(req), req.body.region) }));

    app.put<{ Params: Params; Body: { region: RegionCreate } }>('/v3/regions/:region_id', { schema: { params, body: createBody } },
      async (req, reply) => reply.code(201).send({
        region: await regions.create(caller(req), req.body.region, req.params.region_id),
      }));

    app.get<{ Params: Params }>('/v3/regions/:region_id', { schema: { params } }, async (req) => ({
      region: await regions.show(caller(req), req.params.region_id),
    }));

    app.patch<{ Params: Params; Body: { region: RegionUpdate } }>('/v3/regions/:region_id', {
      schema: { params, body: Type.Object({ region: RegionUpdate }) },
    }, async (req) => ({ region: await regions.update(caller(req), req.params.region_id, req.body.region) }));

    app.delete<{ Params: Params }>('/v3/regions/:region_id', { schema: { params } }, async (req, reply) => {
      await regions.remove(caller(req), req.params.region_id);
      return reply.code(204).send();
    });
  };
}
