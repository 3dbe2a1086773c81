// Tests only: a server row written straight into compute_instance, so the metadata, tags and
// actions tests do not depend on the boot workflow (and can set any state, lock or deletion).
import { randomUUID } from 'node:crypto';
import type { ComputeDb, InstanceRow } from '../compute.tables.js';

export async function insertServer(db: ComputeDb, projectId: string, userId: string, over: Partial<InstanceRow> = {}): Promise<InstanceRow> {
  const uuid = over.uuid ?? randomUUID();
  const ts = new Date().toISOString();
  const flavor = { id: 'nb-f1', name: 'nb-f1', vcpus: 1, ram: 64, disk: 1, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null, extra_specs: {} };
  const row: InstanceRow = {
    uuid, name: `nb-${uuid.slice(0, 8)}`, description: null, project_id: projectId, user_id: userId,
    image_ref: '', kernel_id: null, ramdisk_id: null, flavor_id: flavor.id, flavor: JSON.stringify(flavor),
    old_flavor: null, new_flavor: null, vcpus: 1, memory_mb: 64, root_gb: 1, ephemeral_gb: 0,
    key_name: null, key_data: null, user_data: null, availability_zone: null, host: null, node: null,
    vm_state: 'active', task_state: null, power_state: 1, locked: 0, locked_by: null,
    launch_index: 0, reservation_id: `r-${uuid.slice(0, 8)}`, hostname: `nb-${uuid.slice(0, 8)}`, config_drive: '',
    access_ip_v4: null, access_ip_v6: null, progress: 0, networks: '"none"', scheduler_hints: '{}', system_metadata: '{}',
    fault: null, created_at: ts, updated_at: ts, launched_at: ts, terminated_at: null, deleted_at: null, deleted: 0,
    ...over,
  };
  await db.insertInto('compute_instance').values(row).execute();
  return row;
}
