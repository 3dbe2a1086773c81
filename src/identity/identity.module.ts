import type { FastifyPluginAsync } from 'fastify';
import { keystoneErrorBody } from '../platform/http/error-handler.js';
import type { Platform } from '../platform/platform.js';
import type { ServiceModule } from '../platform/service.js';
import type { IdentityDeps } from './common.js';
import { DomainService } from './domains/domains.service.js';
import { domainRoutes } from './domains/domains.routes.js';
import type { IdentityDb } from './identity.tables.js';
import { ProjectService } from './projects/projects.service.js';
import { projectRoutes } from './projects/projects.routes.js';
import { TokenService } from './tokens/tokens.service.js';
import { tokenRoutes } from './tokens/tokens.routes.js';
import { UserService } from './users/users.service.js';
import { userRoutes } from './users/users.routes.js';
import { versionRoutes } from './versions.routes.js';

export interface Identity {
  readonly module: ServiceModule;
  readonly tokens: TokenService;
  readonly deps: IdentityDeps;
}

/** Keystone: builds the identity services and their routes under /identity. */
export function createIdentity(platform: Platform): Identity {
  const deps: IdentityDeps = { db: platform.database.db as IdentityDb, policy: platform.policy, config: platform.config };
  const domains = new DomainService(deps);
  const projects = new ProjectService(deps, domains);
  const users = new UserService(deps, domains);
  const tokens = new TokenService(deps);

  const plugins: FastifyPluginAsync[] = [
    versionRoutes(platform.config),
    tokenRoutes(deps, tokens, projects, domains),
    domainRoutes(deps, domains),
    projectRoutes(deps, projects),
    userRoutes(deps, users, projects),
  ];

  const module: ServiceModule = {
    type: 'identity',
    name: 'keystone',
    prefix: '/identity',
    catalogPath: '/identity',
    errorFormat: keystoneErrorBody,
    routes: async (app) => {
      for (const plugin of plugins) await app.register(plugin);
    },
  };
  return { module, tokens, deps };
}
