// Cinder's transfer views: summary (id, volume_id, name, links), detail, and the create answer that
// alone carries the auth key.
import type { FastifyRequest } from 'fastify';
import { isoMicro, links, type VolumeDeps } from '../common.js';
import { has } from '../microversions.js';
import type { TransferRow } from '../volume.tables.js';

// Transfer history (3.57): a transfer here is removed once accepted, so what is listed is never accepted yet.
const HISTORY_MINOR = 57;

/** Links name the project of the request's URL, as Cinder's do. */
const linksOf = (deps: VolumeDeps, req: FastifyRequest, row: TransferRow) =>
  links(deps.config.publicUrl, (req.params as { project_id?: string }).project_id ?? row.project_id, 'os-volume-transfer', row.id);

export function transferSummary(deps: VolumeDeps, req: FastifyRequest, row: TransferRow): Record<string, unknown> {
  return { id: row.id, volume_id: row.volume_id, name: row.name, links: linksOf(deps, req, row) };
}

export function transferDetail(deps: VolumeDeps, req: FastifyRequest, row: TransferRow, authKey?: string): Record<string, unknown> {
  const view: Record<string, unknown> = { id: row.id, created_at: isoMicro(row.created_at), name: row.name, volume_id: row.volume_id };
  if (authKey !== undefined) view.auth_key = authKey;
  view.links = linksOf(deps, req, row);
  if (has(req, 'transferSnapshots')) view.no_snapshots = row.no_snapshots === 1;
  if ((req.volumeVersion?.minor ?? 0) >= HISTORY_MINOR) {
    Object.assign(view, { destination_project_id: null, source_project_id: row.project_id, accepted: false });
  }
  return view;
}
