// A storage agent's heartbeat: its backend's capacity and capabilities, kept in `volume_backend`
// for the scheduler (and the services API). An operator's disabling survives reports.
import type { BackendReport } from '../../agent/storage/storage-agent-client.js';
import { now, type VolumeDeps } from '../common.js';

const gb = (v: unknown): number => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
};

export async function recordBackendReport(deps: VolumeDeps, r: BackendReport): Promise<void> {
  if (!r || typeof r.id !== 'string' || !r.id.includes('@')) throw new Error('a backend report needs an id of the form <host>@<backend>');
  const ts = now();
  const values = {
    host: r.host, backend_name: r.backend, driver: r.driver, availability_zone: r.availabilityZone,
    total_gb: gb(r.capacity?.totalGb), free_gb: gb(r.capacity?.freeGb),
    max_over_subscription_ratio: Number(r.overSubscriptionRatio) >= 1 ? Number(r.overSubscriptionRatio) : 1,
    reserved_percentage: Math.max(0, Math.min(100, Math.round(Number(r.reservedPercentage) || 0))),
    capabilities: JSON.stringify(r.capabilities ?? {}),
    last_seen_up: ts, updated_at: ts,
  };
  await deps.db.insertInto('volume_backend').values({ id: r.id, ...values, disabled: 0, disabled_reason: null, created_at: ts })
    .onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}
