// How compute reaches the image service: lookups as the caller sees images, and snapshot
// records (created `queued`, the host agent uploads the data over the image API).
import type { AuthContext } from '../platform/auth-context.js';
import type { ImageRef } from '../agent/compute/driver.js';

export interface ImageView extends ImageRef {
  name: string | null;
  status: string;
  owner: string | null;
  min_disk: number;
  min_ram: number;
  virtual_size: number | null;
}

export interface ImageAccess {
  /** The image if it exists and the caller may see it, else null. */
  get(auth: AuthContext, id: string): Promise<ImageView | null>;
  /** Creates a `queued` snapshot image owned by the caller's project; returns its id. */
  createSnapshot(auth: AuthContext, name: string, properties: Record<string, string>, metadata: { min_disk: number; min_ram: number }): Promise<string>;
  /** Deletes an image (a snapshot whose upload failed, a shelved image after unshelve). */
  remove(auth: AuthContext, id: string): Promise<void>;
  /** URL of an image's data on the image API (for agents to GET or PUT). */
  fileUrl(id: string): string;
}
