import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import type { TargetType } from './effective-roles.js';
import type { ActorType, GrantKey, GrantService } from './grants.service.js';

const Segment = Type.String({ minLength: 1, maxLength: 255 });

interface Shape { targetType: TargetType; actorType: ActorType; prefix: string; targetParam?: string; actorParam: string }

/** The eight URL families of Keystone grants: {project, domain, system} × {user, group}. */
const shapes: Shape[] = (['user', 'group'] as const).flatMap((actorType) => [
  { targetType: 'project', actorType, prefix: `/v3/projects/:project_id/${actorType}s/:${actorType}_id`, targetParam: 'project_id', actorParam: `${actorType}_id` },
  { targetType: 'domain', actorType, prefix: `/v3/domains/:domain_id/${actorType}s/:${actorType}_id`, targetParam: 'domain_id', actorParam: `${actorType}_id` },
  { targetType: 'system', actorType, prefix: `/v3/system/${actorType}s/:${actorType}_id`, actorParam: `${actorType}_id` },
]);

type Params = Record<string, string>;

export function grantRoutes(deps: IdentityDeps, grants: GrantService): FastifyPluginAsync {
  return async (app) => {
    for (const s of shapes) {
      const names = [s.actorParam, ...(s.targetParam ? [s.targetParam] : [])];
      const listParams = Type.Object(Object.fromEntries(names.map((n) => [n, Segment])));
      const oneParams = Type.Object(Object.fromEntries([...names, 'role_id'].map((n) => [n, Segment])));
      const key = (req: FastifyRequest<{ Params: Params }>): GrantKey => ({
        actorType: s.actorType,
        actorId: req.params[s.actorParam]!,
        targetType: s.targetType,
        targetId: s.targetParam ? req.params[s.targetParam]! : 'all',
      });
      const collection = (req: FastifyRequest<{ Params: Params }>) => {
        const k = key(req);
        const where = k.targetType === 'system' ? 'system' : `${k.targetType}s/${k.targetId}`;
        return `${where}/${k.actorType}s/${k.actorId}/roles`;
      };

      app.get<{ Params: Params }>(`${s.prefix}/roles`, { schema: { params: listParams } }, async (req) => ({
        roles: await grants.list(caller(req), key(req)),
        links: collectionLinks(deps.config, collection(req)),
      }));

      app.put<{ Params: Params }>(`${s.prefix}/roles/:role_id`, { schema: { params: oneParams } }, async (req, reply) => {
        await grants.create(caller(req), key(req), req.params.role_id!);
        return reply.code(204).send();
      });

      // Keystone answers GET and HEAD alike: 204 if the grant exists, 404 if not.
      app.route<{ Params: Params }>({
        method: ['GET', 'HEAD'], url: `${s.prefix}/roles/:role_id`, schema: { params: oneParams },
        handler: async (req, reply) => {
          await grants.check(caller(req), key(req), req.params.role_id!);
          return reply.code(204).send();
        },
      });

      app.delete<{ Params: Params }>(`${s.prefix}/roles/:role_id`, { schema: { params: oneParams } }, async (req, reply) => {
        await grants.revoke(caller(req), key(req), req.params.role_id!);
        return reply.code(204).send();
      });
    }
  };
}
