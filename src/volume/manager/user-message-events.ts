// The user messages the manager leaves when background work fails, with Cinder's event ids
// (`VOLUME_<resource>_<action>_<detail>`) and texts (`<action>:<detail>`), so clients that read
// the messages API see what they know from Cinder. Ids past Cinder's list are Nubis's own.
import type { VolumeDeps } from '../common.js';
import { recordUserMessage, type UserMessage } from '../messages/user-messages.js';

export const ACTION = {
  scheduleAllocateVolume: ['001', 'schedule allocate volume'],
  copyVolumeToImage: ['003', 'copy volume to image'],
  copyImageToVolume: ['005', 'copy image to volume'],
  extendVolume: ['007', 'extend volume'],
  createVolumeFromBackend: ['008', 'create volume from backend storage'],
  snapshotCreate: ['009', 'create snapshot'],
  snapshotDelete: ['010', 'delete snapshot'],
  backupCreate: ['013', 'create backup'],
  backupDelete: ['014', 'delete backup'],
  backupRestore: ['015', 'restore backup'],
  // Nubis's own (Cinder has no message for these).
  volumeDelete: ['090', 'delete volume'],
  revertToSnapshot: ['091', 'revert volume to snapshot'],
} as const satisfies Record<string, readonly [string, string]>;

export const DETAIL = {
  unknownError: ['001', 'An unknown error occurred.'],
  noBackendAvailable: ['003', 'Could not find any available weighted backend.'],
  failedToUploadVolume: ['004', 'Failed to upload volume to image at backend.'],
  notEnoughSpaceForImage: ['007', 'Image used for creating volume exceeds available space.'],
  notifyComputeFailed: ['009', 'Compute service failed to extend volume.'],
  driverFailedExtend: ['010', 'Volume Driver failed to extend volume.'],
  snapshotCreateError: ['012', 'Snapshot failed to create.'],
  snapshotDeleteError: ['015', 'Snapshot failed to delete.'],
  backupCreateDriverError: ['019', 'Backup driver failed to create backup.'],
  backupDeleteDriverError: ['024', 'Backup driver failed to delete backup.'],
  backupRestoreError: ['025', 'Backup driver failed to restore backup.'],
  driverFailedCreate: ['092', 'Volume driver failed to create the volume.'],
  driverFailedDelete: ['093', 'Volume driver failed to delete the volume.'],
  driverFailedRevert: ['094', 'Volume driver failed to revert the volume to the snapshot.'],
} as const satisfies Record<string, readonly [string, string]>;

type Pair = readonly [string, string];
const RESOURCE_IN_EVENT: Record<UserMessage['resourceType'], string> = {
  VOLUME: 'VOLUME', SNAPSHOT: 'VOLUME_SNAPSHOT', BACKUP: 'VOLUME_BACKUP', VOLUME_TRANSFER: 'VOLUME_TRANSFER',
};

/** Records the message; a failure to record never hides the failure it reports (it is logged). */
export async function leaveMessage(deps: VolumeDeps, projectId: string, resourceType: UserMessage['resourceType'],
  resourceId: string, action: Pair, detail: Pair): Promise<void> {
  const msg: UserMessage = {
    projectId, resourceType, resourceId,
    eventId: `VOLUME_${RESOURCE_IN_EVENT[resourceType]}_${action[0]}_${detail[0]}`,
    message: `${action[1]}:${detail[1]}`,
  };
  try {
    await recordUserMessage(deps, msg);
  } catch (err) {
    deps.log.warn({ resourceId, eventId: msg.eventId, err: err instanceof Error ? err.message : String(err) }, 'could not record the user message');
  }
}
