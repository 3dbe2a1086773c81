import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { parseJsonBody } from '../../platform/http/json-parser.js';
import type { ImageDeps } from '../common.js';
import { listImages } from './images.list.js';
import type { ImageService } from './images.service.js';

type Params = { image_id: string };
type TagParams = Params & { tag: string };

const PATCH_TYPES = ['application/openstack-images-v2.1-json-patch', 'application/openstack-images-v2.0-json-patch'];

export function imageRoutes(deps: ImageDeps, images: ImageService): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser(PATCH_TYPES, { parseAs: 'string' }, parseJsonBody);

    app.post('/v2/images', async (req, reply) => {
      const image = await images.create(caller(req), req.body);
      return reply.code(201).header('location', `${deps.config.publicUrl}/image/v2/images/${String(image.id)}`).send(image);
    });

    app.get('/v2/images', async (req) =>
      listImages(deps, caller(req), req.query as Record<string, string | string[] | undefined>));

    app.get<{ Params: Params }>('/v2/images/:image_id', async (req) => images.show(caller(req), req.params.image_id));

    app.patch<{ Params: Params }>('/v2/images/:image_id', async (req) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (!PATCH_TYPES.includes(type)) {
        throw new ApiError(415, `Unsupported Content-Type '${type}'; send ${PATCH_TYPES[0]}.`);
      }
      return images.update(caller(req), req.params.image_id, req.body);
    });

    app.delete<{ Params: Params }>('/v2/images/:image_id', async (req, reply) => {
      await images.remove(caller(req), req.params.image_id);
      return reply.code(204).send();
    });

    app.put<{ Params: TagParams }>('/v2/images/:image_id/tags/:tag', async (req, reply) => {
      await images.addTag(caller(req), req.params.image_id, req.params.tag);
      return reply.code(204).send();
    });

    app.delete<{ Params: TagParams }>('/v2/images/:image_id/tags/:tag', async (req, reply) => {
      await images.removeTag(caller(req), req.params.image_id, req.params.tag);
      return reply.code(204).send();
    });

    app.post<{ Params: Params }>('/v2/images/:image_id/actions/deactivate', async (req, reply) => {
      await images.setActive(caller(req), req.params.image_id, false);
      return reply.code(204).send();
    });

    app.post<{ Params: Params }>('/v2/images/:image_id/actions/reactivate', async (req, reply) => {
      await images.setActive(caller(req), req.params.image_id, true);
      return reply.code(204).send();
    });
  };
}
