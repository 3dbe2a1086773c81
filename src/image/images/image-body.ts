import type { ImageRow } from '../image.tables.js';
import { glanceTime } from '../common.js';

/** Attributes Glance itself defines; anything else is a free-form property. */
export const CORE_ATTRIBUTES = new Set([
  'id', 'name', 'status', 'visibility', 'protected', 'os_hidden', 'owner', 'disk_format', 'container_format',
  'size', 'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value', 'min_disk', 'min_ram', 'created_at',
  'updated_at', 'tags', 'self', 'file', 'schema', 'locations', 'direct_url', 'stores',
]);
/** Set by the service, never by the caller (Glance answers 403). */
export const READ_ONLY = new Set([
  'id', 'status', 'size', 'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value', 'created_at', 'updated_at',
  'self', 'file', 'schema', 'direct_url', 'stores',
]);
/** Reserved names Glance refuses outright. */
export const RESERVED = new Set(['location', 'deleted', 'deleted_at', 'locations']);

export function parseProperties(row: ImageRow): Record<string, string> {
  try { return JSON.parse(row.properties) as Record<string, string>; } catch { return {}; }
}

/** An image as Glance shows it: core attributes, then the properties flattened beside them. */
export function imageBody(row: ImageRow, tags: string[]): Record<string, unknown> {
  return {
    ...parseProperties(row),
    id: row.id,
    name: row.name,
    status: row.status,
    visibility: row.visibility,
    protected: row.protected === 1,
    os_hidden: row.os_hidden === 1,
    owner: row.owner,
    disk_format: row.disk_format,
    container_format: row.container_format,
    size: row.size,
    virtual_size: row.virtual_size,
    checksum: row.checksum,
    os_hash_algo: row.os_hash_algo,
    os_hash_value: row.os_hash_value,
    min_disk: row.min_disk,
    min_ram: row.min_ram,
    tags: [...tags].sort(),
    created_at: glanceTime(row.created_at),
    updated_at: glanceTime(row.updated_at),
    self: `/v2/images/${row.id}`,
    file: `/v2/images/${row.id}/file`,
    schema: '/v2/schemas/image',
  };
}
