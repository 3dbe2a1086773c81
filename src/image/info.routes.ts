import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../platform/http/auth-hook.js';
import type { ImageStore } from './store/image-store.js';

/** /v2/info/*: what this Glance can do, for clients that ask before uploading. */
export function infoRoutes(store: ImageStore): FastifyPluginAsync {
  return async (app) => {
    app.get('/v2/info/import', async (req) => {
      caller(req);
      // Interoperable import (glance-direct, web-download) is not implemented yet: none listed.
      return { 'import-methods': { description: 'Import methods available.', type: 'array', value: [] } };
    });
    app.get('/v2/info/stores', async (req) => {
      caller(req);
      return { stores: [{ id: store.name, description: 'Images as files in the state directory.', default: true }] };
    });
  };
}
