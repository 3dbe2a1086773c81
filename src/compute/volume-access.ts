// How compute reaches the block storage service, as Nova uses Cinder's attachments API (3.44 flow):
// reserve (attachment without connector) → connect (connector → connection info) → the host attaches
// → complete; detach: begin → the host detaches → release. Also volume creation for boot from volume.
// Implemented in src/volume/compute-access.ts; errors it throws are already Nova's (400/404/409 with
// Nova's messages) where the API passes them on.
import type { AuthContext } from '../platform/auth-context.js';
import type { Connector, VolumeConnection } from '../agent/storage/backend.js';

export interface VolumeInfo {
  id: string;
  name: string | null;
  status: string;
  /** GB. */
  size: number;
  projectId: string;
  availabilityZone: string;
  bootable: boolean;
  multiattach: boolean;
  /** Current attachments (attachment id and server). */
  attachments: Array<{ attachmentId: string; serverId: string | null }>;
  /** volume_image_metadata (image properties copied when it was made from an image). */
  imageMetadata: Record<string, string>;
}

/** What a boot-from-volume build asks block storage to make. */
export interface NewVolumeRequest {
  sizeGb: number;
  imageId: string | null;
  snapshotId: string | null;
  sourceVolumeId: string | null;
  name: string;
  availabilityZone: string | null;
  volumeType: string | null;
}

export interface VolumeAccess {
  /** The volume if it exists and the caller may see it, else null. */
  get(auth: AuthContext, id: string): Promise<VolumeInfo | null>;
  /**
   * Reserves the volume for the server (Cinder's attachment_create without connector): available →
   * reserved (a multiattach volume may already be in-use). 404 if the caller may not see it, 400 if
   * it is not available (Nova: "Invalid volume: volume <id> status must be available…"), 409 if it is
   * attached to this server already. Returns the attachment id.
   */
  reserve(auth: AuthContext, volumeId: string, instanceUuid: string): Promise<string>;
  /** attachment_update with the host's connector: the backend exports the volume; volume → attaching. */
  connect(attachmentId: string, connector: Connector): Promise<VolumeConnection>;
  /** attachment_complete: the host attached it; volume → in-use, the attachment records the device. */
  complete(attachmentId: string, mountpoint: string): Promise<void>;
  /** in-use → detaching, before the host unplugs it; 400 if the volume is not in-use. */
  beginDetach(attachmentId: string): Promise<void>;
  /** detaching → in-use again (the unplug failed). */
  rollDetach(attachmentId: string): Promise<void>;
  /**
   * attachment_delete: ends the export and drops the attachment; the volume becomes available when
   * no attachment is left (a failed attach rolls back through this too). Resolves if already gone.
   */
  release(attachmentId: string): Promise<void>;
  /** Creates a volume as the user (quota, size and source checks as the volume API's); returns its id. */
  create(auth: AuthContext, request: NewVolumeRequest, authToken: string): Promise<string>;
  /** Waits while the volume is being created; resolves with it when available, rejects with the reason on error. */
  waitUntilAvailable(id: string, timeoutMs: number): Promise<VolumeInfo>;
  /** Deletes a volume no longer attached (delete_on_termination); resolves if it is gone. */
  delete(id: string): Promise<void>;
}
