import type { FastifyPluginAsync } from 'fastify';
import { novaErrorBody } from '../platform/http/error-handler.js';
import type { Platform } from '../platform/platform.js';
import type { ServiceModule } from '../platform/service.js';
import { aggregateRoutes } from './aggregates/aggregates.routes.js';
import { availabilityZoneRoutes } from './availability-zones/availability-zones.routes.js';
import type { ComputeDeps } from './common.js';
import type { ComputeDb } from './compute.tables.js';
import { consolePageRoutes, consoleRoutes } from './consoles/consoles.routes.js';
import { agentFor, type ComputeContext } from './context.js';
import { Conductor } from './conductor/conductor.js';
import { flavorRoutes } from './flavors/flavors.routes.js';
import { hypervisorRoutes } from './hypervisors/hypervisors.routes.js';
import type { ImageAccess } from './image-access.js';
import type { NetworkAccess } from './network-access.js';
import type { VolumeAccess } from './volume-access.js';
import { keypairRoutes } from './keypairs/keypairs.routes.js';
import { installMicroversions } from './microversions.js';
import { quotaRoutes } from './quotas/quotas.routes.js';
import { createScheduler } from './scheduler/scheduler.js';
import { serverGroupRoutes } from './server-groups/server-groups.routes.js';
import { serverRoutes } from './servers/servers.routes.js';
import { serverMetadataRoutes } from './server-metadata/server-metadata.routes.js';
import { serverTagRoutes } from './server-tags/server-tags.routes.js';
import { instanceActionRoutes } from './instance-actions/instance-actions.routes.js';
import { interfaceRoutes } from './interfaces/interfaces.routes.js';
import { volumeAttachmentRoutes } from './volume-attachments/volume-attachments.routes.js';
import { serviceRoutes } from './services/services.routes.js';
import { usageRoutes } from './usage/usage.routes.js';
import { computeVersionRoutes } from './versions.routes.js';

export interface Compute {
  readonly module: ServiceModule;
  readonly ctx: ComputeContext;
}

/** Nova: the compute API under /compute (v2.1 at /compute/v2.1). */
export function createCompute(platform: Platform, images: ImageAccess, network: NetworkAccess, volumes: VolumeAccess): Compute {
  const deps: ComputeDeps = {
    db: platform.database.db as ComputeDb, policy: platform.policy, config: platform.config,
    bus: platform.bus, log: platform.log, images, network, volumes,
  };
  const partial = { deps, scheduler: createScheduler(deps), agent: agentFor(deps) } as { -readonly [K in keyof ComputeContext]: ComputeContext[K] };
  partial.conductor = new Conductor(partial);
  const ctx: ComputeContext = partial;
  const slices = [flavorRoutes, keypairRoutes, serverRoutes, aggregateRoutes, availabilityZoneRoutes, serviceRoutes,
    hypervisorRoutes, quotaRoutes, usageRoutes, serverGroupRoutes, consoleRoutes, serverMetadataRoutes, serverTagRoutes, instanceActionRoutes, interfaceRoutes, volumeAttachmentRoutes];
  const v21: FastifyPluginAsync = async (app) => {
    installMicroversions(app);
    for (const slice of slices) await app.register(slice(ctx));
  };
  const module: ServiceModule = {
    type: 'compute',
    name: 'nova',
    prefix: '/compute',
    catalogPath: '/compute/v2.1',
    errorFormat: novaErrorBody,
    routes: async (app) => {
      await app.register(computeVersionRoutes(platform.config));
      // The browser console (noVNC page and its websocket), beside the versioned API.
      await app.register(consolePageRoutes(ctx), { prefix: '/console' });
      await app.register(v21, { prefix: '/v2.1' });
    },
  };
  return { module, ctx };
}
