// What host agents report: their service heartbeat and their node's inventory. Only the control
// plane writes the database, so agents send these over the bus and the conductor records them.
import { randomUUID } from 'node:crypto';
import type { HostInventory } from '../../agent/compute/driver.js';
import type { ComputeDb } from '../compute.tables.js';
import { now } from '../common.js';

export interface HostReport {
  host: string;
  inventory: HostInventory;
  reserved: { vcpus: number; memoryMb: number; diskGb: number };
}

/** Records that a service is alive (creating its row the first time). */
export async function heartbeat(db: ComputeDb, host: string, binary: string, topic: string): Promise<void> {
  const ts = now();
  await db.insertInto('compute_service').values({
    id: randomUUID(), host, binary, topic, disabled: 0, disabled_reason: null, forced_down: 0,
    last_seen_up: ts, created_at: ts, updated_at: ts,
  }).onConflict((oc) => oc.columns(['host', 'binary']).doUpdateSet({ last_seen_up: ts })).execute();
}

export async function recordHostReport(db: ComputeDb, r: HostReport): Promise<void> {
  await heartbeat(db, r.host, 'nova-compute', 'compute');
  const ts = now();
  const inv = r.inventory;
  const values = {
    hypervisor_hostname: r.host, hypervisor_type: inv.hypervisorType, hypervisor_version: inv.hypervisorVersion,
    host_ip: inv.hostIp, vcpus: inv.vcpus, memory_mb: inv.memoryMb, local_gb: inv.localGb,
    reserved_vcpus: r.reserved.vcpus, reserved_memory_mb: r.reserved.memoryMb, reserved_disk_gb: r.reserved.diskGb,
    cpu_info: JSON.stringify(inv.cpuInfo), capabilities: JSON.stringify(inv.capabilities), free_disk_gb: inv.freeDiskGb,
    updated_at: ts,
  };
  await db.insertInto('compute_node').values({ id: randomUUID(), host: r.host, created_at: ts, ...values })
    .onConflict((oc) => oc.column('host').doUpdateSet(values)).execute();
}
