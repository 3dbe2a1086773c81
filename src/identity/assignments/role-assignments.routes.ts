import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { RoleAssignmentQuery } from './role-assignments.schemas.js';
import type { RoleAssignmentService } from './role-assignments.service.js';

export function roleAssignmentRoutes(deps: IdentityDeps, assignments: RoleAssignmentService): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: RoleAssignmentQuery }>('/v3/role_assignments', {
      schema: { querystring: RoleAssignmentQuery },
    }, async (req) => {
      // Keystone's self link repeats the filters the list was asked with.
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      return {
        role_assignments: await assignments.list(caller(req), req.query),
        links: collectionLinks(deps.config, `role_assignments${query}`),
      };
    });
  };
}
