// Admin views of the storage backends as the scheduler sees them: scheduler-stats/get_pools (one
// pool per backend, named `<host>@<backend>#<backend>`) and capabilities/{host}.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isoMicro, json, parseBool, type VolumeDeps } from '../common.js';
import { backendOf } from '../context.js';
import { isBackendUp } from '../scheduler/backend-filters.js';
import type { BackendRow } from '../volume.tables.js';
import { single } from '../volume-types/type-input.js';

/** GB of volumes (allocated) and of volumes plus snapshots (provisioned) on each backend. */
async function usageByBackend(deps: VolumeDeps): Promise<Map<string, { allocated: number; provisioned: number }>> {
  const out = new Map<string, { allocated: number; provisioned: number }>();
  const entry = (host: string) => {
    const id = backendOf(host);
    if (!out.has(id)) out.set(id, { allocated: 0, provisioned: 0 });
    return out.get(id)!;
  };
  const volumes = await deps.db.selectFrom('volume').select(['host', (eb) => eb.fn.sum<number>('size').as('gb')])
    .where('host', 'is not', null).groupBy('host').execute();
  for (const v of volumes) {
    const e = entry(v.host!);
    e.allocated += Number(v.gb ?? 0);
    e.provisioned += Number(v.gb ?? 0);
  }
  const snaps = await deps.db.selectFrom('volume_snapshot').innerJoin('volume', 'volume.id', 'volume_snapshot.volume_id')
    .select(['volume.host', (eb) => eb.fn.sum<number>('volume_snapshot.size').as('gb')])
    .where('volume.host', 'is not', null).groupBy('volume.host').execute();
  for (const s of snaps) entry(s.host!).provisioned += Number(s.gb ?? 0);
  return out;
}

function poolView(deps: VolumeDeps, row: BackendRow, usage: { allocated: number; provisioned: number } | undefined, detail: boolean) {
  const name = `${row.id}#${row.backend_name}`;
  if (!detail) return { name };
  const caps = json<Record<string, unknown>>(row.capabilities, {});
  const up = isBackendUp(row, deps.config.volume.serviceDownSeconds);
  return {
    name,
    capabilities: {
      pool_name: row.backend_name,
      total_capacity_gb: row.total_gb,
      free_capacity_gb: row.free_gb,
      allocated_capacity_gb: usage?.allocated ?? 0,
      provisioned_capacity_gb: usage?.provisioned ?? 0,
      max_over_subscription_ratio: String(row.max_over_subscription_ratio),
      reserved_percentage: row.reserved_percentage,
      thin_provisioning_support: caps.thin_provisioning_support ?? false,
      thick_provisioning_support: !(caps.thin_provisioning_support ?? false),
      volume_backend_name: caps.volume_backend_name ?? row.backend_name,
      storage_protocol: caps.storage_protocol ?? row.driver,
      driver_version: caps.driver_version ?? '1.0',
      vendor_name: caps.vendor_name ?? 'Nubis',
      multiattach: caps.multiattach ?? false,
      backend_state: up ? 'up' : 'down',
      timestamp: isoMicro(row.last_seen_up),
    },
  };
}

export function registerPoolRoutes(app: FastifyInstance, deps: VolumeDeps): void {
  app.get<{ Querystring: Record<string, unknown> }>('/scheduler-stats/get_pools', async (req) => {
    enforce(deps, caller(req), 'scheduler_extension:scheduler_stats:get_pools');
    const detailText = single(req.query.detail);
    const name = single(req.query.name);
    const detail = detailText === undefined ? false : parseBool(detailText, 'detail');
    const rows = await deps.db.selectFrom('volume_backend').selectAll().orderBy('id').execute();
    const usage = await usageByBackend(deps);
    const pools = rows.map((r) => poolView(deps, r, usage.get(r.id), detail))
      .filter((p) => name === undefined || p.name === name);
    return { pools };
  });

  app.get<{ Params: { host: string } }>('/capabilities/:host', async (req) => {
    enforce(deps, caller(req), 'volume_extension:capabilities');
    const row = await deps.db.selectFrom('volume_backend').selectAll().where('id', '=', req.params.host).executeTakeFirst();
    if (!row) throw new ApiError(404, `Host ${req.params.host} could not be found.`);
    const caps = json<Record<string, unknown>>(row.capabilities, {});
    return {
      namespace: `OS::Storage::Capabilities::${row.id}`,
      vendor_name: caps.vendor_name ?? 'Nubis',
      volume_backend_name: caps.volume_backend_name ?? row.backend_name,
      pool_name: null,
      driver_version: caps.driver_version ?? '1.0',
      storage_protocol: caps.storage_protocol ?? row.driver,
      display_name: null,
      description: null,
      visibility: null,
      replication_targets: [],
      properties: {
        thin_provisioning: { title: 'Thin Provisioning', description: 'Sets thin provisioning.', type: 'boolean' },
        ...(caps.multiattach ? { multiattach: { title: 'Multi-attach', description: 'Volumes may be attached to several servers.', type: 'boolean' } } : {}),
      },
    };
  });
}
