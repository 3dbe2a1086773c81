import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, queryBool, type IdentityDeps } from '../common.js';
import { DomainCreate, DomainUpdate, IdParams, ListQuery } from './domains.schemas.js';
import type { DomainService } from './domains.service.js';

type Params = { domain_id: string };

export function domainRoutes(deps: IdentityDeps, domains: DomainService): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('domain_id');

    app.get<{ Querystring: { name?: string; enabled?: string } }>('/v3/domains', { schema: { querystring: ListQuery } }, async (req) => ({
      domains: await domains.list(caller(req), { name: req.query.name, enabled: queryBool(req.query.enabled, 'enabled') }),
      links: collectionLinks(deps.config, 'domains'),
    }));

    app.post<{ Body: { domain: DomainCreate } }>('/v3/domains', {
      schema: { body: Type.Object({ domain: DomainCreate }) },
    }, async (req, reply) => reply.code(201).send({ domain: await domains.create(caller(req), req.body.domain) }));

    app.get<{ Params: Params }>('/v3/domains/:domain_id', { schema: { params } }, async (req) => ({
      domain: await domains.show(caller(req), req.params.domain_id),
    }));

    app.patch<{ Params: Params; Body: { domain: DomainUpdate } }>('/v3/domains/:domain_id', {
      schema: { params, body: Type.Object({ domain: DomainUpdate }) },
    }, async (req) => ({ domain: await domains.update(caller(req), req.params.domain_id, req.body.domain) }));

    app.delete<{ Params: Params }>('/v3/domains/:domain_id', { schema: { params } }, async (req, reply) => {
      await domains.remove(caller(req), req.params.domain_id);
      return reply.code(204).send();
    });
  };
}
