// The image service as the compute service uses it in the same process: lookups with the
// caller's visibility and snapshot records through the same rules as the HTTP API.
import type { AuthContext } from '../platform/auth-context.js';
import { ApiError } from '../platform/errors.js';
import type { ImageAccess, ImageView } from '../compute/image-access.js';
import { loadVisible, type ImageDeps } from './common.js';
import { parseProperties } from './images/image-body.js';
import type { ImageService } from './images/images.service.js';

export function imageAccessFor(deps: ImageDeps, images: ImageService): ImageAccess {
  const fileUrl = (id: string) => `${deps.config.publicUrl}/image/v2/images/${id}/file`;
  return {
    fileUrl,
    async get(auth: AuthContext, id: string): Promise<ImageView | null> {
      try {
        const row = await loadVisible(deps, auth, id);
        return {
          id: row.id, name: row.name, status: row.status, owner: row.owner, url: fileUrl(row.id),
          disk_format: row.disk_format ?? 'raw', container_format: row.container_format ?? 'bare', size: row.size ?? 0,
          virtual_size: row.virtual_size, os_hash_algo: row.os_hash_algo, os_hash_value: row.os_hash_value,
          min_disk: row.min_disk, min_ram: row.min_ram, properties: parseProperties(row),
        };
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    async createSnapshot(auth, name, properties, metadata) {
      const body = await images.create(auth, {
        name, disk_format: 'qcow2', container_format: 'bare', visibility: 'private',
        min_disk: metadata.min_disk, min_ram: metadata.min_ram, ...properties,
      });
      return String(body.id);
    },
    async remove(auth, id) {
      try { await images.remove(auth, id); } catch (err) { if (!(err instanceof ApiError && err.status === 404)) throw err; }
    },
  };
}
