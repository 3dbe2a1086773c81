import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { IdParams } from '../domains/domains.schemas.js';
import { ImplicationParams } from './roles.schemas.js';
import type { ImpliedRoleService } from './implied-roles.service.js';

type Rule = { prior_role_id: string; implied_role_id: string };

export function impliedRoleRoutes(implied: ImpliedRoleService): FastifyPluginAsync {
  return async (app) => {
    const rule = '/v3/roles/:prior_role_id/implies/:implied_role_id';
    const params = ImplicationParams;

    app.put<{ Params: Rule }>(rule, { schema: { params } }, async (req, reply) =>
      reply.code(201).send(await implied.create(caller(req), req.params.prior_role_id, req.params.implied_role_id)));

    // Declared before GET so Fastify does not generate a HEAD that would send the body's length.
    app.head<{ Params: Rule }>(rule, { schema: { params } }, async (req, reply) => {
      await implied.show(caller(req), req.params.prior_role_id, req.params.implied_role_id, 'identity:check_implied_role');
      return reply.code(204).send();
    });

    app.get<{ Params: Rule }>(rule, { schema: { params } }, async (req) =>
      implied.show(caller(req), req.params.prior_role_id, req.params.implied_role_id));

    app.delete<{ Params: Rule }>(rule, { schema: { params } }, async (req, reply) => {
      await implied.remove(caller(req), req.params.prior_role_id, req.params.implied_role_id);
      return reply.code(204).send();
    });

    app.get<{ Params: { prior_role_id: string } }>('/v3/roles/:prior_role_id/implies', {
      schema: { params: IdParams('prior_role_id') },
    }, async (req) => implied.listFor(caller(req), req.params.prior_role_id));

    app.get('/v3/role_inferences', async (req) => implied.listAll(caller(req)));
  };
}
