// /backups: create, list (summary and detail), show, update (3.9+), delete, restore and the admin actions.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { compareVersions, formatVersion, parseVersion } from '../../platform/http/microversion.js';
import { badRequest } from '../common.js';
import { countOf, nextLinks, type Query } from '../collection.js';
import type { VolumeContext } from '../context.js';
import { has, MIN_VERSION } from '../microversions.js';
import { restoreBackup } from './backup-restore.js';
import { backupSummary, backupView, backupViews } from './backup-view.js';
import { BackupService, versionNotFound } from './backups.service.js';

type Params = { backup_id: string };
// Backup update arrived in 3.9 (not in microversions.ts's feature table).
const BACKUP_UPDATE = parseVersion('3.9')!;

export function backupRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const backups = new BackupService(ctx);
  const { deps } = ctx;
  return async (app) => {
    app.post('/backups', async (req, reply) => {
      const row = await backups.create(caller(req), req.body);
      return reply.code(202).send({ backup: backupSummary(deps, row) });
    });

    for (const detail of [false, true]) {
      app.get(detail ? '/backups/detail' : '/backups', async (req) => {
        const auth = caller(req);
        const { page, paging } = await backups.list(auth, req.query as Query);
        return {
          backups: detail ? await backupViews(deps, req, auth, page.items) : page.items.map((r) => backupSummary(deps, r)),
          ...nextLinks(req, deps.config.publicUrl, 'backups', page.next),
          ...countOf(paging, page, has(req, 'volumeCount')),
        };
      });
    }

    app.get<{ Params: Params }>('/backups/:backup_id', async (req) => {
      const auth = caller(req);
      return { backup: await backupView(deps, req, auth, await backups.show(auth, req.params.backup_id)) };
    });

    app.put<{ Params: Params }>('/backups/:backup_id', async (req) => {
      const version = req.volumeVersion ?? parseVersion(MIN_VERSION)!;
      if (compareVersions(version, BACKUP_UPDATE) < 0) throw versionNotFound(formatVersion(version));
      const row = await backups.update(caller(req), req.params.backup_id, req.body, has(req, 'backupMetadata'));
      return { backup: backupSummary(deps, row) };
    });

    app.delete<{ Params: Params }>('/backups/:backup_id', async (req, reply) => {
      await backups.remove(caller(req), req.params.backup_id);
      return reply.code(202).send();
    });

    app.post<{ Params: Params }>('/backups/:backup_id/restore', async (req, reply) =>
      reply.code(202).send({ restore: await restoreBackup(ctx, caller(req), req.params.backup_id, req.body) }));

    app.post<{ Params: Params }>('/backups/:backup_id/action', async (req, reply) => {
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body as Record<string, unknown> : {};
      const auth = caller(req);
      const id = req.params.backup_id;
      if ('os-reset_status' in body) await backups.resetStatus(auth, id, body['os-reset_status']);
      else if ('os-force_delete' in body) await backups.remove(auth, id, true);
      else throw badRequest('There is no such action: ' + (Object.keys(body)[0] ?? '(none)'));
      return reply.code(202).send();
    });
  };
}
