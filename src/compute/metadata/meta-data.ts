// meta_data.json as Nova writes it, built once for the config drive and the metadata service.
import { randomBytes } from 'node:crypto';
import type { InstanceRow } from '../compute.tables.js';

export function metaData(row: InstanceRow, metadata: Record<string, string>): Record<string, unknown> {
  const keys = row.key_name && row.key_data ? [{ name: row.key_name, type: 'ssh', data: row.key_data }] : [];
  return {
    uuid: row.uuid, name: row.name, hostname: row.hostname, launch_index: row.launch_index,
    availability_zone: row.availability_zone ?? 'nova', project_id: row.project_id,
    meta: metadata, public_keys: Object.fromEntries(keys.map((k) => [k.name, k.data])), keys, devices: [],
    // Nova hands every read fresh entropy for the guest's RNG seed.
    random_seed: randomBytes(512).toString('base64'),
  };
}
