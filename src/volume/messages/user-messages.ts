// User messages (the messages API, 3.3+): why an asynchronous request failed, for the project to read.
import { randomUUID } from 'node:crypto';
import type { VolumeDeps } from '../common.js';

export interface UserMessage {
  projectId: string;
  resourceType: 'VOLUME' | 'SNAPSHOT' | 'BACKUP' | 'VOLUME_TRANSFER';
  resourceId: string | null;
  /** Cinder's event ids, e.g. VOLUME_VOLUME_001_002 ("schedule allocate volume: No valid backend was found."). */
  eventId: string;
  message: string;
  /** The request that started the work (x-openstack-request-id), when known. */
  requestId?: string | null;
  /** Cinder's levels: ERROR (default), WARNING, INFO. */
  level?: 'ERROR' | 'WARNING' | 'INFO';
}

/** Cinder's message_ttl: 30 days. */
export const MESSAGE_TTL_MS = 30 * 24 * 3600 * 1000;

/** The resource_type column and view hold Cinder's names (message_field.Resource). */
const RESOURCE_TYPE: Record<UserMessage['resourceType'], string> = {
  VOLUME: 'VOLUME', SNAPSHOT: 'VOLUME_SNAPSHOT', BACKUP: 'VOLUME_BACKUP', VOLUME_TRANSFER: 'VOLUME_TRANSFER',
};

/** Records a message (kept 30 days, as Cinder's message_ttl). */
export async function recordUserMessage(deps: VolumeDeps, msg: UserMessage): Promise<void> {
  const created = new Date();
  await deps.db.insertInto('volume_message').values({
    id: randomUUID(),
    project_id: msg.projectId,
    resource_type: RESOURCE_TYPE[msg.resourceType],
    resource_uuid: msg.resourceId,
    event_id: msg.eventId,
    message_level: msg.level ?? 'ERROR',
    user_message: msg.message,
    request_id: msg.requestId ?? null,
    created_at: created.toISOString(),
    expires_at: new Date(created.getTime() + MESSAGE_TTL_MS).toISOString(),
  }).execute();
}

/** Removes expired messages (Cinder's periodic cleanup); called when messages are listed. */
export async function removeExpiredMessages(deps: VolumeDeps): Promise<void> {
  await deps.db.deleteFrom('volume_message').where('expires_at', '<', new Date().toISOString()).execute();
}
