import type { FastifyPluginAsync } from 'fastify';
import type { ComputeContext } from '../context.js';

// STUB: replaced by the slice's implementation.
export function serverRoutes(_ctx: ComputeContext): FastifyPluginAsync {
  return async () => undefined;
}
