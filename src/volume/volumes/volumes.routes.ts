// /volumes: create, list (summary and detail), summary totals, show, update, delete, and metadata.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { authToken, isAdmin, notFound } from '../common.js';
import { countOf, nextLinks, type Query } from '../collection.js';
import type { VolumeContext } from '../context.js';
import { has, MIN_VERSION } from '../microversions.js';
import { parseVersion, type ApiVersion } from '../../platform/http/microversion.js';
import type { VolumeRow } from '../volume.tables.js';
import { volumeMetadataRoutes } from './volume-metadata.routes.js';
import { listVolumes, volumeSummary as summaryOf } from './volume-list.js';
import { volumeSummary, volumeView } from './volume-view.js';
import { VolumeService } from './volumes.service.js';

type Params = { volume_id: string };

const versionOf = (req: FastifyRequest): ApiVersion => req.volumeVersion ?? parseVersion(MIN_VERSION)!;

export function volumeRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const volumes = new VolumeService(ctx);
  const { deps } = ctx;
  const detail = async (req: FastifyRequest, row: VolumeRow) =>
    (await volumeView(deps, [row], { version: versionOf(req), admin: isAdmin(deps, caller(req)) }))[0]!;

  return async (app) => {
    app.post('/volumes', async (req, reply) => {
      const row = await volumes.create(caller(req), req.body, versionOf(req), authToken(req));
      return reply.code(202).send({ volume: await detail(req, row) });
    });

    for (const withDetail of [false, true]) {
      app.get(withDetail ? '/volumes/detail' : '/volumes', async (req) => {
        const auth = caller(req);
        const { page, paging } = await listVolumes(deps, auth, req.query as Query, versionOf(req));
        const views = withDetail
          ? await volumeView(deps, page.items, { version: versionOf(req), admin: isAdmin(deps, auth) })
          : page.items.map((r) => volumeSummary(deps, r));
        return {
          volumes: views,
          ...nextLinks(req, deps.config.publicUrl, 'volumes', page.next),
          ...countOf(paging, page, has(req, 'volumeCount')),
        };
      });
    }

    app.get('/volumes/summary', async (req) => {
      // Before 3.12 there is no summary: Cinder reads "summary" as a volume id.
      if (!has(req, 'volumeSummary')) throw notFound.volume('summary');
      return summaryOf(deps, caller(req), req.query as Query, versionOf(req));
    });

    app.get<{ Params: Params }>('/volumes/:volume_id', async (req) =>
      ({ volume: await detail(req, await volumes.show(caller(req), req.params.volume_id)) }));

    app.put<{ Params: Params }>('/volumes/:volume_id', async (req) =>
      ({ volume: await detail(req, await volumes.update(caller(req), req.params.volume_id, req.body)) }));

    app.delete<{ Params: Params }>('/volumes/:volume_id', async (req, reply) => {
      await volumes.remove(caller(req), req.params.volume_id, req.query as Record<string, unknown>, versionOf(req));
      return reply.code(202).send();
    });

    await app.register(volumeMetadataRoutes(ctx));
  };
}
