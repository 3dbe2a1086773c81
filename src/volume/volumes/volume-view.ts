// Cinder's volume views: the summary (id, name, links) and the detail, per microversion, with the
// admin-only attributes shown to admins only (cinder/api/v3/views/volumes.py plus the contrib
// extensions that add os-vol-*-attr:* and volume_image_metadata to show and detail).
import type { ApiVersion } from '../../platform/http/microversion.js';
import { isoMicro, links, type VolumeDeps } from '../common.js';
import { has } from '../microversions.js';
import type { VolumeRow } from '../volume.tables.js';

export interface VolumeViewOptions { version: ApiVersion; admin: boolean }

type Kv = Map<string, Record<string, string>>;
const CHUNK = 500;

/** Key/value rows of many volumes (metadata tables), in chunks so IN lists stay short. */
async function keyValues(deps: VolumeDeps, table: 'volume_metadata' | 'volume_image_metadata' | 'volume_admin_metadata',
  ids: readonly string[]): Promise<Kv> {
  const out: Kv = new Map(ids.map((id) => [id, {}]));
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await deps.db.selectFrom(table).selectAll().where('volume_id', 'in', ids.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.get(r.volume_id)![r.key] = r.value;
  }
  return out;
}

/** User metadata of many volumes. */
export const volumeMetadata = (deps: VolumeDeps, ids: readonly string[]): Promise<Kv> => keyValues(deps, 'volume_metadata', ids);

/** Admin metadata a user sees inside `metadata` (Cinder's add_visible_admin_metadata). */
const VISIBLE_ADMIN_KEYS = ['readonly', 'attached_mode'];

/** The summary view of one volume (GET /volumes). */
export function volumeSummary(deps: VolumeDeps, row: Pick<VolumeRow, 'id' | 'name' | 'project_id'>): Record<string, unknown> {
  return { id: row.id, name: row.name, links: links(deps.config.publicUrl, row.project_id, 'volumes', row.id) };
}

/** Detail views of many volumes in a few queries (metadata, attachments, types), in row order. */
export async function volumeView(deps: VolumeDeps, rows: VolumeRow[], opts: VolumeViewOptions): Promise<Array<Record<string, unknown>>> {
  const ids = rows.map((r) => r.id);
  const [meta, imageMeta, adminMeta] = await Promise.all([
    keyValues(deps, 'volume_metadata', ids), keyValues(deps, 'volume_image_metadata', ids), keyValues(deps, 'volume_admin_metadata', ids),
  ]);
  const attachments = new Map<string, Array<Record<string, unknown>>>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += CHUNK) {
    const atts = await deps.db.selectFrom('volume_attachment').selectAll()
      .where('volume_id', 'in', ids.slice(i, i + CHUNK)).where('attach_status', '=', 'attached').orderBy('created_at').execute();
    for (const a of atts) {
      attachments.get(a.volume_id)!.push({
        id: a.volume_id, attachment_id: a.id, volume_id: a.volume_id, server_id: a.instance_uuid,
        // Cinder shows the host only to admins (and services).
        host_name: opts.admin ? a.attached_host : null,
        device: a.mountpoint, attached_at: isoMicro(a.attach_time),
      });
    }
  }
  const typeIds = [...new Set(rows.map((r) => r.volume_type_id))];
  const types = new Map<string, string>();
  for (let i = 0; i < typeIds.length; i += CHUNK) {
    const found = await deps.db.selectFrom('volume_type').select(['id', 'name']).where('id', 'in', typeIds.slice(i, i + CHUNK)).execute();
    for (const t of found) types.set(t.id, t.name);
  }

  const v = opts.version;
  return rows.map((row) => {
    const admin = adminMeta.get(row.id)!;
    const metadata = { ...meta.get(row.id)! };
    for (const k of VISIBLE_ADMIN_KEYS) if (admin[k] !== undefined) metadata[k] = admin[k];
    const view: Record<string, unknown> = {
      id: row.id,
      status: row.status,
      size: row.size,
      availability_zone: row.availability_zone,
      created_at: isoMicro(row.created_at),
      updated_at: isoMicro(row.updated_at),
      name: row.name,
      description: row.description,
      volume_type: types.get(row.volume_type_id) ?? row.volume_type_id,
      snapshot_id: row.snapshot_id,
      source_volid: row.source_volid,
      metadata,
      links: links(deps.config.publicUrl, row.project_id, 'volumes', row.id),
      user_id: row.user_id,
      bootable: row.bootable ? 'true' : 'false',
      encrypted: false,
      replication_status: 'disabled',
      consistencygroup_id: null,
      multiattach: row.multiattach === 1,
      attachments: attachments.get(row.id)!,
      'os-vol-tenant-attr:tenant_id': row.project_id,
    };
    const image = imageMeta.get(row.id)!;
    if (Object.keys(image).length > 0) view.volume_image_metadata = image;
    if (opts.admin) {
      view.migration_status = row.migration_status;
      view['os-vol-host-attr:host'] = row.host;
      view['os-vol-mig-status-attr:migstat'] = row.migration_status;
      view['os-vol-mig-status-attr:name_id'] = null;
    }
    if (has(v, 'groupIdInVolume')) view.group_id = null;
    if (opts.admin && has(v, 'providerId')) view.provider_id = null;
    if (has(v, 'sharedTargets')) {
      // The file backend exports each volume on its own, so consumers need no shared-target lock.
      view.shared_targets = false;
      view.service_uuid = null;
    }
    return view;
  });
}
