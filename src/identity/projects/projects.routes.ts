import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionLinks, type IdentityDeps } from '../common.js';
import { IdParams } from '../domains/domains.schemas.js';
import { ProjectCreate, ProjectListQuery, ProjectUpdate } from './projects.schemas.js';
import type { ProjectService } from './projects.service.js';

type Params = { project_id: string };

export function projectRoutes(deps: IdentityDeps, projects: ProjectService): FastifyPluginAsync {
  return async (app) => {
    const params = IdParams('project_id');

    app.get<{ Querystring: ProjectListQuery }>('/v3/projects', { schema: { querystring: ProjectListQuery } }, async (req) => ({
      projects: await projects.list(caller(req), req.query),
      links: collectionLinks(deps.config, 'projects'),
    }));

    app.post<{ Body: { project: ProjectCreate } }>('/v3/projects', {
      schema: { body: Type.Object({ project: ProjectCreate }) },
    }, async (req, reply) => reply.code(201).send({ project: await projects.create(caller(req), req.body.project) }));

    app.get<{ Params: Params }>('/v3/projects/:project_id', { schema: { params } }, async (req) => ({
      project: await projects.show(caller(req), req.params.project_id),
    }));

    app.patch<{ Params: Params; Body: { project: ProjectUpdate } }>('/v3/projects/:project_id', {
      schema: { params, body: Type.Object({ project: ProjectUpdate }) },
    }, async (req) => ({ project: await projects.update(caller(req), req.params.project_id, req.body.project) }));

    app.delete<{ Params: Params }>('/v3/projects/:project_id', { schema: { params } }, async (req, reply) => {
      await projects.remove(caller(req), req.params.project_id);
      return reply.code(204).send();
    });
  };
}
