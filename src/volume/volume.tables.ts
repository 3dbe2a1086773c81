// The block storage service's tables. Booleans are 0/1 integers, timestamps ISO text (milliseconds,
// UTC), structured values JSON text, so SQLite and PostgreSQL return the same JS values. Rows are
// deleted when the resource is (Cinder soft-deletes, but its API never shows deleted rows).
import type { Kysely } from 'kysely';
import type { AttachStatus, BackupStatus, SnapshotStatus, VolumeStatus } from './volume-states.js';

export interface VolumeRow {
  id: string; project_id: string; user_id: string;
  name: string | null; description: string | null;
  /** GB. */
  size: number;
  status: VolumeStatus;
  attach_status: AttachStatus;
  /** Why the volume is in `error` (shown through the messages API). */
  status_reason: string | null;
  availability_zone: string;
  volume_type_id: string;
  bootable: number;
  multiattach: number;
  /** Where it came from, if anywhere. */
  source_volid: string | null; snapshot_id: string | null; backup_id: string | null; image_id: string | null;
  /** `<host>@<backend>#<pool>` once the scheduler placed it (os-vol-host-attr:host); null before. */
  host: string | null;
  /** The backend's handle on the volume (the file backend: the file's name), set when created. */
  provider_location: string | null;
  /** Cinder's migration status (always null here: no migration yet). */
  migration_status: string | null;
  created_at: string; updated_at: string; launched_at: string | null;
}

/** Free-form user metadata (`metadata`), image metadata copied from the source image, and admin metadata (readonly, attached_mode). */
export interface VolumeKvRow { volume_id: string; key: string; value: string }

export interface AttachmentRow {
  id: string; volume_id: string;
  /** Nova's server uuid (null for attachments made by other consumers). */
  instance_uuid: string | null;
  /** The compute host the volume is (being) exported to; from the connector. */
  attached_host: string | null;
  /** Device name in the guest, e.g. /dev/vdb. */
  mountpoint: string | null;
  /** reserved | attaching | attached | detaching | detached | error_attaching | error_detaching. */
  attach_status: string;
  attach_mode: 'rw' | 'ro';
  /** JSON: the connector the consumer gave (host, initiator…), or null while only reserved. */
  connector: string | null;
  /** JSON VolumeConnection the backend answered for the connector, or null. */
  connection_info: string | null;
  attach_time: string | null; detach_time: string | null;
  created_at: string; updated_at: string;
}

export interface VolumeTypeRow {
  id: string; name: string; description: string | null; is_public: number;
  created_at: string; updated_at: string;
}
export interface VolumeTypeExtraSpecRow { volume_type_id: string; key: string; value: string }
export interface VolumeTypeAccessRow { volume_type_id: string; project_id: string }

export interface QosSpecRow { id: string; name: string; consumer: string; specs: string; created_at: string }

export interface SnapshotRow {
  id: string; volume_id: string; project_id: string; user_id: string;
  name: string | null; description: string | null;
  size: number; status: SnapshotStatus; status_reason: string | null;
  /** '0%'…'100%' as Cinder shows it. */
  progress: string;
  provider_location: string | null;
  created_at: string; updated_at: string;
}
export interface SnapshotMetadataRow { snapshot_id: string; key: string; value: string }

export interface BackupRow {
  id: string; volume_id: string; snapshot_id: string | null; project_id: string; user_id: string;
  name: string | null; description: string | null;
  /** GB, the volume's size. */
  size: number;
  status: BackupStatus;
  fail_reason: string | null;
  availability_zone: string | null;
  /** The backup store's container name (a directory under backupDir). */
  container: string | null;
  is_incremental: number;
  /** The backup an incremental one builds on. */
  parent_id: string | null;
  object_count: number;
  /** The storage host (agent) that made it and can restore it. */
  host: string | null;
  /** JSON object (backup metadata, 3.43+). */
  metadata: string;
  /** When the data was taken (the snapshot's time for a backup of a snapshot). */
  data_timestamp: string;
  /** For a restore in progress: the target volume. */
  restore_volume_id: string | null;
  created_at: string; updated_at: string;
}

export interface TransferRow {
  id: string; volume_id: string;
  /** The giving project. */
  project_id: string;
  name: string | null;
  /** scrypt of the auth key (shown once, at create). */
  salt: string; crypt_hash: string;
  /** 3.55+: snapshots stay behind. */
  no_snapshots: number;
  created_at: string;
  expires_at: string | null;
}

export interface VolumeQuotaRow { project_id: string; resource: string; hard_limit: number }

/** A storage backend as its agent last reported it (one row per `<host>@<backend>`). */
export interface BackendRow {
  /** `<host>@<backend>` (Cinder's volume service host). */
  id: string; host: string; backend_name: string; driver: string;
  availability_zone: string;
  total_gb: number; free_gb: number;
  /** Provisioned (the sum of the sizes of its volumes and snapshots) may reach total × this. */
  max_over_subscription_ratio: number; reserved_percentage: number;
  /** JSON object of the backend's capabilities (thin_provisioning_support, multiattach…). */
  capabilities: string;
  disabled: number; disabled_reason: string | null;
  last_seen_up: string; created_at: string; updated_at: string;
}

/** User-visible messages (the messages API, 3.3+): why a request failed later. */
export interface VolumeMessageRow {
  id: string; project_id: string; resource_type: string; resource_uuid: string | null;
  event_id: string; message_level: string; user_message: string; request_id: string | null;
  created_at: string; expires_at: string;
}

export interface VolumeTables {
  volume: VolumeRow;
  volume_metadata: VolumeKvRow;
  volume_image_metadata: VolumeKvRow;
  volume_admin_metadata: VolumeKvRow;
  volume_attachment: AttachmentRow;
  volume_type: VolumeTypeRow;
  volume_type_extra_spec: VolumeTypeExtraSpecRow;
  volume_type_access: VolumeTypeAccessRow;
  volume_qos_spec: QosSpecRow;
  volume_snapshot: SnapshotRow;
  volume_snapshot_metadata: SnapshotMetadataRow;
  volume_backup: BackupRow;
  volume_transfer: TransferRow;
  volume_quota: VolumeQuotaRow;
  volume_backend: BackendRow;
  volume_message: VolumeMessageRow;
}

export type VolumeDb = Kysely<VolumeTables>;
