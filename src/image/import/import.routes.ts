import type { FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import type { ImportService } from './import.service.js';

type Params = { image_id: string };

const MAX_IMAGE_BYTES = 1024 ** 4;

/** Interoperable import: staging (`PUT /stage`) and `POST /import`. */
export function importRoutes(imports: ImportService): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    // Background imports use the database: let them settle before it closes.
    app.addHook('onClose', async () => { await imports.idle(); });

    app.put<{ Params: Params }>('/v2/images/:image_id/stage', { bodyLimit: MAX_IMAGE_BYTES }, async (req, reply) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/octet-stream') {
        throw new ApiError(415, `Unsupported Content-Type '${type}' for image data; send application/octet-stream.`);
      }
      const length = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
      await imports.stage(caller(req), req.params.image_id, req.body as Readable, Number.isSafeInteger(length) ? length : undefined)
        .catch((err: unknown) => {
          // Over quota the rest of the body is left unread: close rather than read it all.
          if (err instanceof ApiError && err.status === 413) reply.header('connection', 'close');
          throw err;
        });
      return reply.code(204).send();
    });

    app.post<{ Params: Params }>('/v2/images/:image_id/import', async (req, reply) => {
      await imports.start(caller(req), req.params.image_id, req.body);
      return reply.code(202).send();
    });
  };
}
