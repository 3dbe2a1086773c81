// Glance v2 image records as the pages read them, and the small helpers around them.
export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  min_disk: number;
  min_ram: number;
  protected: boolean;
  owner: string | null;
  created_at: string;
  updated_at?: string;
  tags?: string[];
  [extra: string]: unknown;
}

export const DISK_FORMATS = ['qcow2', 'raw', 'iso', 'vmdk', 'vdi', 'vhd', 'vhdx', 'ami', 'ari', 'aki', 'ploop'] as const;

/** Statuses during which the image changes on its own: the table polls fast while any is shown. */
export const TRANSITIONAL = new Set(['queued', 'saving', 'importing', 'uploading']);

/** Image fields Glance defines itself; everything else on the record is a custom property. */
const CORE = new Set(['id', 'name', 'status', 'visibility', 'disk_format', 'container_format', 'size', 'virtual_size',
  'min_disk', 'min_ram', 'protected', 'owner', 'created_at', 'updated_at', 'checksum', 'os_hash_algo', 'os_hash_value',
  'tags', 'self', 'file', 'schema', 'direct_url', 'locations', 'os_hidden', 'stores']);

export function customProperties(img: Image): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(img)) if (!CORE.has(k) && v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** The disk format a file name suggests (tiny.qcow2 → qcow2, disk.img → raw). */
export function guessDiskFormat(fileName: string): string | undefined {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if ((DISK_FORMATS as readonly string[]).includes(ext)) return ext;
  return ({ img: 'raw', qcow: 'qcow2', vmx: 'vmdk' } as Record<string, string>)[ext];
}

export const imageLabel = (img: Pick<Image, 'id' | 'name'>) => img.name || img.id;

/** One project's membership of a shared image (Glance v2 image member). */
export interface Member {
  image_id: string;
  member_id: string;
  status: 'pending' | 'accepted' | 'rejected';
  created_at: string;
  updated_at: string;
}

type Get = <T>(path: string, query?: Record<string, string>) => Promise<T>;

/** Every image the query matches, following Glance's pagination (marker = the last id of a page). */
export async function listAllImages(get: Get, query: Record<string, string>, signal: AbortSignal): Promise<Image[]> {
  const out: Image[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 50 && !signal.aborted; page++) {
    const res = await get<{ images: Image[]; next?: string }>('/images', { limit: '200', ...query, ...(marker ? { marker } : {}) });
    out.push(...res.images);
    if (!res.next || res.images.length === 0) break;
    marker = res.images[res.images.length - 1].id;
  }
  return out;
}
