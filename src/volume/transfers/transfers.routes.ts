// Volume transfers under both of Cinder's paths: /os-volume-transfer (every version) and
// /volume-transfers (3.55+, where `no_snapshots` arrived): create, list, detail, show, delete, accept.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { ApiError } from '../../platform/errors.js';
import { formatVersion, parseVersion } from '../../platform/http/microversion.js';
import { countOf, nextLinks, type Query } from '../collection.js';
import type { VolumeContext } from '../context.js';
import { has, MIN_VERSION } from '../microversions.js';
import { acceptTransfer } from './transfer-accept.js';
import { transferDetail, transferSummary } from './transfer-view.js';
import { TransferService } from './transfers.service.js';

type Params = { transfer_id: string };

export function transferRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const transfers = new TransferService(ctx);
  const { deps } = ctx;
  return async (app) => {
    for (const base of ['/os-volume-transfer', '/volume-transfers']) {
      /** /volume-transfers exists from 3.55 on; below it Cinder answers 404. */
      const check = (req: FastifyRequest): void => {
        if (base === '/volume-transfers' && !has(req, 'transferSnapshots')) {
          throw new ApiError(404, `API version ${formatVersion(req.volumeVersion ?? parseVersion(MIN_VERSION)!)} is not supported on this method.`);
        }
      };

      app.post(base, async (req, reply) => {
        check(req);
        const { row, authKey } = await transfers.create(caller(req), req.body, has(req, 'transferSnapshots'));
        return reply.code(202).send({ transfer: transferDetail(deps, req, row, authKey) });
      });

      for (const detail of [false, true]) {
        app.get(detail ? `${base}/detail` : base, async (req) => {
          check(req);
          const { page, paging } = await transfers.list(caller(req), req.query as Query);
          return {
            transfers: page.items.map((r) => (detail ? transferDetail(deps, req, r) : transferSummary(deps, req, r))),
            ...nextLinks(req, deps.config.publicUrl, 'transfers', page.next),
            ...countOf(paging, page, has(req, 'volumeCount')),
          };
        });
      }

      app.get<{ Params: Params }>(`${base}/:transfer_id`, async (req) => {
        check(req);
        return { transfer: transferDetail(deps, req, await transfers.show(caller(req), req.params.transfer_id)) };
      });

      app.delete<{ Params: Params }>(`${base}/:transfer_id`, async (req, reply) => {
        check(req);
        await transfers.remove(caller(req), req.params.transfer_id);
        return reply.code(202).send();
      });

      app.post<{ Params: Params }>(`${base}/:transfer_id/accept`, async (req, reply) => {
        check(req);
        const row = await acceptTransfer(ctx, caller(req), req.params.transfer_id, req.body);
        return reply.code(202).send({ transfer: transferSummary(deps, req, row) });
      });
    }
  };
}
