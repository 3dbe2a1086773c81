// The block storage "services" an operator sees (Cinder's os-services): this controller's
// scheduler, one cinder-volume per storage backend (`<host>@<backend>`, from volume_backend), and one
// cinder-backup per storage host. Up or down comes from the backends' last report.
import { isoMicro, type VolumeDeps } from '../common.js';
import { isBackendUp } from '../scheduler/backend-filters.js';
import type { BackendRow } from '../volume.tables.js';

export const SCHEDULER = 'cinder-scheduler';
export const VOLUME = 'cinder-volume';
export const BACKUP = 'cinder-backup';

export interface ServiceEntry {
  binary: string;
  host: string;
  zone: string;
  disabled: boolean;
  up: boolean;
  updatedAt: string;
  disabledReason: string | null;
  /** The backend row behind a cinder-volume service. */
  backend?: BackendRow;
}

/** Every service, in Cinder's order (scheduler, then volume, then backup services). */
export async function listServices(deps: VolumeDeps): Promise<ServiceEntry[]> {
  const cfg = deps.config.volume;
  const rows = await deps.db.selectFrom('volume_backend').selectAll().orderBy('id').execute();
  const at = Date.now();
  const up = (r: BackendRow) => isBackendUp(r, cfg.serviceDownSeconds, at);
  // This process answers the request, so its scheduler is up.
  const out: ServiceEntry[] = [{
    binary: SCHEDULER, host: cfg.host, zone: cfg.defaultAvailabilityZone, disabled: false, up: true,
    updatedAt: new Date(at).toISOString(), disabledReason: null,
  }];
  for (const r of rows) {
    out.push({ binary: VOLUME, host: r.id, zone: r.availability_zone, disabled: r.disabled === 1, up: up(r),
      updatedAt: r.last_seen_up, disabledReason: r.disabled_reason, backend: r });
  }
  const hosts = new Map<string, BackendRow[]>();
  for (const r of rows) hosts.set(r.host, [...(hosts.get(r.host) ?? []), r]);
  for (const [host, backends] of hosts) {
    const latest = backends.map((b) => b.last_seen_up).sort().at(-1)!;
    out.push({ binary: BACKUP, host, zone: backends[0]!.availability_zone, disabled: false, up: backends.some(up),
      updatedAt: latest, disabledReason: null });
  }
  return out;
}

/** A service as Cinder shows it; `cluster` from 3.7, `backend_state` from 3.49. */
export function serviceView(s: ServiceEntry, opts: { cluster: boolean; backendState: boolean }) {
  const view: Record<string, unknown> = {
    binary: s.binary, host: s.host, zone: s.zone, status: s.disabled ? 'disabled' : 'enabled', state: s.up ? 'up' : 'down',
    updated_at: isoMicro(s.updatedAt), disabled_reason: s.disabledReason,
  };
  if (s.binary === VOLUME) Object.assign(view, { replication_status: 'disabled', active_backend_id: null, frozen: false });
  if (opts.cluster) view.cluster = null;
  if (opts.backendState && s.binary === VOLUME) view.backend_state = s.up ? 'up' : 'down';
  return view;
}
