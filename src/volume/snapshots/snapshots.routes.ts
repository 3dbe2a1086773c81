// /snapshots: create, list (summary and detail), show, update, delete, metadata and the admin actions.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest } from '../common.js';
import { countOf, nextLinks, type Query } from '../collection.js';
import type { VolumeContext } from '../context.js';
import { has } from '../microversions.js';
import { snapshotMetadataRoutes } from './snapshot-metadata.routes.js';
import { snapshotView, snapshotViews } from './snapshot-view.js';
import { SnapshotService } from './snapshots.service.js';

type Params = { snapshot_id: string };

export function snapshotRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const snapshots = new SnapshotService(ctx);
  const { deps } = ctx;
  return async (app) => {
    app.post('/snapshots', async (req, reply) => {
      const row = await snapshots.create(caller(req), req.body);
      return reply.code(202).send({ snapshot: await snapshotView(deps, req, row) });
    });

    for (const detail of [false, true]) {
      app.get(detail ? '/snapshots/detail' : '/snapshots', async (req) => {
        const { page, paging } = await snapshots.list(caller(req), req.query as Query);
        return {
          snapshots: await snapshotViews(deps, req, page.items, detail),
          ...nextLinks(req, deps.config.publicUrl, 'snapshots', page.next),
          ...countOf(paging, page, has(req, 'volumeCount')),
        };
      });
    }

    app.get<{ Params: Params }>('/snapshots/:snapshot_id', async (req) =>
      ({ snapshot: await snapshotView(deps, req, await snapshots.show(caller(req), req.params.snapshot_id)) }));

    app.put<{ Params: Params }>('/snapshots/:snapshot_id', async (req) =>
      ({ snapshot: await snapshotView(deps, req, await snapshots.update(caller(req), req.params.snapshot_id, req.body)) }));

    app.delete<{ Params: Params }>('/snapshots/:snapshot_id', async (req, reply) => {
      await snapshots.remove(caller(req), req.params.snapshot_id);
      return reply.code(202).send();
    });

    app.post<{ Params: Params }>('/snapshots/:snapshot_id/action', async (req, reply) => {
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body as Record<string, unknown> : {};
      const auth = caller(req);
      const id = req.params.snapshot_id;
      if ('os-reset_status' in body) await snapshots.resetStatus(auth, id, body['os-reset_status']);
      else if ('os-force_delete' in body) await snapshots.remove(auth, id, true);
      else throw badRequest('There is no such action: ' + (Object.keys(body)[0] ?? '(none)'));
      return reply.code(202).send();
    });

    await app.register(snapshotMetadataRoutes(ctx));
  };
}
