// os-availability-zone: the zones users may ask for (a zone is available while one enabled
// compute service is in it) and, for admins, every zone with its hosts and their services,
// the controller's own services in the `internal` zone.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isoMicro } from '../common.js';
import type { ServiceRow } from '../compute.tables.js';
import type { ComputeContext } from '../context.js';
import { INTERNAL_AZ } from '../aggregates/aggregate-hosts.js';
import { isServiceUp, serviceZones } from '../services/service-state.js';

interface ServiceState { available: boolean; active: boolean; updated_at: string | null }
interface ZoneInfo { zoneName: string; zoneState: { available: boolean }; hosts: Record<string, Record<string, ServiceState>> | null }

export function availabilityZoneRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;

  /** Services with their zone; a zone is available when an enabled service is in it. */
  async function zones(): Promise<{ rows: ServiceRow[]; zoneOf: Map<string, string>; available: Set<string> }> {
    const rows = await deps.db.selectFrom('compute_service').selectAll().orderBy('host').orderBy('binary').execute();
    const zoneOf = await serviceZones(deps.db, rows);
    const available = new Set(rows.filter((r) => r.disabled === 0).map((r) => zoneOf.get(r.id)!));
    return { rows, zoneOf, available };
  }

  return async (app) => {
    app.get('/os-availability-zone', async (req) => {
      enforce(deps, caller(req), 'os-availability-zone:list');
      const { rows, zoneOf, available } = await zones();
      const names = [...new Set(rows.map((r) => zoneOf.get(r.id)!))].filter((z) => z !== INTERNAL_AZ).sort();
      const info: ZoneInfo[] = names.map((zoneName) => ({ zoneName, zoneState: { available: available.has(zoneName) }, hosts: null }));
      return { availabilityZoneInfo: info };
    });

    app.get('/os-availability-zone/detail', async (req) => {
      enforce(deps, caller(req), 'os-availability-zone:detail');
      const { rows, zoneOf, available } = await zones();
      const down = deps.config.compute.serviceDownSeconds;
      const byZone = new Map<string, ZoneInfo>();
      for (const r of rows) {
        const zoneName = zoneOf.get(r.id)!;
        let zone = byZone.get(zoneName);
        if (!zone) byZone.set(zoneName, zone = { zoneName, zoneState: { available: available.has(zoneName) }, hosts: {} });
        (zone.hosts![r.host] ??= {})[r.binary] = {
          available: isServiceUp(r, down), active: r.disabled === 0, updated_at: isoMicro(r.last_seen_up ?? r.updated_at),
        };
      }
      // Nova lists the internal zone first, then the others by name.
      const info = [...byZone.values()].sort((a, b) =>
        Number(b.zoneName === INTERNAL_AZ) - Number(a.zoneName === INTERNAL_AZ) || a.zoneName.localeCompare(b.zoneName));
      return { availabilityZoneInfo: info };
    });
  };
}
