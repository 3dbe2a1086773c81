// GET /os-availability-zone: the zones volumes can be created in, as Cinder lists them: the zones
// of enabled storage backends (available while one of them reports), and the configured default.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce } from '../common.js';
import type { VolumeContext } from '../context.js';
import { isBackendUp } from '../scheduler/backend-filters.js';

export function availabilityZoneRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get('/os-availability-zone', async (req) => {
      enforce(deps, caller(req), 'volume_extension:availability_zone_list');
      const rows = await deps.db.selectFrom('volume_backend').select(['availability_zone', 'last_seen_up'])
        .where('disabled', '=', 0).execute();
      const zones = new Map<string, boolean>();
      const at = Date.now();
      for (const r of rows) {
        const up = isBackendUp(r, deps.config.volume.serviceDownSeconds, at);
        zones.set(r.availability_zone, (zones.get(r.availability_zone) ?? false) || up);
      }
      // The default zone is listed even before a backend reports (it is not available until one does).
      const fallback = deps.config.volume.defaultAvailabilityZone;
      if (!zones.has(fallback)) zones.set(fallback, false);
      return {
        availabilityZoneInfo: [...zones].sort(([a], [b]) => a.localeCompare(b))
          .map(([zoneName, available]) => ({ zoneName, zoneState: { available } })),
      };
    });
  };
}
