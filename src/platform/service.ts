import type { FastifyPluginAsync } from 'fastify';
import type { ErrorBodyFormat } from './http/error-handler.js';

/** How a service (identity, compute, image…) plugs into the one HTTP server and the catalog. */
export interface ServiceModule {
  /** Catalog type, e.g. `identity`, `compute`. */
  readonly type: string;
  /** Catalog name, e.g. `keystone`. */
  readonly name: string;
  /** Path prefix under the server root, e.g. `/identity`. */
  readonly prefix: string;
  /** Endpoint path put in the catalog, relative to the public URL (may hold `$(project_id)s`). */
  readonly catalogPath: string;
  /** The service's own error body. */
  readonly errorFormat: ErrorBodyFormat;
  /** Registered under `prefix`. */
  readonly routes: FastifyPluginAsync;
}
