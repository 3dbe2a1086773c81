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
import { RegionService } from './regions/regions.service.js';
import { regionRoutes } from './regions/regions.routes.js';
import { CatalogServices } from './services/services.service.js';
import { catalogServiceRoutes } from './services/services.routes.js';
import { EndpointService } from './endpoints/endpoints.service.js';
import { endpointRoutes } from './endpoints/endpoints.routes.js';
import { ApplicationCredentialService } from './application-credentials/application-credentials.service.js';
import { applicationCredentialRoutes } from './application-credentials/application-credentials.routes.js';
import { GroupService } from './groups/groups.service.js';
import { groupRoutes } from './groups/groups.routes.js';
import { RoleService } from './roles/roles.service.js';
import { roleRoutes } from './roles/roles.routes.js';
import { ImpliedRoleService } from './roles/implied-roles.service.js';
import { impliedRoleRoutes } from './roles/implied-roles.routes.js';
import { GrantService } from './assignments/grants.service.js';
import { grantRoutes } from './assignments/grants.routes.js';
import { RoleAssignmentService } from './assignments/role-assignments.service.js';
import { roleAssignmentRoutes } from './assignments/role-assignments.routes.js';

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
  const regions = new RegionService(deps);
  const catalogServices = new CatalogServices(deps);
  const endpoints = new EndpointService(deps, regions);
  const appCreds = new ApplicationCredentialService(deps);
  const groups = new GroupService(deps, domains, users);
  const roles = new RoleService(deps, domains);
  const impliedRoles = new ImpliedRoleService(deps, roles);
  const grants = new GrantService(deps, { domains, projects, users, groups, roles });
  const roleAssignments = new RoleAssignmentService(deps, projects);

  const plugins: FastifyPluginAsync[] = [
    versionRoutes(platform.config),
    tokenRoutes(deps, tokens, projects, domains),
    domainRoutes(deps, domains),
    projectRoutes(deps, projects),
    userRoutes(deps, users, projects),
    regionRoutes(deps, regions),
    catalogServiceRoutes(deps, catalogServices),
    endpointRoutes(deps, endpoints),
    applicationCredentialRoutes(deps, appCreds),
    groupRoutes(deps, groups),
    roleRoutes(deps, roles),
    impliedRoleRoutes(impliedRoles),
    grantRoutes(deps, grants),
    roleAssignmentRoutes(deps, roleAssignments),
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
