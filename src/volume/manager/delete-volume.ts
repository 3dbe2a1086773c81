// Deleting a volume: its snapshots first (cascade), then its data on the backend, then the rows
// (metadata, attachments and transfers go with the volume row by foreign key). A backend that
// fails leaves the volume in `error_deleting` with a user message; deleting again retries.
import { backendOf } from '../context.js';
import { errText, loadVolume, transition, type Work } from './manager-kit.js';
import { ACTION, DETAIL, leaveMessage } from './user-message-events.js';

export async function runDeleteVolume(w: Work, volumeId: string, cascade: boolean): Promise<void> {
  const vol = await loadVolume(w, volumeId);
  if (!vol || vol.status !== 'deleting') return;
  const db = w.deps.db;
  const snapshots = await db.selectFrom('volume_snapshot').select(['id', 'status']).where('volume_id', '=', volumeId).execute();
  try {
    if (snapshots.length > 0 && !cascade) {
      throw new Error(`Volume ${volumeId} still has ${snapshots.length} dependent snapshot(s); delete them first or delete with cascade.`);
    }
    if (vol.host) {
      const agent = w.ctx.agent(backendOf(vol.host));
      for (const s of snapshots) {
        await db.updateTable('volume_snapshot').set({ status: 'deleting' }).where('id', '=', s.id).execute();
        await agent.deleteSnapshot(s.id);
      }
      await agent.deleteVolume(volumeId);
    }
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ volumeId, err: reason }, 'volume delete failed');
    await transition(w, 'volume', volumeId, ['deleting'], { status: 'error_deleting', status_reason: reason });
    await leaveMessage(w.deps, vol.project_id, 'VOLUME', volumeId, ACTION.volumeDelete, DETAIL.driverFailedDelete);
    return;
  }
  await db.transaction().execute(async (trx) => {
    // Snapshot metadata goes with its snapshot by foreign key; snapshots do not go with the volume.
    await trx.deleteFrom('volume_snapshot').where('volume_id', '=', volumeId).execute();
    await trx.deleteFrom('volume').where('id', '=', volumeId).execute();
  });
}
