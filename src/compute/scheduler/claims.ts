// Claims in the database. A claim runs in a transaction serialised per node (an advisory lock on
// PostgreSQL; SQLite runs transactions one at a time) and re-reads the node's usage before it
// inserts, so any number of schedulers racing for one node never fill it past its ratios.
import type { ComputeConfig } from '../../platform/config.compute.js';
import { serializeOn } from '../../platform/db/serialize.js';
import type { AllocationRow, ComputeDb } from '../compute.tables.js';
import { now } from '../common.js';
import { aggregatesOfHost, fromAggregates } from './host-states.js';
import { capacity, fits, type Resources } from './host-state.js';

export type ClaimResult = { ok: false } | { ok: true; held: AllocationRow; replaced: AllocationRow | undefined };

/**
 * Holds `want` on the node for (instance, kind) unless it no longer fits. An earlier allocation of
 * the same instance and kind (a reschedule to another node) is replaced, not added to. Sizes and
 * ratios are read inside the transaction, never taken from the (possibly stale) host states.
 */
export async function claim(db: ComputeDb, config: ComputeConfig, instanceUuid: string, kind: AllocationRow['kind'],
  nodeId: string, want: Resources): Promise<ClaimResult> {
  return db.transaction().execute(async (trx) => {
    await serializeOn(trx, `node:${nodeId}`);
    const node = await trx.selectFrom('compute_node')
      .select(['host', 'vcpus', 'memory_mb', 'local_gb', 'reserved_vcpus', 'reserved_memory_mb', 'reserved_disk_gb'])
      .where('id', '=', nodeId).executeTakeFirst();
    if (!node) return { ok: false };
    const { ratios } = fromAggregates(await aggregatesOfHost(trx, node.host), config);
    const used = await trx.selectFrom('compute_allocation')
      .select((eb) => [eb.fn.sum<number>('vcpus').as('vcpus'), eb.fn.sum<number>('memory_mb').as('memory_mb'), eb.fn.sum<number>('disk_gb').as('disk_gb')])
      .where('node_id', '=', nodeId)
      .where((eb) => eb.not(eb.and([eb('instance_uuid', '=', instanceUuid), eb('kind', '=', kind)])))
      .executeTakeFirst();
    const cap = capacity({
      total: { vcpus: node.vcpus, memoryMb: node.memory_mb, diskGb: node.local_gb },
      reserved: { vcpus: node.reserved_vcpus, memoryMb: node.reserved_memory_mb, diskGb: node.reserved_disk_gb },
      ratios,
    });
    const room = { vcpus: cap.vcpus - Number(used?.vcpus ?? 0), memoryMb: cap.memoryMb - Number(used?.memory_mb ?? 0), diskGb: cap.diskGb - Number(used?.disk_gb ?? 0) };
    if (!fits(want, room)) return { ok: false };
    const [replaced] = await trx.deleteFrom('compute_allocation').where('instance_uuid', '=', instanceUuid).where('kind', '=', kind)
      .returningAll().execute();
    const held: AllocationRow = {
      instance_uuid: instanceUuid, kind, node_id: nodeId, vcpus: want.vcpus, memory_mb: want.memoryMb, disk_gb: want.diskGb, created_at: now(),
    };
    await trx.insertInto('compute_allocation').values(held).execute();
    return { ok: true, held, replaced };
  });
}

/** Deletes the instance's allocations (one kind or all) and returns what they held. */
export async function release(db: ComputeDb, instanceUuid: string, kind?: AllocationRow['kind']): Promise<AllocationRow[]> {
  let q = db.deleteFrom('compute_allocation').where('instance_uuid', '=', instanceUuid);
  if (kind) q = q.where('kind', '=', kind);
  return q.returningAll().execute();
}

/** The resize is confirmed: the new flavor's `migration` hold becomes the instance's only one. */
export async function promoteMigration(db: ComputeDb, instanceUuid: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const migration = await trx.selectFrom('compute_allocation').select('node_id')
      .where('instance_uuid', '=', instanceUuid).where('kind', '=', 'migration').executeTakeFirst();
    if (!migration) return;
    await trx.deleteFrom('compute_allocation').where('instance_uuid', '=', instanceUuid).where('kind', '=', 'instance').execute();
    await trx.updateTable('compute_allocation').set({ kind: 'instance' })
      .where('instance_uuid', '=', instanceUuid).where('kind', '=', 'migration').execute();
  });
}
