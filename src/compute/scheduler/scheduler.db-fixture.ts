// Scenery for the scheduler's end-to-end tests: hosts, aggregates, instances and groups written
// straight into the tables. Every test removes what it made (drop()), so tests see only their hosts.
import { randomUUID } from 'node:crypto';
import type { ComputeDb, ServerGroupRow } from '../compute.tables.js';

export interface HostSpec {
  host: string; vcpus?: number; memoryMb?: number; diskGb?: number;
  reserved?: { vcpus?: number; memoryMb?: number; diskGb?: number };
  disabled?: boolean; forcedDown?: boolean; silentSeconds?: number;
}

export class Scenery {
  private readonly hosts: string[] = [];
  private readonly aggregates: number[] = [];
  private readonly instances: string[] = [];
  private readonly groups: string[] = [];
  readonly nodeOf = new Map<string, string>();

  constructor(private readonly db: ComputeDb) {}

  async host(h: HostSpec): Promise<string> {
    const at = new Date().toISOString();
    const nodeId = randomUUID();
    await this.db.insertInto('compute_service').values({
      id: randomUUID(), host: h.host, binary: 'nova-compute', topic: 'compute', disabled: h.disabled ? 1 : 0, disabled_reason: null,
      forced_down: h.forcedDown ? 1 : 0, last_seen_up: new Date(Date.now() - (h.silentSeconds ?? 0) * 1000).toISOString(), created_at: at, updated_at: null,
    }).execute();
    await this.db.insertInto('compute_node').values({
      id: nodeId, host: h.host, hypervisor_hostname: h.host, hypervisor_type: 'fake', hypervisor_version: 1000, host_ip: '127.0.0.1',
      vcpus: h.vcpus ?? 8, memory_mb: h.memoryMb ?? 16384, local_gb: h.diskGb ?? 100,
      reserved_vcpus: h.reserved?.vcpus ?? 0, reserved_memory_mb: h.reserved?.memoryMb ?? 0, reserved_disk_gb: h.reserved?.diskGb ?? 0,
      cpu_info: '{}', capabilities: '{"hw_architecture":"x86_64","img_hv_type":"fake"}', free_disk_gb: null, created_at: at, updated_at: null,
    }).execute();
    this.hosts.push(h.host);
    this.nodeOf.set(h.host, nodeId);
    return nodeId;
  }

  async aggregate(hosts: string[], zone: string | null, metadata: Record<string, string> = {}): Promise<number> {
    const row = await this.db.selectFrom('compute_aggregate').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    const id = Number(row?.m ?? 0) + 1;
    await this.db.insertInto('compute_aggregate').values({ id, uuid: randomUUID(), name: `nbsched-${id}`, availability_zone: zone, created_at: new Date().toISOString(), updated_at: null }).execute();
    for (const host of hosts) await this.db.insertInto('compute_aggregate_host').values({ aggregate_id: id, host }).execute();
    for (const [key, value] of Object.entries(metadata)) await this.db.insertInto('compute_aggregate_metadata').values({ aggregate_id: id, key, value }).execute();
    this.aggregates.push(id);
    return id;
  }

  /** A running instance on `host` (null: not placed yet). */
  async instance(host: string | null, uuid = randomUUID()): Promise<string> {
    const at = new Date().toISOString();
    await this.db.insertInto('compute_instance').values({
      uuid, name: 'nbsched', description: null, project_id: 'p1', user_id: 'u1', image_ref: '', kernel_id: null, ramdisk_id: null,
      flavor_id: 'f1', flavor: '{}', old_flavor: null, new_flavor: null, vcpus: 1, memory_mb: 512, root_gb: 1, ephemeral_gb: 0,
      key_name: null, key_data: null, user_data: null, availability_zone: null, host, node: host ? this.nodeOf.get(host) ?? null : null,
      vm_state: 'active', task_state: null, power_state: 1, locked: 0, locked_by: null, launch_index: 0, reservation_id: 'r-1',
      hostname: 'nbsched', config_drive: '', access_ip_v4: null, access_ip_v6: null, progress: 0, networks: '"none"',
      scheduler_hints: '{}', system_metadata: '{}', fault: null, created_at: at, updated_at: at, launched_at: at,
      terminated_at: null, deleted_at: null, deleted: 0,
    }).execute();
    this.instances.push(uuid);
    return uuid;
  }

  async group(policy: ServerGroupRow['policy'], members: string[], rules: Record<string, number> = {}): Promise<string> {
    const id = randomUUID();
    await this.db.insertInto('compute_server_group').values({ id, name: 'nbsched', project_id: 'p1', user_id: 'u1', policy, rules: JSON.stringify(rules), created_at: new Date().toISOString() }).execute();
    for (const m of members) await this.db.insertInto('compute_server_group_member').values({ group_id: id, instance_uuid: m }).execute();
    this.groups.push(id);
    return id;
  }

  /** Allocations on a node, summed. */
  async usage(host: string): Promise<{ vcpus: number; memoryMb: number; count: number }> {
    const r = await this.db.selectFrom('compute_allocation')
      .select((eb) => [eb.fn.sum<number>('vcpus').as('v'), eb.fn.sum<number>('memory_mb').as('m'), eb.fn.countAll<number>().as('n')])
      .where('node_id', '=', this.nodeOf.get(host)!).executeTakeFirst();
    return { vcpus: Number(r?.v ?? 0), memoryMb: Number(r?.m ?? 0), count: Number(r?.n ?? 0) };
  }

  async drop(): Promise<void> {
    if (this.groups.length) await this.db.deleteFrom('compute_server_group').where('id', 'in', this.groups).execute();
    if (this.instances.length) await this.db.deleteFrom('compute_instance').where('uuid', 'in', this.instances).execute();
    if (this.aggregates.length) await this.db.deleteFrom('compute_aggregate').where('id', 'in', this.aggregates).execute();
    if (this.hosts.length) {
      await this.db.deleteFrom('compute_node').where('host', 'in', this.hosts).execute();
      await this.db.deleteFrom('compute_service').where('host', 'in', this.hosts).execute();
    }
  }
}
