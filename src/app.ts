// Builds the whole cloud from a Config: database, bus, policy, services, HTTP server. Used by
// `nubis up` and by the tests, so both run exactly the same assembly.
import { existsSync, readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { identityMigrations } from './identity/identity.migrations.js';
import { identityPolicy } from './identity/identity.policy.js';
import { createIdentity, type Identity } from './identity/identity.module.js';
import { bootstrapIdentity, type BootstrapResult } from './identity/bootstrap.js';
import { imageMigrations } from './image/image.migrations.js';
import { imagePolicy } from './image/image.policy.js';
import { createImage } from './image/image.module.js';
import { computeMigrations } from './compute/compute.migrations.js';
import { computePolicy } from './compute/compute.policy.js';
import { createCompute, type Compute } from './compute/compute.module.js';
import { seedDefaultFlavors } from './compute/flavors/flavors.service.js';
import { startComputeAgents, type RunningAgents } from './agent/compute/start-agents.js';
import { networkMigrations } from './network/network.migrations.js';
import { networkPolicy } from './network/network.policy.js';
import { createNetwork, type Network } from './network/network.module.js';
import { ensureDefaultExternalNetwork } from './network/dataplane/default-external-network.js';
import { startNetworkAgent, type RunningNetworkAgent } from './agent/network/start-network-agent.js';
import { DEFAULT_DOMAIN_ID } from './identity/domains/domains.service.js';
import { createComputeNetworkAccess } from './network/compute-access.js';
import { volumeMigrations } from './volume/volume.migrations.js';
import { volumePolicy } from './volume/volume.policy.js';
import { createVolume, type Volume } from './volume/volume.module.js';
import { createComputeVolumeAccess } from './volume/compute-access.js';
import { ensureDefaultVolumeType } from './volume/volume-types/default-type.js';
import { startStorageAgents, type RunningStorageAgents } from './agent/storage/start-storage-agent.js';
import { registerDashboard } from './dashboard/dashboard.routes.js';
import type { Config } from './platform/config.js';
import { openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrations.js';
import { openBus } from './platform/bus/open-bus.js';
import { installAuthHook } from './platform/http/auth-hook.js';
import { frameworkErrorHandler, installErrorHandling, keystoneErrorBody } from './platform/http/error-handler.js';
import { installJsonParser } from './platform/http/json-parser.js';
import { installNulGuard } from './platform/http/nul-guard.js';
import { createLogger, type Logger } from './platform/logger.js';
import { Policy, type PolicyRules } from './platform/policy/policy.js';
import type { Platform } from './platform/platform.js';
import type { ServiceModule } from './platform/service.js';

export const MIGRATIONS = [...identityMigrations, ...imageMigrations, ...computeMigrations, ...networkMigrations, ...volumeMigrations];
export const DEFAULT_POLICY: PolicyRules = { ...identityPolicy, ...imagePolicy, ...computePolicy, ...networkPolicy, ...volumePolicy };

export interface Cloud {
  readonly app: FastifyInstance;
  readonly platform: Platform;
  readonly identity: Identity;
  readonly compute: Compute;
  readonly network: Network;
  readonly volume: Volume;
  /** This process's compute agents (none unless config.compute.driver is qemu or fake). */
  readonly agents: RunningAgents;
  /** This process's network agent (none unless config.network.dataplane is linuxbridge). */
  readonly networkAgent: RunningNetworkAgent;
  /** This process's storage agents (none unless config.volume.backends names some). */
  readonly storageAgents: RunningStorageAgents;
  readonly bootstrap: BootstrapResult;
  /** Every route registered, HEAD included (for tests that must cover all of them). */
  readonly routes: readonly RouteEntry[];
  close(): Promise<void>;
}

export interface RouteEntry { readonly method: string; readonly url: string }

export interface CloudOptions {
  /** Password for a newly created admin user (else NUBIS_ADMIN_PASSWORD, else random). */
  adminPassword?: string;
  logger?: Logger;
  /** Create DevStack's m1.* flavors when there are none (what `nubis up` does). */
  seedFlavors?: boolean;
}

function loadPolicyOverrides(file: string): PolicyRules {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PolicyRules;
  } catch (err) {
    throw new Error(`cannot read policy file ${file}: ${(err as Error).message}`);
  }
}

export async function createCloud(config: Config, opts: CloudOptions = {}): Promise<Cloud> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const policy = new Policy(DEFAULT_POLICY, loadPolicyOverrides(config.policyFile));
  const database = openDatabase(config.database);
  const bus = await openBus(config.bus).catch(async (err) => { await database.close(); throw err; });
  const platform: Platform = { config, database, bus, policy, log };
  try {
    await migrate(database.db, MIGRATIONS);
    const identity = createIdentity(platform);
    const image = createImage(platform);
    await image.recover();
    const network = createNetwork(platform);
    // Compute reaches networking through its NetworkAccess (ports, addresses, metadata lookups).
    const volume = createVolume(platform, image.volumeAccess);
    // Compute reaches block storage through its VolumeAccess (attachments, boot volumes).
    const compute = createCompute(platform, image.access, createComputeNetworkAccess(network.ctx), createComputeVolumeAccess(volume.ctx));
    const services: ServiceModule[] = [identity.module, image.module, compute.module, network.module, volume.module];
    // Block storage is in the catalog under both of its types (clients look for either).
    const catalog = [...services, { type: 'volumev3', name: 'cinderv3', catalogPath: volume.module.catalogPath }];
    const bootstrap = await bootstrapIdentity(identity.deps.db, config, catalog,
      opts.adminPassword ?? process.env.NUBIS_ADMIN_PASSWORD);
    await identity.tokens.purgeExpired();
    const purge = setInterval(() => void identity.tokens.purgeExpired().catch(() => undefined), 3600_000);
    purge.unref();

    const app = Fastify({
      loggerInstance: log as unknown as FastifyBaseLogger,
      bodyLimit: 1024 * 1024,
      forceCloseConnections: true,
      return503OnClosing: true,
      ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
      // Path ids are checked by each route's schema (Keystone allows 255 characters, more once
      // percent-encoded); the router's own limit of 100 would refuse valid region ids.
      routerOptions: { maxParamLength: 1024 },
      frameworkErrors: frameworkErrorHandler((url) =>
        services.find((s) => url.startsWith(s.prefix))?.errorFormat ?? keystoneErrorBody),
      // One line per request from our own hook below instead of Fastify's two.
      logController: new LogController({ disableRequestLogging: true }),
    });
    installJsonParser(app);
    installNulGuard(app);
    const routes: RouteEntry[] = [];
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url });
    });
    app.addHook('onResponse', async (req, reply) => {
      req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    });
    installAuthHook(app, identity.tokens);
    // Outside any service (e.g. /nothing): Keystone's body is as good as any.
    installErrorHandling(app, keystoneErrorBody);
    app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));
    for (const service of services) {
      await app.register(async (scope) => {
        installErrorHandling(scope, service.errorFormat);
        await scope.register(service.routes);
      }, { prefix: service.prefix });
    }
    await registerDashboard(app);
    await app.ready();
    if (opts.seedFlavors) await seedDefaultFlavors(compute.ctx.deps.db);
    // network (dataplane): the external network `nubis up` makes on first start.
    if (config.network.defaultExternal) {
      const adminProject = await identity.deps.db.selectFrom('project').select('id')
        .where('name', '=', 'admin').where('domain_id', '=', DEFAULT_DOMAIN_ID).executeTakeFirstOrThrow();
      await ensureDefaultExternalNetwork(network.ctx, adminProject.id);
    }
    await ensureDefaultVolumeType(volume.ctx.deps);
    await compute.ctx.conductor.start();
    // network (dataplane): the sync after compute's conductor, the network agent after the compute agents.
    await network.ctx.sync.start().catch(async (err) => { await compute.ctx.conductor.stop(); throw err; });
    const agents = await startComputeAgents(platform)
      .catch(async (err) => { await network.ctx.sync.stop(); await compute.ctx.conductor.stop(); throw err; });
    const networkAgent = await startNetworkAgent(platform)
      .catch(async (err) => { await agents.stop(); await network.ctx.sync.stop(); await compute.ctx.conductor.stop(); throw err; });
    // Block storage: the manager (control plane) first, then this host's storage agents.
    const stopAll = async () => { await networkAgent.stop(); await agents.stop(); await network.ctx.sync.stop(); await compute.ctx.conductor.stop(); };
    await volume.ctx.manager.start().catch(async (err) => { await stopAll(); throw err; });
    const storageAgents = await startStorageAgents(platform)
      .catch(async (err) => { await volume.ctx.manager.stop(); await stopAll(); throw err; });

    return {
      app, platform, identity, compute, network, volume, agents, networkAgent, storageAgents, bootstrap, routes,
      async close() {
        clearInterval(purge);
        await storageAgents.stop();
        await volume.ctx.manager.stop();
        await networkAgent.stop();
        await agents.stop();
        await network.ctx.sync.stop();
        await compute.ctx.conductor.stop();
        await app.close();
        await bus.close();
        await database.close();
      },
    };
  } catch (err) {
    await bus.close();
    await database.close();
    throw err;
  }
}
