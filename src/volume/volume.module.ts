import type { FastifyPluginAsync } from 'fastify';
import { novaErrorBody } from '../platform/http/error-handler.js';
import type { Platform } from '../platform/platform.js';
import type { ServiceModule } from '../platform/service.js';
import { caller } from '../platform/http/auth-hook.js';
import { attachmentRoutes } from './attachments/attachments.routes.js';
import { availabilityZoneRoutes } from './availability-zones/availability-zones.routes.js';
import { backupRoutes } from './backups/backups.routes.js';
import { checkUrlProject, type VolumeDeps } from './common.js';
import { agentFor, type VolumeContext } from './context.js';
import type { VolumeImageAccess } from './image-access.js';
import { limitRoutes } from './limits/limits.routes.js';
import { createVolumeManager } from './manager/volume-manager.js';
import { messageRoutes } from './messages/messages.routes.js';
import { installVolumeMicroversions } from './microversions.js';
import { qosSpecRoutes } from './qos-specs/qos-specs.routes.js';
import { quotaRoutes } from './quotas/quotas.routes.js';
import { createBackendScheduler } from './scheduler/backend-scheduler.js';
import { serviceRoutes } from './services/services.routes.js';
import { snapshotRoutes } from './snapshots/snapshots.routes.js';
import { transferRoutes } from './transfers/transfers.routes.js';
import { volumeVersionRoutes } from './versions.routes.js';
import { volumeActionRoutes } from './volume-actions/volume-actions.routes.js';
import { volumeTypeRoutes } from './volume-types/volume-types.routes.js';
import type { VolumeDb } from './volume.tables.js';
import { volumeRoutes } from './volumes/volumes.routes.js';

export interface Volume {
  readonly module: ServiceModule;
  readonly ctx: VolumeContext;
}

/** Cinder: the block storage API under /volume (v3 at /volume/v3/{project_id}). */
export function createVolume(platform: Platform, images: VolumeImageAccess): Volume {
  const deps: VolumeDeps = {
    db: platform.database.db as VolumeDb, policy: platform.policy, config: platform.config, bus: platform.bus, log: platform.log, images,
  };
  const partial = { deps, scheduler: createBackendScheduler(deps), agent: agentFor(deps) } as { -readonly [K in keyof VolumeContext]: VolumeContext[K] };
  partial.manager = createVolumeManager(partial);
  const ctx: VolumeContext = partial;
  const slices = [volumeRoutes, volumeActionRoutes, volumeTypeRoutes, quotaRoutes, limitRoutes, availabilityZoneRoutes, serviceRoutes,
    snapshotRoutes, backupRoutes, transferRoutes, attachmentRoutes, messageRoutes, qosSpecRoutes];
  const v3: FastifyPluginAsync = async (app) => {
    installVolumeMicroversions(app);
    // Every v3 URL names a project: it must be the token's (admins may name any).
    app.addHook('preHandler', async (req) => {
      const projectId = (req.params as { project_id?: string }).project_id;
      if (projectId !== undefined && req.auth) checkUrlProject(deps, caller(req), projectId);
    });
    for (const slice of slices) await app.register(slice(ctx));
  };
  const module: ServiceModule = {
    type: 'block-storage',
    name: 'cinder',
    prefix: '/volume',
    catalogPath: '/volume/v3/$(project_id)s',
    errorFormat: novaErrorBody,
    routes: async (app) => {
      await app.register(volumeVersionRoutes(platform.config));
      await app.register(v3, { prefix: '/v3/:project_id' });
    },
  };
  return { module, ctx };
}
