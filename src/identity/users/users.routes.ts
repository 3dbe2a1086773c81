import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { targetsOfUser } from '../assignments/effective-roles.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { IdParams } from '../domains/domains.schemas.js';
import type { ProjectService } from '../projects/projects.service.js';
import { PasswordChange, UserCreate, UserListQuery, UserUpdate } from './users.schemas.js';
import type { UserService } from './users.service.js';

type Params = { user_id: string };

export function userRoutes(deps: IdentityDeps, users: UserService, projects: ProjectService): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('user_id');

    app.get<{ Querystring: UserListQuery }>('/v3/users', { schema: { querystring: UserListQuery } }, async (req) => ({
      users: await users.list(caller(req), req.query),
      links: collectionLinks(deps.config, 'users'),
    }));

    app.post<{ Body: { user: UserCreate } }>('/v3/users', {
      schema: { body: Type.Object({ user: UserCreate }) },
    }, async (req, reply) => reply.code(201).send({ user: await users.create(caller(req), req.body.user) }));

    app.get<{ Params: Params }>('/v3/users/:user_id', { schema: { params } }, async (req) => ({
      user: await users.show(caller(req), req.params.user_id),
    }));

    app.patch<{ Params: Params; Body: { user: UserUpdate } }>('/v3/users/:user_id', {
      schema: { params, body: Type.Object({ user: UserUpdate }) },
    }, async (req) => ({ user: await users.update(caller(req), req.params.user_id, req.body.user) }));

    app.delete<{ Params: Params }>('/v3/users/:user_id', { schema: { params } }, async (req, reply) => {
      await users.remove(caller(req), req.params.user_id);
      return reply.code(204).send();
    });

    app.post<{ Params: Params; Body: PasswordChange }>('/v3/users/:user_id/password', {
      schema: { params, body: PasswordChange },
    }, async (req, reply) => {
      const { password, original_password } = req.body.user;
      await users.changePassword(caller(req), req.params.user_id, original_password, password);
      return reply.code(204).send();
    });

    app.get<{ Params: Params }>('/v3/users/:user_id/projects', { schema: { params } }, async (req) => {
      const auth = caller(req);
      const userId = req.params.user_id;
      deps.policy.enforce(auth, 'identity:list_user_projects', { user: { id: userId } });
      await users.get(userId);
      const ids = await targetsOfUser(deps.db, userId, 'project');
      const rows = ids.length
        ? await deps.db.selectFrom('project').selectAll().where('id', 'in', ids).orderBy('name').execute()
        : [];
      return { projects: rows.map((r) => projects.view(r)), links: collectionLinks(deps.config, `users/${userId}/projects`) };
    });
  };
}
