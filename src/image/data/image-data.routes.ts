import type { FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import type { ImageDataService } from './image-data.service.js';

type Params = { image_id: string };

/** Images are large: the body is streamed to the store, so the limit only bounds the upload. */
const MAX_IMAGE_BYTES = 1024 ** 4;

export function imageDataRoutes(data: ImageDataService): FastifyPluginAsync {
  return async (app) => {
    // The raw request stream goes to the store untouched; nothing is buffered here.
    app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

    app.put<{ Params: Params }>('/v2/images/:image_id/file', { bodyLimit: MAX_IMAGE_BYTES }, async (req, reply) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/octet-stream') {
        throw new ApiError(415, `Unsupported Content-Type '${type}' for image data; send application/octet-stream.`);
      }
      const length = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
      await data.upload(caller(req), req.params.image_id, req.body as Readable, Number.isSafeInteger(length) ? length : undefined)
        .catch((err: unknown) => {
          // Over quota the rest of the body is left unread: close rather than read it all.
          if (err instanceof ApiError && err.status === 413) reply.header('connection', 'close');
          throw err;
        });
      return reply.code(204).send();
    });

    app.get<{ Params: Params }>('/v2/images/:image_id/file', async (req, reply) => {
      const range = req.headers.range;
      const dl = await data.download(caller(req), req.params.image_id, typeof range === 'string' ? range : undefined)
        .catch((err: unknown) => {
          // RFC 7233: a 416 names the size so the client can ask again.
          const total = (err as { total?: number }).total;
          if (err instanceof ApiError && err.status === 416 && total !== undefined) reply.header('content-range', `bytes */${total}`);
          throw err;
        });
      if (!dl) return reply.code(204).send();
      reply.header('content-type', 'application/octet-stream').header('content-length', String(dl.size));
      if (dl.md5) reply.header('content-md5', dl.md5);
      if (dl.range) {
        reply.code(206).header('content-range', `bytes ${dl.range.start}-${dl.range.end}/${dl.range.total}`);
      }
      return reply.send(dl.stream);
    });
  };
}
