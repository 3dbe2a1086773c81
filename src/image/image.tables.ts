// The image service's tables. Booleans are 0/1 integers, timestamps ISO text, free-form
// properties JSON text, so SQLite and PostgreSQL return the same JS values.
import type { Kysely } from 'kysely';

export type ImageStatus = 'queued' | 'saving' | 'active' | 'killed' | 'deleted' | 'deactivated' | 'uploading' | 'importing';
export type Visibility = 'public' | 'private' | 'shared' | 'community';

export interface ImageRow {
  id: string; name: string | null; status: ImageStatus; visibility: Visibility;
  protected: number; os_hidden: number; owner: string | null;
  disk_format: string | null; container_format: string | null;
  size: number | null; virtual_size: number | null; checksum: string | null;
  os_hash_algo: string | null; os_hash_value: string | null;
  min_disk: number; min_ram: number; created_at: string; updated_at: string;
  /** Free-form properties (`os_distro`, `hw_disk_bus`…) as a JSON object of strings. */
  properties: string;
  /** Where the store keeps the data (opaque to everything but the store). */
  location: string | null;
}
/** status pending | accepted | rejected. */
export interface ImageMemberRow { image_id: string; member_id: string; status: string; created_at: string; updated_at: string }
export interface ImageTagRow { image_id: string; value: string }

export interface ImageTables {
  image: ImageRow;
  image_member: ImageMemberRow;
  image_tag: ImageTagRow;
}

export type ImageDb = Kysely<ImageTables>;
