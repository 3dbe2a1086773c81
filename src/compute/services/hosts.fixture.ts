// Test scenery for the admin API tests: compute services, nodes and instances written straight
// into the tables, as the conductor would when agents report and servers are built.
import { randomUUID } from 'node:crypto';
import type { ComputeDb, InstanceRow } from '../compute.tables.js';

let lastCreated = 0;
/** Strictly increasing creation times, so listings ordered by creation are deterministic. */
function nextCreated(): string {
  lastCreated = Math.max(Date.now(), lastCreated + 1);
  return new Date(lastCreated).toISOString();
}

export interface FixtureHost { serviceId: string; nodeId: string; host: string }

/** A nova-compute service (heard from `ageSeconds` ago) and its compute node. */
export async function addComputeHost(db: ComputeDb, host: string, opts: { ageSeconds?: number; vcpus?: number; memoryMb?: number; diskGb?: number } = {}): Promise<FixtureHost> {
  const serviceId = randomUUID();
  const nodeId = randomUUID();
  const created = nextCreated();
  const seen = new Date(Date.now() - (opts.ageSeconds ?? 0) * 1000).toISOString();
  await db.insertInto('compute_service').values({
    id: serviceId, host, binary: 'nova-compute', topic: 'compute', disabled: 0, disabled_reason: null, forced_down: 0,
    last_seen_up: seen, created_at: created, updated_at: null,
  }).execute();
  await db.insertInto('compute_node').values({
    id: nodeId, host, hypervisor_hostname: `${host}.example`, hypervisor_type: 'QEMU', hypervisor_version: 8002000, host_ip: '192.0.2.10',
    vcpus: opts.vcpus ?? 8, memory_mb: opts.memoryMb ?? 16384, local_gb: opts.diskGb ?? 100,
    reserved_vcpus: 0, reserved_memory_mb: 512, reserved_disk_gb: 0,
    cpu_info: JSON.stringify({ arch: 'x86_64', model: 'qemu64', vendor: 'AMD', topology: { cores: 8, sockets: 1, threads: 1 }, features: [] }),
    capabilities: '{}', free_disk_gb: null, created_at: created, updated_at: null,
  }).execute();
  return { serviceId, nodeId, host };
}

/** A controller service (nova-scheduler, nova-conductor) as the lead's conductor registers them. */
export async function addControlService(db: ComputeDb, host: string, binary: string): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await db.insertInto('compute_service').values({
    id, host, binary, topic: binary.replace(/^nova-/, ''), disabled: 0, disabled_reason: null, forced_down: 0,
    last_seen_up: at, created_at: at, updated_at: null,
  }).execute();
  return id;
}

/** An instance of the project on the host, holding its flavor through an allocation. */
export async function addInstance(db: ComputeDb, projectId: string, on: FixtureHost | null, opts: Partial<InstanceRow> = {}): Promise<string> {
  const uuid = opts.uuid ?? randomUUID();
  const at = opts.created_at ?? new Date().toISOString();
  const vcpus = opts.vcpus ?? 2;
  const memory = opts.memory_mb ?? 2048;
  const root = opts.root_gb ?? 20;
  await db.insertInto('compute_instance').values({
    uuid, name: `nbvm-${uuid.slice(0, 8)}`, description: null, project_id: projectId, user_id: 'u-fixture', image_ref: '',
    kernel_id: null, ramdisk_id: null, flavor_id: 'f1',
    flavor: JSON.stringify({ id: 'f1', name: 'm1.fixture', vcpus, ram: memory, disk: root, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null, extra_specs: {} }),
    old_flavor: null, new_flavor: null, vcpus, memory_mb: memory, root_gb: root, ephemeral_gb: 0, key_name: null, key_data: null,
    user_data: null, availability_zone: null, host: on?.host ?? null, node: on?.nodeId ?? null, vm_state: 'active', task_state: null,
    power_state: 1, locked: 0, locked_by: null, launch_index: 0, reservation_id: 'r-fixture', hostname: 'vm', config_drive: '',
    access_ip_v4: null, access_ip_v6: null, progress: 0, networks: '"none"', scheduler_hints: '{}', system_metadata: '{}', fault: null,
    created_at: at, updated_at: at, launched_at: at, terminated_at: null, deleted_at: null, deleted: 0,
    ...opts,
  }).execute();
  if (on && (opts.deleted ?? 0) === 0) {
    await db.insertInto('compute_allocation').values({ instance_uuid: uuid, kind: 'instance', node_id: on.nodeId, vcpus, memory_mb: memory, disk_gb: root, created_at: at }).execute();
  }
  return uuid;
}
