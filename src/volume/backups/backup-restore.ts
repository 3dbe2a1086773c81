// POST /backups/{id}/restore: into an existing available volume at least as large, or into a new
// volume made here (size = the backup's, default type). Backup and volume are claimed in one
// transaction by conditional updates, so of two restores racing into one volume only one wins.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, enforce, handOn, isUuid, now, parseText, target } from '../common.js';
import type { VolumeContext } from '../context.js';
import { checkVolumeQuota } from '../quotas/quota-check.js';
import { resolveVolumeType } from '../volume-types/default-type.js';
import { invalidBackup, invalidVolume, moveBackup, moveVolume } from '../volume-states.js';
import type { VolumeRow } from '../volume.tables.js';
import { loadVisibleVolume } from '../volumes/volume-access.js';
import { loadVisibleBackup } from './backup-access.js';

export interface RestoreAnswer { backup_id: string; volume_id: string; volume_name: string | null }

export async function restoreBackup(ctx: VolumeContext, auth: AuthContext, backupId: string, body: unknown): Promise<RestoreAnswer> {
  const { deps } = ctx;
  const outer = body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
  if (!outer || !('restore' in outer)) throw badRequest("Missing required element 'restore' in request body.");
  const r = outer.restore ?? {};
  if (typeof r !== 'object' || Array.isArray(r)) throw badRequest('Invalid input received: restore must be an object.');
  const { volume_id: volumeId, name: rawName } = r as Record<string, unknown>;
  if (volumeId !== undefined && volumeId !== null && !isUuid(volumeId)) {
    throw badRequest(`Invalid input received: volume_id must be a volume's UUID, got '${String(volumeId)}'.`);
  }
  const name = parseText(rawName, 'name');

  const backup = await loadVisibleBackup(deps, auth, backupId);
  enforce(deps, auth, 'backup:restore', target(auth, backup.project_id));
  if (backup.status !== 'available') throw invalidBackup('Backup status must be available');
  const existing = typeof volumeId === 'string' ? await loadVisibleVolume(deps, auth, volumeId) : null;
  if (existing && backup.size > existing.size) {
    throw invalidVolume(`volume size ${existing.size} is too small to restore backup of size ${backup.size}.`);
  }

  const target_ = await deps.db.transaction().execute(async (trx): Promise<VolumeRow> => {
    const type = existing ? null : await resolveVolumeType(trx, deps, auth, null);
    const projectId = auth.projectId ?? backup.project_id;
    // A new volume counts against the quota: the project's lock first, as every write takes it.
    if (type) {
      await checkVolumeQuota(trx, deps.config.volume, projectId, { volumes: 1, gigabytes: backup.size },
        { volumeTypeName: type.name, sizeGb: backup.size });
    }
    await moveBackup(trx, backupId, ['available'], 'restoring', { restore_volume_id: existing?.id ?? null }, 'be restored');
    if (existing || !type) {
      await moveVolume(trx, existing!.id, ['available'], 'restoring-backup', {}, 'be restored to');
      return existing!;
    }
    const ts = now();
    const row: VolumeRow = {
      id: randomUUID(), project_id: projectId, user_id: auth.userId, name: name ?? `restore_backup_${backupId}`,
      description: 'auto-created_from_restore_from_backup', size: backup.size, status: 'creating', attach_status: 'detached',
      status_reason: null, availability_zone: deps.config.volume.defaultAvailabilityZone, volume_type_id: type.id, bootable: 0,
      multiattach: 0, source_volid: null, snapshot_id: null, backup_id: null, image_id: null, host: null, provider_location: null,
      migration_status: null, created_at: ts, updated_at: ts, launched_at: null,
    };
    await trx.insertInto('volume').values(row).execute();
    await trx.updateTable('volume_backup').set({ restore_volume_id: row.id }).where('id', '=', backupId).execute();
    return row;
  });
  handOn(deps, `restoreBackup ${backupId}`, () => ctx.manager.restoreBackup(backupId, target_.id));
  return { backup_id: backupId, volume_id: target_.id, volume_name: target_.name };
}
