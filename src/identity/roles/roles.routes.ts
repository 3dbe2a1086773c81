import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { IdParams } from '../domains/domains.schemas.js';
import { RoleCreate, RoleListQuery, RoleUpdate } from './roles.schemas.js';
import type { RoleService } from './roles.service.js';

type Params = { role_id: string };

export function roleRoutes(deps: IdentityDeps, roles: RoleService): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('role_id');

    app.get<{ Querystring: RoleListQuery }>('/v3/roles', { schema: { querystring: RoleListQuery } }, async (req) => ({
      roles: await roles.list(caller(req), req.query),
      links: collectionLinks(deps.config, 'roles'),
    }));

    app.post<{ Body: { role: RoleCreate } }>('/v3/roles', {
      schema: { body: Type.Object({ role: RoleCreate }) },
    }, async (req, reply) => reply.code(201).send({ role: await roles.create(caller(req), req.body.role) }));

    app.get<{ Params: Params }>('/v3/roles/:role_id', { schema: { params } }, async (req) => ({
      role: await roles.show(caller(req), req.params.role_id),
    }));

    app.patch<{ Params: Params; Body: { role: RoleUpdate } }>('/v3/roles/:role_id', {
      schema: { params, body: Type.Object({ role: RoleUpdate }) },
    }, async (req) => ({ role: await roles.update(caller(req), req.params.role_id, req.body.role) }));

    app.delete<{ Params: Params }>('/v3/roles/:role_id', { schema: { params } }, async (req, reply) => {
      await roles.remove(caller(req), req.params.role_id);
      return reply.code(204).send();
    });
  };
}
