// Nova's server tags API (microversion 2.26+): /servers/{server_id}/tags and /tags/{tag}.
// Below 2.26 these paths do not exist for the caller: 404, as Nova answers.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import type { ComputeContext } from '../context.js';
import { has } from '../microversions.js';
import { wrapped } from '../server-metadata/server-metadata.validate.js';
import { ServerTagService } from './server-tags.service.js';
import { validateTags } from './server-tags.validate.js';

type Params = { server_id: string };
type TagParams = Params & { tag: string };

function requireTagsVersion(req: FastifyRequest): void {
  if (!has(req, 'serverTags')) throw notFound('The resource could not be found.');
}

export function serverTagRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const tags = new ServerTagService(ctx.deps);
  const tagUrl = (serverId: string, tag: string) =>
    `${ctx.deps.config.publicUrl}/compute/v2.1/servers/${encodeURIComponent(serverId)}/tags/${encodeURIComponent(tag)}`;
  return async (app) => {
    // This plugin is its own scope: the hook sees only the tag routes, before any body is read.
    app.addHook('onRequest', async (req) => requireTagsVersion(req));

    app.get<{ Params: Params }>('/servers/:server_id/tags', async (req) => ({ tags: await tags.list(caller(req), req.params.server_id) }));

    app.put<{ Params: Params }>('/servers/:server_id/tags', async (req) => {
      const list = validateTags(wrapped(req.body, 'tags'));
      return { tags: await tags.replace(caller(req), req.params.server_id, list) };
    });

    app.delete<{ Params: Params }>('/servers/:server_id/tags', async (req, reply) => {
      await tags.removeAll(caller(req), req.params.server_id);
      return reply.code(204).send();
    });

    app.get<{ Params: TagParams }>('/servers/:server_id/tags/:tag', async (req, reply) => {
      await tags.check(caller(req), req.params.server_id, req.params.tag);
      return reply.code(204).send();
    });

    app.put<{ Params: TagParams }>('/servers/:server_id/tags/:tag', async (req, reply) => {
      const created = await tags.add(caller(req), req.params.server_id, req.params.tag);
      if (!created) return reply.code(204).send();
      return reply.code(201).header('location', tagUrl(req.params.server_id, req.params.tag)).send();
    });

    app.delete<{ Params: TagParams }>('/servers/:server_id/tags/:tag', async (req, reply) => {
      await tags.remove(caller(req), req.params.server_id, req.params.tag);
      return reply.code(204).send();
    });
  };
}
