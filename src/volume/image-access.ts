// How block storage reaches the image service in the same process: image lookups with the caller's
// visibility (volume from image) and image records for uploads (volume to image, `image create
// --volume`). Implemented in src/image/volume-access.ts over the image service's own rules.
import type { AuthContext } from '../platform/auth-context.js';

export interface VolumeImageView {
  id: string; name: string | null; status: string; owner: string | null;
  disk_format: string | null; container_format: string | null;
  /** Bytes of data; virtual_size once known. */
  size: number | null; virtual_size: number | null;
  min_disk: number; min_ram: number;
  /** Every image property and the core fields a volume's volume_image_metadata copies (Cinder copies them). */
  properties: Record<string, string>;
}

export interface NewImage {
  name: string;
  disk_format: string;
  container_format: string;
  visibility: 'private' | 'shared' | 'community' | 'public';
  protected: boolean;
  min_disk: number;
  properties: Record<string, string>;
}

export interface VolumeImageAccess {
  /** The image if it exists and the caller may see it, else null. */
  get(auth: AuthContext, id: string): Promise<VolumeImageView | null>;
  /** Creates a `queued` image owned by the caller's project (the image API's checks and quotas apply); returns it. */
  create(auth: AuthContext, image: NewImage): Promise<VolumeImageView>;
  /** Deletes an image whose upload failed; resolves if gone. */
  remove(auth: AuthContext, id: string): Promise<void>;
  /** URL of an image's data on the image API (for agents to GET or PUT with the user's token). */
  fileUrl(id: string): string;
}
