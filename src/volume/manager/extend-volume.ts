// Extending a volume: the backend grows it; for an attached volume the guest's hypervisor must
// grow its view too (the `file` backend leaves in-use files to QEMU's block_resize, which compute
// issues when the conductor hears `volumeExtended`). The size changes only once all of that worked.
import { CONDUCTOR_TOPIC } from '../../agent/compute/agent-client.js';
import { backendOf } from '../context.js';
import { errText, loadVolume, transition, type Work } from './manager-kit.js';
import { ACTION, DETAIL, leaveMessage } from './user-message-events.js';

const COMPUTE_TIMEOUT = { timeoutMs: 120_000 };

export async function runExtendVolume(w: Work, volumeId: string, newSizeGb: number, previous: 'available' | 'in-use'): Promise<void> {
  const vol = await loadVolume(w, volumeId);
  // The API marks the volume `extending`; an in-use volume may also have been left `in-use`.
  const during = ['extending', previous];
  if (!vol || !during.includes(vol.status)) return;
  const fail = async (reason: string, detail: readonly [string, string]) => {
    w.deps.log.warn({ volumeId, err: reason }, 'volume extend failed');
    await transition(w, 'volume', volumeId, during, { status: 'error_extending', status_reason: reason });
    await leaveMessage(w.deps, vol.project_id, 'VOLUME', volumeId, ACTION.extendVolume, detail);
  };
  if (!vol.host) return fail(`Volume ${volumeId} is on no backend.`, DETAIL.driverFailedExtend);
  const inUse = previous === 'in-use';
  try {
    await w.ctx.agent(backendOf(vol.host)).extendVolume(volumeId, newSizeGb, inUse);
  } catch (err) {
    return fail(errText(err), DETAIL.driverFailedExtend);
  }
  if (inUse) {
    const attachments = await w.deps.db.selectFrom('volume_attachment').select(['instance_uuid'])
      .where('volume_id', '=', volumeId).where('instance_uuid', 'is not', null).where('attach_status', '=', 'attached').execute();
    try {
      for (const a of attachments) {
        await w.deps.bus.call(CONDUCTOR_TOPIC, 'volumeExtended', { instanceUuid: a.instance_uuid, volumeId, sizeGb: newSizeGb }, COMPUTE_TIMEOUT);
      }
    } catch (err) {
      return fail(`Compute could not grow the attached volume: ${errText(err)}`, DETAIL.notifyComputeFailed);
    }
  }
  await transition(w, 'volume', volumeId, during, { status: previous, size: newSizeGb, status_reason: null });
}
