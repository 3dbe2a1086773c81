// The compute service's tables. Booleans are 0/1 integers, timestamps ISO text (milliseconds,
// UTC), structured values JSON text, so SQLite and PostgreSQL return the same JS values.
import type { Kysely } from 'kysely';
import type { PowerState, TaskState, VmState } from './vm-states.js';

export interface FlavorRow {
  /** Nova's flavorid: any string (a UUID when the creator gives none). */
  id: string; name: string; vcpus: number; ram: number; disk: number; ephemeral: number; swap: number;
  rxtx_factor: number; is_public: number; disabled: number; description: string | null;
  created_at: string; updated_at: string | null;
}
export interface FlavorAccessRow { flavor_id: string; project_id: string }
export interface FlavorExtraSpecRow { flavor_id: string; key: string; value: string }

export interface KeypairRow {
  user_id: string; name: string; type: 'ssh' | 'x509'; public_key: string; fingerprint: string; created_at: string;
}

/** The flavor as the instance was built with it (kept even if the flavor is deleted). */
export interface InstanceFlavor {
  id: string; name: string; vcpus: number; ram: number; disk: number; ephemeral: number; swap: number;
  rxtx_factor: number; is_public: boolean; description: string | null; extra_specs: Record<string, string>;
}

export interface InstanceRow {
  uuid: string; name: string; description: string | null; project_id: string; user_id: string;
  /** Image id, or '' when booted from a volume. */
  image_ref: string; kernel_id: string | null; ramdisk_id: string | null;
  flavor_id: string;
  /** JSON InstanceFlavor. old_flavor/new_flavor are set while a resize waits for confirm/revert. */
  flavor: string; old_flavor: string | null; new_flavor: string | null;
  /** The current flavor's sizes, denormalised for quota usage sums. */
  vcpus: number; memory_mb: number; root_gb: number; ephemeral_gb: number;
  key_name: string | null; key_data: string | null;
  /** Base64 as the client sent it. */
  user_data: string | null;
  availability_zone: string | null;
  /** Compute host (service host name) and node (compute_node.id) it runs on; null until scheduled. */
  host: string | null; node: string | null;
  vm_state: VmState; task_state: TaskState | null; power_state: PowerState;
  locked: number; locked_by: 'owner' | 'admin' | null;
  launch_index: number; reservation_id: string; hostname: string;
  /** '' or 'True'. */
  config_drive: string;
  access_ip_v4: string | null; access_ip_v6: string | null; progress: number;
  /** JSON: "none", or the checked request (CheckedNetworks: NICs and security group ids) the build makes ports for. */
  networks: string;
  /** JSON object of scheduler hints as requested (group, same_host…). */
  scheduler_hints: string;
  /** JSON object of internal facts (image properties at boot, shelved image id, rescue image…). */
  system_metadata: string;
  /** JSON {code, message, details, created} of the last failure, shown while in ERROR. */
  fault: string | null;
  created_at: string; updated_at: string; launched_at: string | null; terminated_at: string | null;
  deleted_at: string | null; deleted: number;
}
export interface InstanceMetadataRow { instance_uuid: string; key: string; value: string }
export interface InstanceTagRow { instance_uuid: string; tag: string }

export interface InstanceActionRow {
  id: string; instance_uuid: string; request_id: string; action: string; project_id: string; user_id: string;
  start_time: string; finish_time: string | null; message: string | null; updated_at: string;
}
export interface InstanceActionEventRow {
  action_id: string; event: string; start_time: string; finish_time: string | null;
  /** 'Success' | 'Error' | null while running. */
  result: string | null; traceback: string | null; host: string | null;
}

export interface ServiceRow {
  /** UUID (the id microversion 2.53+ shows). */
  id: string; host: string; binary: string; topic: string;
  disabled: number; disabled_reason: string | null; forced_down: number;
  /** Last heartbeat; `down` when older than config.computeServiceDownSeconds. */
  last_seen_up: string | null; created_at: string; updated_at: string | null;
}

/** A hypervisor: one per compute host. */
export interface ComputeNodeRow {
  id: string; host: string; hypervisor_hostname: string; hypervisor_type: string; hypervisor_version: number;
  host_ip: string; vcpus: number; memory_mb: number; local_gb: number;
  reserved_vcpus: number; reserved_memory_mb: number; reserved_disk_gb: number;
  /** JSON objects: cpu_info as the hypervisor API shows it; capabilities for the image-properties filter. */
  cpu_info: string; capabilities: string;
  free_disk_gb: number | null; created_at: string; updated_at: string | null;
}
export interface AllocationRow {
  instance_uuid: string;
  /** `instance` (its current flavor) or `migration` (the other flavor during a resize). */
  kind: 'instance' | 'migration';
  node_id: string; vcpus: number; memory_mb: number; disk_gb: number; created_at: string;
}

/** `id` is assigned by the writer (max + 1 inside the creating transaction), not by the database. */
export interface AggregateRow { id: number; uuid: string; name: string; availability_zone: string | null; created_at: string; updated_at: string | null }
export interface AggregateHostRow { aggregate_id: number; host: string }
export interface AggregateMetadataRow { aggregate_id: number; key: string; value: string }

export interface ServerGroupRow {
  id: string; name: string; project_id: string; user_id: string;
  policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
  /** JSON, e.g. {"max_server_per_host": 2}. */
  rules: string; created_at: string;
}
export interface ServerGroupMemberRow { group_id: string; instance_uuid: string }

export interface QuotaRow { project_id: string; resource: string; hard_limit: number }

export interface ConsoleTokenRow { token_hash: string; instance_uuid: string; console_type: string; host: string; expires_at: string }

/** A server's block device mapping (Nova's BDM v2): its volumes, at boot or attached later. */
export interface BlockDeviceMappingRow {
  /** UUID: the volumeAttachment id shown by os-volume_attachments (2.89+), here from the start. */
  id: string; instance_uuid: string;
  /** image | volume | snapshot | blank. */
  source_type: string;
  /** volume | local. */
  destination_type: string;
  /** The volume (set once it exists: at once for source volume, after creation for image/snapshot/blank). */
  volume_id: string | null;
  /** Cinder attachment id while attached (or reserved). */
  attachment_id: string | null;
  image_id: string | null; snapshot_id: string | null;
  /** GB, for volumes created at boot. */
  volume_size: number | null;
  /** /dev/vdb … */
  device_name: string | null;
  boot_index: number | null;
  delete_on_termination: number;
  disk_bus: string | null; device_type: string | null; tag: string | null; volume_type: string | null;
  /** JSON VolumeConnection while attached. */
  connection_info: string | null;
  /** attaching | attached | detaching | error while the conductor works on it. */
  status: string;
  created_at: string; updated_at: string;
}

export interface ComputeTables {
  compute_flavor: FlavorRow;
  compute_flavor_access: FlavorAccessRow;
  compute_flavor_extra_spec: FlavorExtraSpecRow;
  compute_keypair: KeypairRow;
  compute_instance: InstanceRow;
  compute_instance_metadata: InstanceMetadataRow;
  compute_instance_tag: InstanceTagRow;
  compute_instance_action: InstanceActionRow;
  compute_instance_action_event: InstanceActionEventRow;
  compute_service: ServiceRow;
  compute_node: ComputeNodeRow;
  compute_allocation: AllocationRow;
  compute_aggregate: AggregateRow;
  compute_aggregate_host: AggregateHostRow;
  compute_aggregate_metadata: AggregateMetadataRow;
  compute_server_group: ServerGroupRow;
  compute_server_group_member: ServerGroupMemberRow;
  compute_quota: QuotaRow;
  compute_console_token: ConsoleTokenRow;
  compute_block_device_mapping: BlockDeviceMappingRow;
}

export type ComputeDb = Kysely<ComputeTables>;
