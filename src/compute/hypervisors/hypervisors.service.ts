// Hypervisors as Nova shows them: one per compute node, its capacity from the node row, its
// use summed from the allocations instances hold there (never a counter that could drift), its
// state and status from the host's nova-compute service.
import type { ComputeDb, ComputeNodeRow, ServiceRow } from '../compute.tables.js';
import { COMPUTE_BINARY, isServiceUp, legacyId } from '../services/service-state.js';

export interface Hypervisor {
  node: ComputeNodeRow;
  service: ServiceRow;
  up: boolean;
  vcpusUsed: number; memoryUsed: number; diskUsed: number;
  runningVms: number; workload: number;
}

/** What the caller's microversion shows. */
export interface HypervisorShape { uuidIds: boolean; cpuInfoObject: boolean }

/** Every node (or those whose hostname contains `pattern`), ordered for stable pagination. */
export async function loadHypervisors(db: ComputeDb, downSeconds: number, pattern?: string): Promise<Hypervisor[]> {
  // The pattern is matched here rather than with LIKE: SQLite's LIKE has no default escape
  // character, so `%` or `_` in a pattern would mean different things on the two databases.
  const needle = pattern?.toLowerCase();
  const nodes = (await db.selectFrom('compute_node').selectAll().orderBy('created_at').orderBy('id').execute())
    .filter((n) => needle === undefined || n.hypervisor_hostname.toLowerCase().includes(needle));
  if (nodes.length === 0) return [];
  const ids = nodes.map((n) => n.id);
  const services = await db.selectFrom('compute_service').selectAll().where('binary', '=', COMPUTE_BINARY)
    .where('host', 'in', nodes.map((n) => n.host)).execute();
  const used = await db.selectFrom('compute_allocation').select((eb) => ['node_id',
    eb.fn.sum<number>('vcpus').as('vcpus'), eb.fn.sum<number>('memory_mb').as('memory_mb'), eb.fn.sum<number>('disk_gb').as('disk_gb')])
    .where('node_id', 'in', ids).groupBy('node_id').execute();
  const instances = await db.selectFrom('compute_instance').select(['node', 'vm_state', 'task_state'])
    .where('node', 'in', ids).where('deleted', '=', 0).execute();
  // A node whose compute service was deleted is left out, as Nova leaves it out.
  return nodes.flatMap((node) => {
    const service = services.find((s) => s.host === node.host);
    if (!service) return [];
    const u = used.find((x) => x.node_id === node.id);
    const mine = instances.filter((i) => i.node === node.id);
    return [{
      node, service, up: isServiceUp(service, downSeconds),
      vcpusUsed: Number(u?.vcpus ?? 0),
      // As Nova's resource tracker counts them: the host's reserved memory and disk are in use.
      memoryUsed: Number(u?.memory_mb ?? 0) + node.reserved_memory_mb,
      diskUsed: Number(u?.disk_gb ?? 0) + node.reserved_disk_gb,
      runningVms: mine.length,
      // Nova's current_workload: instances being built or in the middle of a task.
      workload: mine.filter((i) => i.task_state !== null || i.vm_state === 'building').length,
    }];
  });
}

export const hypervisorId = (h: Hypervisor, shape: HypervisorShape): string | number => shape.uuidIds ? h.node.id : legacyId(h.node.id);

export function basicView(h: Hypervisor, shape: HypervisorShape): Record<string, unknown> {
  return {
    id: hypervisorId(h, shape), hypervisor_hostname: h.node.hypervisor_hostname,
    state: h.up ? 'up' : 'down', status: h.service.disabled === 0 ? 'enabled' : 'disabled',
  };
}

export function detailView(h: Hypervisor, shape: HypervisorShape): Record<string, unknown> {
  const n = h.node;
  const freeDisk = n.local_gb - h.diskUsed;
  return {
    ...basicView(h, shape),
    cpu_info: shape.cpuInfoObject ? parseCpuInfo(n.cpu_info) : n.cpu_info,
    current_workload: h.workload,
    disk_available_least: n.free_disk_gb ?? freeDisk,
    host_ip: n.host_ip,
    free_disk_gb: freeDisk,
    free_ram_mb: n.memory_mb - h.memoryUsed,
    hypervisor_type: n.hypervisor_type,
    hypervisor_version: n.hypervisor_version,
    local_gb: n.local_gb,
    local_gb_used: h.diskUsed,
    memory_mb: n.memory_mb,
    memory_mb_used: h.memoryUsed,
    running_vms: h.runningVms,
    service: {
      host: n.host,
      id: shape.uuidIds ? h.service.id : legacyId(h.service.id),
      disabled_reason: h.service.disabled_reason,
    },
    vcpus: n.vcpus,
    vcpus_used: h.vcpusUsed,
  };
}

function parseCpuInfo(text: string): unknown {
  try { return JSON.parse(text); } catch { return {}; }
}

/** Sums over the hypervisors of enabled compute services (Nova leaves disabled hosts out). */
export function statistics(all: Hypervisor[]): Record<string, number> {
  const hs = all.filter((h) => h.service.disabled === 0);
  const sum = (f: (h: Hypervisor) => number) => hs.reduce((acc, h) => acc + f(h), 0);
  return {
    count: hs.length,
    vcpus: sum((h) => h.node.vcpus),
    memory_mb: sum((h) => h.node.memory_mb),
    local_gb: sum((h) => h.node.local_gb),
    vcpus_used: sum((h) => h.vcpusUsed),
    memory_mb_used: sum((h) => h.memoryUsed),
    local_gb_used: sum((h) => h.diskUsed),
    free_ram_mb: sum((h) => h.node.memory_mb - h.memoryUsed),
    free_disk_gb: sum((h) => h.node.local_gb - h.diskUsed),
    current_workload: sum((h) => h.workload),
    running_vms: sum((h) => h.runningVms),
    disk_available_least: sum((h) => h.node.free_disk_gb ?? h.node.local_gb - h.diskUsed),
  };
}

/** The servers on each hypervisor, for `with_servers` and /{pattern}/servers. */
export async function serversOn(db: ComputeDb, nodeIds: string[]): Promise<Map<string, { name: string; uuid: string }[]>> {
  const out = new Map<string, { name: string; uuid: string }[]>();
  if (nodeIds.length === 0) return out;
  const rows = await db.selectFrom('compute_instance').select(['node', 'name', 'uuid'])
    .where('node', 'in', nodeIds).where('deleted', '=', 0).orderBy('created_at').execute();
  for (const r of rows) {
    const list = out.get(r.node!) ?? [];
    list.push({ name: r.name, uuid: r.uuid });
    out.set(r.node!, list);
  }
  return out;
}
