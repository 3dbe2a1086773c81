// /snapshots/{id}/metadata: show, merge (POST), replace (PUT), and one key (GET/PUT/DELETE), as Cinder.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, now, parseMetadata, target, unwrap } from '../common.js';
import type { VolumeContext } from '../context.js';
import { snapshotMetadata } from './snapshot-view.js';
import { loadVisibleSnapshot } from './snapshot-access.js';

type Params = { snapshot_id: string; key: string };
const itemNotFound = () => new ApiError(404, 'Metadata item was not found.');

export function snapshotMetadataRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;

  /** The snapshot (visible, allowed `rule`). */
  const load = async (req: FastifyRequest, rule: string) => {
    const auth = caller(req);
    const row = await loadVisibleSnapshot(deps, auth, (req.params as Params).snapshot_id);
    enforce(deps, auth, rule, target(auth, row.project_id));
    return row;
  };
  const current = async (id: string) => (await snapshotMetadata(deps, [id])).get(id) ?? {};

  /** Writes `metadata` over the snapshot's (all of it when `replace`), in one transaction. */
  const write = async (id: string, metadata: Record<string, string>, replace: boolean) => {
    await deps.db.transaction().execute(async (trx) => {
      let del = trx.deleteFrom('volume_snapshot_metadata').where('snapshot_id', '=', id);
      if (!replace) {
        const keys = Object.keys(metadata);
        if (keys.length === 0) return;
        del = del.where('key', 'in', keys);
      }
      await del.execute();
      const rows = Object.entries(metadata).map(([key, value]) => ({ snapshot_id: id, key, value }));
      if (rows.length) await trx.insertInto('volume_snapshot_metadata').values(rows).execute();
      await trx.updateTable('volume_snapshot').set({ updated_at: now() }).where('id', '=', id).execute();
    });
  };

  return async (app) => {
    app.get<{ Params: Params }>('/snapshots/:snapshot_id/metadata', async (req) => {
      const row = await load(req, 'volume:get_snapshot_metadata');
      return { metadata: await current(row.id) };
    });

    app.post<{ Params: Params }>('/snapshots/:snapshot_id/metadata', async (req) => {
      const metadata = parseMetadata(metadataOf(req.body));
      const row = await load(req, 'volume:update_snapshot_metadata');
      await write(row.id, metadata, false);
      return { metadata: await current(row.id) };
    });

    app.put<{ Params: Params }>('/snapshots/:snapshot_id/metadata', async (req) => {
      const metadata = parseMetadata(metadataOf(req.body));
      const row = await load(req, 'volume:update_snapshot_metadata');
      await write(row.id, metadata, true);
      return { metadata };
    });

    app.get<{ Params: Params }>('/snapshots/:snapshot_id/metadata/:key', async (req) => {
      const row = await load(req, 'volume:get_snapshot_metadata');
      const all = await current(row.id);
      if (!(req.params.key in all)) throw itemNotFound();
      return { meta: { [req.params.key]: all[req.params.key] } };
    });

    app.put<{ Params: Params }>('/snapshots/:snapshot_id/metadata/:key', async (req) => {
      const meta = parseMetadata(unwrap(req.body, 'meta'), 'meta');
      const keys = Object.keys(meta);
      if (keys.length > 1) throw badRequest('Request body contains too many items.');
      if (keys[0] !== req.params.key) throw badRequest('Request body and URI mismatch.');
      const row = await load(req, 'volume:update_snapshot_metadata');
      await write(row.id, meta, false);
      return { meta };
    });

    app.delete<{ Params: Params }>('/snapshots/:snapshot_id/metadata/:key', async (req, reply) => {
      const row = await load(req, 'volume:delete_snapshot_metadata');
      const res = await deps.db.deleteFrom('volume_snapshot_metadata').where('snapshot_id', '=', row.id)
        .where('key', '=', req.params.key).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw itemNotFound();
      return reply.code(200).send();
    });
  };
}

/** The `metadata` object of a body, or Cinder's 400. */
function metadataOf(body: unknown): unknown {
  const b = body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
  if (!b || !('metadata' in b)) throw badRequest("Missing required element 'metadata' in request body.");
  return b.metadata;
}
