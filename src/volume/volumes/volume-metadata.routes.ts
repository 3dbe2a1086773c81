// /volumes/{id}/metadata: a volume's user metadata, whole (GET, POST merges, PUT replaces) and by
// key (GET, PUT with `{"meta": {"k": "v"}}`, DELETE), as Cinder's volume_metadata controller.
import type { FastifyPluginAsync } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest, enforce, parseMetadata, target, unwrap, type VolumeDeps } from '../common.js';
import type { VolumeContext } from '../context.js';
import type { VolumeRow } from '../volume.tables.js';
import { loadVisibleVolume } from './volume-access.js';
import { volumeMetadata } from './volume-view.js';
import { checkMetadataWritable, writeMetadata } from './volumes.service.js';

type Params = { volume_id: string };
type KeyParams = Params & { key: string };

const missingKey = (volumeId: string, key: string) => new ApiError(404, `Volume ${volumeId} has no metadata with key ${key}.`);

async function load(deps: VolumeDeps, auth: AuthContext, id: string, rule: string): Promise<VolumeRow> {
  const row = await loadVisibleVolume(deps, auth, id);
  enforce(deps, auth, rule, target(auth, row.project_id));
  return row;
}

const metadataOf = async (deps: VolumeDeps, id: string) => (await volumeMetadata(deps, [id])).get(id) ?? {};

/** Writes and answers the whole metadata afterwards (merge for POST and PUT-by-key, replace for PUT). */
async function write(deps: VolumeDeps, volume: VolumeRow, metadata: Record<string, string>, merge: boolean): Promise<Record<string, string>> {
  checkMetadataWritable(volume, 'Updating');
  await deps.db.transaction().execute(async (trx) => {
    await writeMetadata(trx, volume.id, metadata, merge);
    await trx.updateTable('volume').set({ updated_at: new Date().toISOString() }).where('id', '=', volume.id).execute();
  });
  return metadataOf(deps, volume.id);
}

export function volumeMetadataRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get<{ Params: Params }>('/volumes/:volume_id/metadata', async (req) => {
      const volume = await load(deps, caller(req), req.params.volume_id, 'volume:get_volume_metadata');
      return { metadata: await metadataOf(deps, volume.id) };
    });

    app.post<{ Params: Params }>('/volumes/:volume_id/metadata', async (req) => {
      const metadata = parseMetadata(unwrap(req.body, 'metadata'));
      const volume = await load(deps, caller(req), req.params.volume_id, 'volume:create_volume_metadata');
      return { metadata: await write(deps, volume, metadata, true) };
    });

    app.put<{ Params: Params }>('/volumes/:volume_id/metadata', async (req) => {
      const metadata = parseMetadata(unwrap(req.body, 'metadata'));
      const volume = await load(deps, caller(req), req.params.volume_id, 'volume:update_volume_metadata');
      return { metadata: await write(deps, volume, metadata, false) };
    });

    app.get<{ Params: KeyParams }>('/volumes/:volume_id/metadata/:key', async (req) => {
      const volume = await load(deps, caller(req), req.params.volume_id, 'volume:get_volume_metadata');
      const metadata = await metadataOf(deps, volume.id);
      if (!(req.params.key in metadata)) throw missingKey(volume.id, req.params.key);
      return { meta: { [req.params.key]: metadata[req.params.key] } };
    });

    app.put<{ Params: KeyParams }>('/volumes/:volume_id/metadata/:key', async (req) => {
      const meta = parseMetadata(unwrap(req.body, 'meta'), 'meta');
      if (!(req.params.key in meta)) throw badRequest('Request body and URI mismatch');
      if (Object.keys(meta).length > 1) throw badRequest('Request body contains too many items');
      const volume = await load(deps, caller(req), req.params.volume_id, 'volume:update_volume_metadata');
      await write(deps, volume, meta, true);
      return { meta };
    });

    app.delete<{ Params: KeyParams }>('/volumes/:volume_id/metadata/:key', async (req, reply) => {
      const volume = await load(deps, caller(req), req.params.volume_id, 'volume:delete_volume_metadata');
      const key = req.params.key;
      checkMetadataWritable(volume, 'Deleting');
      const res = await deps.db.deleteFrom('volume_metadata').where('volume_id', '=', volume.id).where('key', '=', key).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw missingKey(volume.id, key);
      return reply.code(200).send();
    });
  };
}
