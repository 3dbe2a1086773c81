// The image service as block storage uses it in the same process (src/volume/image-access.ts):
// lookups with the caller's visibility (volume from image) and image records for uploads (volume
// to image), through the same rules, checks and quotas as the image API.
import type { AuthContext } from '../platform/auth-context.js';
import { ApiError } from '../platform/errors.js';
import type { NewImage, VolumeImageAccess, VolumeImageView } from '../volume/image-access.js';
import { loadVisible, type ImageDeps } from './common.js';
import type { ImageRow } from './image.tables.js';
import { parseProperties, READ_ONLY, RESERVED } from './images/image-body.js';
import type { ImageService } from './images/images.service.js';

/** Names that are an image's core attributes: a volume's copied facts must not pose as them. */
const CORE = new Set(['name', 'visibility', 'protected', 'os_hidden', 'owner', 'disk_format', 'container_format',
  'min_disk', 'min_ram', 'tags']);

function view(row: ImageRow): VolumeImageView {
  return {
    id: row.id, name: row.name, status: row.status, owner: row.owner,
    disk_format: row.disk_format, container_format: row.container_format,
    size: row.size, virtual_size: row.virtual_size, min_disk: row.min_disk, min_ram: row.min_ram,
    properties: parseProperties(row),
  };
}

const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.status === 404;

export function volumeImageAccessFor(deps: ImageDeps, images: ImageService): VolumeImageAccess {
  return {
    fileUrl: (id) => `${deps.config.publicUrl}/image/v2/images/${id}/file`,

    async get(auth: AuthContext, id: string): Promise<VolumeImageView | null> {
      try {
        return view(await loadVisible(deps, auth, id));
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    async create(auth: AuthContext, image: NewImage): Promise<VolumeImageView> {
      const properties = Object.fromEntries(Object.entries(image.properties)
        .filter(([k]) => !READ_ONLY.has(k) && !RESERVED.has(k) && !CORE.has(k) && !k.startsWith('os_glance')));
      // The image API's create: its policy (add_image, publicize_image), schema and image-count quota.
      const body = await images.create(auth, {
        ...properties,
        name: image.name, disk_format: image.disk_format, container_format: image.container_format,
        visibility: image.visibility, protected: image.protected, min_disk: image.min_disk,
      });
      return view(await loadVisible(deps, auth, String(body.id)));
    },

    async remove(auth: AuthContext, id: string): Promise<void> {
      try {
        // An upload asked for a protected image; one that never got its data is lifted first.
        const row = await loadVisible(deps, auth, id);
        if (row.protected === 1 && row.status !== 'active') {
          await images.update(auth, id, [{ op: 'replace', path: '/protected', value: false }]);
        }
        await images.remove(auth, id);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}
