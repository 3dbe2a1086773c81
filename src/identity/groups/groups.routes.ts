import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { IdParams } from '../domains/domains.schemas.js';
import { GroupCreate, GroupListQuery, GroupUpdate, GroupUsersQuery, MembershipParams } from './groups.schemas.js';
import type { GroupService } from './groups.service.js';

type Params = { group_id: string };
type Membership = { group_id: string; user_id: string };

export function groupRoutes(deps: IdentityDeps, groups: GroupService): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('group_id');

    app.get<{ Querystring: GroupListQuery }>('/v3/groups', { schema: { querystring: GroupListQuery } }, async (req) => ({
      groups: await groups.list(caller(req), req.query),
      links: collectionLinks(deps.config, 'groups'),
    }));

    app.post<{ Body: { group: GroupCreate } }>('/v3/groups', {
      schema: { body: Type.Object({ group: GroupCreate }) },
    }, async (req, reply) => reply.code(201).send({ group: await groups.create(caller(req), req.body.group) }));

    app.get<{ Params: Params }>('/v3/groups/:group_id', { schema: { params } }, async (req) => ({
      group: await groups.show(caller(req), req.params.group_id),
    }));

    app.patch<{ Params: Params; Body: { group: GroupUpdate } }>('/v3/groups/:group_id', {
      schema: { params, body: Type.Object({ group: GroupUpdate }) },
    }, async (req) => ({ group: await groups.update(caller(req), req.params.group_id, req.body.group) }));

    app.delete<{ Params: Params }>('/v3/groups/:group_id', { schema: { params } }, async (req, reply) => {
      await groups.remove(caller(req), req.params.group_id);
      return reply.code(204).send();
    });

    app.get<{ Params: Params; Querystring: GroupUsersQuery }>('/v3/groups/:group_id/users', {
      schema: { params, querystring: GroupUsersQuery },
    }, async (req) => ({
      users: await groups.listUsers(caller(req), req.params.group_id, req.query),
      links: collectionLinks(deps.config, `groups/${req.params.group_id}/users`),
    }));

    const member = '/v3/groups/:group_id/users/:user_id';
    app.put<{ Params: Membership }>(member, { schema: { params: MembershipParams } }, async (req, reply) => {
      await groups.addUser(caller(req), req.params.group_id, req.params.user_id);
      return reply.code(204).send();
    });

    // Keystone answers GET and HEAD alike here: 204 for a member, 404 otherwise.
    app.route<{ Params: Membership }>({
      method: ['GET', 'HEAD'], url: member, schema: { params: MembershipParams },
      handler: async (req, reply) => {
        await groups.checkUser(caller(req), req.params.group_id, req.params.user_id);
        return reply.code(204).send();
      },
    });

    app.delete<{ Params: Membership }>(member, { schema: { params: MembershipParams } }, async (req, reply) => {
      await groups.removeUser(caller(req), req.params.group_id, req.params.user_id);
      return reply.code(204).send();
    });

    app.get<{ Params: { user_id: string }; Querystring: { name?: string } }>('/v3/users/:user_id/groups', {
      schema: { params: IdParams('user_id'), querystring: Type.Object({ name: Type.Optional(Type.String()) }, { additionalProperties: true }) },
    }, async (req) => ({
      groups: await groups.listForUser(caller(req), req.params.user_id, req.query),
      links: collectionLinks(deps.config, `users/${req.params.user_id}/groups`),
    }));
  };
}
