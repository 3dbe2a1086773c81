// Nova's server metadata API: /servers/{server_id}/metadata and /metadata/{key}. POST merges,
// PUT on the collection replaces, PUT on a key sets that one key; all answer 200 with the
// metadata (Nova keeps 200 for POST "for backwards compatibility"), DELETE answers 204.
import type { FastifyPluginAsync } from 'fastify';
import { badRequest } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import type { ComputeContext } from '../context.js';
import { ServerMetadataService } from './server-metadata.service.js';
import { validateMetadata, wrapped } from './server-metadata.validate.js';

type Params = { server_id: string };
type KeyParams = Params & { key: string };

export function serverMetadataRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const metadata = new ServerMetadataService(ctx.deps);
  return async (app) => {
    app.get<{ Params: Params }>('/servers/:server_id/metadata', async (req) =>
      ({ metadata: await metadata.list(caller(req), req.params.server_id) }));

    app.post<{ Params: Params }>('/servers/:server_id/metadata', async (req) => {
      const items = validateMetadata(wrapped(req.body, 'metadata'));
      return { metadata: await metadata.write(caller(req), req.params.server_id, items, false, 'create') };
    });

    app.put<{ Params: Params }>('/servers/:server_id/metadata', async (req) => {
      const items = validateMetadata(wrapped(req.body, 'metadata'));
      return { metadata: await metadata.write(caller(req), req.params.server_id, items, true, 'update_all') };
    });

    app.get<{ Params: KeyParams }>('/servers/:server_id/metadata/:key', async (req) =>
      ({ meta: await metadata.show(caller(req), req.params.server_id, req.params.key) }));

    app.put<{ Params: KeyParams }>('/servers/:server_id/metadata/:key', async (req) => {
      const meta = validateMetadata(wrapped(req.body, 'meta'), 'meta');
      const keys = Object.keys(meta);
      if (keys.length !== 1) {
        throw badRequest(`Invalid input for field/attribute meta: it must hold exactly one item, it holds ${keys.length}`);
      }
      if (keys[0] !== req.params.key) throw badRequest('Request body and URI mismatch');
      await metadata.write(caller(req), req.params.server_id, meta, false, 'update');
      return { meta };
    });

    app.delete<{ Params: KeyParams }>('/servers/:server_id/metadata/:key', async (req, reply) => {
      await metadata.remove(caller(req), req.params.server_id, req.params.key);
      return reply.code(204).send();
    });
  };
}
