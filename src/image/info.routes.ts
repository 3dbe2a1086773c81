import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../platform/http/auth-hook.js';
import type { ImageDeps } from './common.js';
import { IMPORT_METHODS } from './import/import.service.js';
import { projectUsage } from './quota/image-quota.js';

const MIB = 1024 * 1024;

/** /v2/info/*: what this Glance can do, for clients that ask before uploading. */
export function infoRoutes(deps: ImageDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/v2/info/import', async (req) => {
      caller(req);
      return { 'import-methods': { description: 'Import methods available.', type: 'array', value: [...IMPORT_METHODS] } };
    });
    app.get('/v2/info/stores', async (req) => {
      caller(req);
      return { stores: [{ id: deps.store.name, description: 'Images as files in the state directory.', default: true }] };
    });
    // The caller's project against its limits, as Glance reports unified limits: sizes in MiB.
    app.get('/v2/info/usage', async (req) => {
      const auth = caller(req);
      const used = auth.projectId ? await projectUsage(deps, auth.projectId) : { images: 0, bytes: 0, uploading: 0 };
      const staged = auth.projectId ? await stagedBytes(deps, auth.projectId) : 0;
      const { imageQuotaImages: images, imageQuotaBytes: bytes } = deps.config;
      const mib = (n: number) => (n < 0 ? -1 : Math.floor(n / MIB));
      return {
        usage: {
          image_size_total: { limit: mib(bytes), usage: Math.ceil(used.bytes / MIB) },
          image_stage_total: { limit: mib(bytes), usage: Math.ceil(staged / MIB) },
          image_count_total: { limit: images, usage: used.images },
          image_count_uploading: { limit: images, usage: used.uploading },
        },
      };
    });
  };
}

/** Bytes the project's images hold in the staging area (staged, not yet imported). */
async function stagedBytes(deps: ImageDeps, projectId: string): Promise<number> {
  const staged = new Set(deps.staging.ids());
  if (!staged.size) return 0;
  const rows = await deps.db.selectFrom('image').select('id').where('owner', '=', projectId)
    .where('status', 'in', ['uploading', 'importing']).execute();
  let total = 0;
  for (const { id } of rows) if (staged.has(id)) total += deps.staging.sizeOf(id);
  return total;
}
