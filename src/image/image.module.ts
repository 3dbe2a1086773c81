import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { glanceErrorBody } from '../platform/http/error-handler.js';
import type { Platform } from '../platform/platform.js';
import type { ServiceModule } from '../platform/service.js';
import type { ImageDeps } from './common.js';
import { imageDataRoutes } from './data/image-data.routes.js';
import { ImageDataService } from './data/image-data.service.js';
import type { ImageDb } from './image.tables.js';
import { imageRoutes } from './images/images.routes.js';
import { ImageService } from './images/images.service.js';
import { importRoutes } from './import/import.routes.js';
import { ImportService } from './import/import.service.js';
import { infoRoutes } from './info.routes.js';
import { memberRoutes } from './members/members.routes.js';
import { MemberService } from './members/members.service.js';
import { schemaRoutes } from './schemas.routes.js';
import { FileStore } from './store/file-store.js';
import { imageAccessFor } from './compute-access.js';
import type { ImageAccess } from '../compute/image-access.js';
import type { VolumeImageAccess } from '../volume/image-access.js';
import { volumeImageAccessFor } from './volume-access.js';
import { imageVersionRoutes } from './versions.routes.js';

export interface Image {
  readonly module: ServiceModule;
  readonly deps: ImageDeps;
  /** How the compute service reaches images in this process. */
  readonly access: ImageAccess;
  /** How the block storage service reaches images in this process. */
  readonly volumeAccess: VolumeImageAccess;
  /**
   * After a crash: uploads that were `saving` can never finish, so they become `killed` and
   * their partial files go. Assumes this process is the only writer of this store (all-in-one).
   */
  recover(): Promise<void>;
  /** Resolves when no import runs in the background (call before closing the database). */
  idle(): Promise<void>;
}

/** Glance: the image service under /image, its data in `<stateDir>/images`. */
export function createImage(platform: Platform): Image {
  const store = new FileStore(join(platform.config.stateDir, 'images'));
  const staging = new FileStore(join(platform.config.stateDir, 'staging'));
  const deps: ImageDeps = { db: platform.database.db as ImageDb, policy: platform.policy, config: platform.config, store, staging };
  const imports = new ImportService(deps);
  const images = new ImageService(deps);
  const plugins: FastifyPluginAsync[] = [
    imageVersionRoutes(platform.config),
    imageRoutes(deps, images),
    imageDataRoutes(new ImageDataService(deps)),
    memberRoutes(new MemberService(deps)),
    schemaRoutes(),
    importRoutes(imports),
    infoRoutes(deps),
  ];
  const module: ServiceModule = {
    type: 'image',
    name: 'glance',
    prefix: '/image',
    catalogPath: '/image',
    errorFormat: glanceErrorBody,
    routes: async (app) => { for (const p of plugins) await app.register(p); },
  };
  return {
    module, deps, access: imageAccessFor(deps, images), volumeAccess: volumeImageAccessFor(deps, images),
    async recover() {
      await deps.db.updateTable('image').set({ status: 'killed', updated_at: new Date().toISOString() })
        .where('status', '=', 'saving').execute();
      await store.removePartial();
      // An import cannot resume: it failed, as far as the client can tell (Glance's queued).
      await deps.db.updateTable('image').set({ status: 'queued', updated_at: new Date().toISOString() })
        .where('status', '=', 'importing').execute();
      await staging.removePartial();
      const staged = new Set((await deps.db.selectFrom('image').select('id').where('status', '=', 'uploading').execute()).map((r) => r.id));
      for (const id of staging.ids()) if (!staged.has(id)) await staging.delete(staging.locationOf(id));
      // Staging that never finished leaves the image `uploading` with no data: back to queued.
      for (const id of staged) {
        if (!staging.ids().includes(id)) {
          await deps.db.updateTable('image').set({ status: 'queued', updated_at: new Date().toISOString() })
            .where('id', '=', id).where('status', '=', 'uploading').execute();
        }
      }
    },
    idle: () => imports.idle(),
  };
}
