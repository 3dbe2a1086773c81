import type { FastifyPluginAsync } from 'fastify';
import { neutronErrorBody } from '../platform/http/error-handler.js';
import type { Platform } from '../platform/platform.js';
import type { ServiceModule } from '../platform/service.js';
import type { NetworkDeps } from './common.js';
import type { NetworkContext } from './context.js';
import { createDataplaneSync } from './dataplane/dataplane-sync.js';
import { autoAllocatedTopologyRoutes } from './auto-allocated/auto-allocated.routes.js';
import { extensionRoutes } from './extensions/extensions.routes.js';
import { floatingIpRoutes } from './floating-ips/floating-ips.routes.js';
import type { NetworkDb } from './network.tables.js';
import { networkRoutes } from './networks/networks.routes.js';
import { portRoutes } from './ports/ports.routes.js';
import { quotaRoutes } from './quotas/quotas.routes.js';
import { rbacRoutes } from './rbac/rbac.routes.js';
import { routerRoutes } from './routers/routers.routes.js';
import { securityGroupRoutes } from './security-groups/security-groups.routes.js';
import { subnetRoutes } from './subnets/subnets.routes.js';
import { tagRoutes } from './tags/tags.routes.js';
import { networkVersionRoutes } from './versions.routes.js';

export interface Network {
  readonly module: ServiceModule;
  readonly ctx: NetworkContext;
}

/** Neutron: the network API under /network (v2.0 at /network/v2.0). */
export function createNetwork(platform: Platform): Network {
  const deps: NetworkDeps = {
    db: platform.database.db as NetworkDb, policy: platform.policy, config: platform.config, bus: platform.bus, log: platform.log,
  };
  // Always the real sync: it pushes only to hosts whose agents registered (none in API-only tests).
  const ctx: NetworkContext = { deps, sync: createDataplaneSync(deps) };
  const slices = [networkRoutes, subnetRoutes, portRoutes, securityGroupRoutes, routerRoutes, floatingIpRoutes, rbacRoutes,
    quotaRoutes, tagRoutes, extensionRoutes, autoAllocatedTopologyRoutes];
  const v20: FastifyPluginAsync = async (app) => {
    for (const slice of slices) await app.register(slice(ctx));
  };
  const module: ServiceModule = {
    type: 'network',
    name: 'neutron',
    prefix: '/network',
    catalogPath: '/network',
    errorFormat: neutronErrorBody,
    routes: async (app) => {
      await app.register(networkVersionRoutes(platform.config));
      await app.register(v20, { prefix: '/v2.0' });
    },
  };
  return { module, ctx };
}
