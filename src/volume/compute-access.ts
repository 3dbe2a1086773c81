// Block storage as compute uses it in the same process (src/compute/volume-access.ts): the
// attachments flow Nova follows (reserve, connect, complete, begin detach, release), and volumes
// for boot from volume, through the same rules and state transitions as the HTTP API.
import { setTimeout as sleep } from 'node:timers/promises';
import type { VolumeAccess, VolumeInfo } from '../compute/volume-access.js';
import { ApiError } from '../platform/errors.js';
import { attachmentService } from './attachments/attachment-service.js';
import { createVolumeForCompute } from './attachments/volume-create-for-compute.js';
import { enforce, target } from './common.js';
import type { VolumeContext } from './context.js';
import { moveVolume, VOLUME_FROM } from './volume-states.js';
import { loadVisibleVolume } from './volumes/volume-access.js';
import type { VolumeRow } from './volume.tables.js';

export function createComputeVolumeAccess(ctx: VolumeContext): VolumeAccess {
  const deps = ctx.deps;
  const service = attachmentService(ctx);

  async function info(row: VolumeRow): Promise<VolumeInfo> {
    const atts = await deps.db.selectFrom('volume_attachment').select(['id', 'instance_uuid']).where('volume_id', '=', row.id).orderBy('created_at').execute();
    const meta = await deps.db.selectFrom('volume_image_metadata').select(['key', 'value']).where('volume_id', '=', row.id).execute();
    return {
      id: row.id, name: row.name, status: row.status, size: row.size, projectId: row.project_id,
      availabilityZone: row.availability_zone, bootable: row.bootable === 1, multiattach: row.multiattach === 1,
      attachments: atts.map((a) => ({ attachmentId: a.id, serverId: a.instance_uuid })),
      imageMetadata: Object.fromEntries(meta.map((m) => [m.key, m.value])),
    };
  }

  const visible = async (auth: Parameters<VolumeAccess['get']>[0], id: string): Promise<VolumeRow | null> =>
    loadVisibleVolume(deps, auth, id).catch((err) => { if (err instanceof ApiError && err.status === 404) return null; throw err; });

  return {
    async get(auth, id) {
      const row = await visible(auth, id);
      return row ? info(row) : null;
    },

    async reserve(auth, volumeId, instanceUuid) {
      const row = await visible(auth, volumeId);
      if (!row) throw new ApiError(404, `Volume ${volumeId} could not be found.`);
      enforce(deps, auth, 'volume:attachment_create', target(auth, row.project_id));
      return (await service.reserve(volumeId, instanceUuid)).id;
    },

    connect: (attachmentId, connector) => service.connect(attachmentId, connector),
    complete: (attachmentId, mountpoint) => service.complete(attachmentId, mountpoint),
    beginDetach: (attachmentId) => service.beginDetach(attachmentId),
    rollDetach: (attachmentId) => service.rollDetach(attachmentId),
    release: async (attachmentId) => { await service.release(attachmentId); },

    create: (auth, request, authToken) => createVolumeForCompute(ctx, auth, request, authToken),

    async waitUntilAvailable(id, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
        const row = await deps.db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw new Error(`Volume ${id} could not be found.`);
        if (row.status === 'available') return info(row);
        if (row.status !== 'creating' && row.status !== 'downloading') {
          throw new Error(`Volume ${id} did not become available: its status is ${row.status}${row.status_reason ? ` (${row.status_reason})` : ''}.`);
        }
        if (Date.now() > deadline) throw new Error(`Volume ${id} did not become available within ${Math.round(timeoutMs / 1000)} s (status ${row.status}).`);
        await sleep(wait);
      }
    },

    async delete(id) {
      const row = await deps.db.selectFrom('volume').select(['id', 'status']).where('id', '=', id).executeTakeFirst();
      if (!row || row.status === 'deleting') return;
      const left = await deps.db.selectFrom('volume_attachment').select('id').where('volume_id', '=', id).executeTakeFirst();
      if (left) throw new ApiError(400, `Invalid volume: Volume ${id} is still attached, detach volume first.`);
      await moveVolume(deps.db, id, VOLUME_FROM.delete, 'deleting', {}, 'delete');
      ctx.manager.deleteVolume(id, false);
    },
  };
}
