// Cinder's snapshot views: the list summary and the detail (with the extended attributes and the
// microversioned keys), built for many rows with one metadata query.
import type { FastifyRequest } from 'fastify';
import { isoMicro, type VolumeDeps } from '../common.js';
import { compareVersions, parseVersion } from '../../platform/http/microversion.js';
import { has, MIN_VERSION } from '../microversions.js';
import type { SnapshotRow } from '../volume.tables.js';

/** Metadata of many snapshots in one query. */
export async function snapshotMetadata(deps: VolumeDeps, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>(ids.map((id) => [id, {}]));
  if (ids.length === 0) return out;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await deps.db.selectFrom('volume_snapshot_metadata').selectAll().where('snapshot_id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.get(r.snapshot_id)![r.key] = r.value;
  }
  return out;
}

// Group snapshots (3.14) are not in microversions.ts's feature table (no groups here); the key still appears.
const GROUP_SNAPSHOTS = parseVersion('3.14')!;
const groupSnapshots = (req: FastifyRequest): boolean => compareVersions(req.volumeVersion ?? parseVersion(MIN_VERSION)!, GROUP_SNAPSHOTS) >= 0;

function summary(row: SnapshotRow, metadata: Record<string, string>): Record<string, unknown> {
  return {
    id: row.id, created_at: isoMicro(row.created_at), updated_at: isoMicro(row.updated_at),
    name: row.name, description: row.description, volume_id: row.volume_id, status: row.status, size: row.size, metadata,
  };
}

/** The views of `rows` in order; `detail` adds what Cinder's show and /snapshots/detail add. */
export async function snapshotViews(deps: VolumeDeps, req: FastifyRequest, rows: readonly SnapshotRow[], detail: boolean): Promise<Array<Record<string, unknown>>> {
  const meta = await snapshotMetadata(deps, rows.map((r) => r.id));
  return rows.map((row) => {
    const view = summary(row, meta.get(row.id) ?? {});
    if (!detail) return view;
    view['os-extended-snapshot-attributes:progress'] = row.progress;
    view['os-extended-snapshot-attributes:project_id'] = row.project_id;
    if (groupSnapshots(req)) view.group_snapshot_id = null;
    if (has(req, 'snapshotUserId')) view.user_id = row.user_id;
    return view;
  });
}

export async function snapshotView(deps: VolumeDeps, req: FastifyRequest, row: SnapshotRow): Promise<Record<string, unknown>> {
  return (await snapshotViews(deps, req, [row], true))[0]!;
}
