// GET /limits: Cinder's absolute limits (the project's quota) and what the project uses of them;
// no rate limits. Admins may name another project with ?project_id= (3.39).
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isAdmin } from '../common.js';
import type { VolumeContext } from '../context.js';
import { limitsFor, usageFor } from '../quotas/quota-usage.js';
import { single } from '../volume-types/type-input.js';

/** Quota resource → the absolute limit's name and the usage's name. */
const NAMES: Array<[string, string, string]> = [
  ['volumes', 'maxTotalVolumes', 'totalVolumesUsed'],
  ['snapshots', 'maxTotalSnapshots', 'totalSnapshotsUsed'],
  ['gigabytes', 'maxTotalVolumeGigabytes', 'totalGigabytesUsed'],
  ['backups', 'maxTotalBackups', 'totalBackupsUsed'],
  ['backup_gigabytes', 'maxTotalBackupGigabytes', 'totalBackupGigabytesUsed'],
];

export function limitRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get<{ Querystring: { project_id?: string | string[] } }>('/limits', async (req) => {
      const auth = caller(req);
      enforce(deps, auth, 'limits_extension:used_limits');
      const asked = single(req.query.project_id);
      const projectId = asked && isAdmin(deps, auth) ? asked : (auth.projectId ?? '');
      const limits = await limitsFor(deps.db, deps.config.volume, projectId, []);
      const used = await usageFor(deps.db, projectId, []);
      const absolute: Record<string, number> = {};
      for (const [resource, max] of NAMES) absolute[max] = limits[resource] ?? -1;
      for (const [resource, , total] of NAMES) absolute[total] = used[resource] ?? 0;
      return { limits: { rate: [], absolute } };
    });
  };
}
