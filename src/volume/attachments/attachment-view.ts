// Cinder's attachment views (cinder/api/v3/views/attachments.py): the summary (id, status,
// instance, volume_id) and the detail (plus times, mode and connection_info).
import { isoMicro, json } from '../common.js';
import type { AttachmentRow } from '../volume.tables.js';

export function attachmentSummary(a: AttachmentRow): Record<string, unknown> {
  return { id: a.id, status: a.attach_status, instance: a.instance_uuid, volume_id: a.volume_id };
}

export function attachmentDetail(a: AttachmentRow): Record<string, unknown> {
  return {
    ...attachmentSummary(a),
    // Cinder shows '' for a time not yet reached.
    attached_at: isoMicro(a.attach_time) ?? '',
    detached_at: isoMicro(a.detach_time) ?? '',
    attach_mode: a.attach_mode,
    connection_info: connectionInfo(a),
  };
}

/** The backend's connection for the attachment's connector ({} while only reserved). */
export function connectionInfo(a: AttachmentRow): Record<string, unknown> {
  const c = json<Record<string, unknown> | null>(a.connection_info, null);
  if (!c) return {};
  const data = { ...(c.data as Record<string, unknown> ?? {}), access_mode: a.attach_mode };
  return { ...c, data, attachment_id: a.id, volume_id: a.volume_id };
}
