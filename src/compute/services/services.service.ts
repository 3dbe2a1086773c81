// os-services: the compute, scheduler and conductor services as the conductor registered them;
// operators enable/disable them (the scheduler skips disabled compute hosts), force them down
// (fencing before evacuation) and delete compute services of retired hosts.
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { isoMicro, isUuid, now, type ComputeDeps } from '../common.js';
import type { ServiceRow } from '../compute.tables.js';
import { byLegacyId, COMPUTE_BINARY, isServiceUp, legacyId, serviceZones } from './service-state.js';

export interface ServiceView {
  id: number | string; binary: string; host: string; zone: string; status: 'enabled' | 'disabled'; state: 'up' | 'down';
  updated_at: string | null; disabled_reason: string | null; forced_down?: boolean;
}

/** What the caller's microversion shows: UUID ids from 2.53, forced_down from 2.11. */
export interface ServiceShape { uuidIds: boolean; forcedDown: boolean }

export interface ServiceChanges { disabled?: boolean; disabled_reason?: string | null; forced_down?: boolean }

export class ComputeServices {
  constructor(private readonly deps: ComputeDeps) {}

  async list(filters: { host?: string; binary?: string }, shape: ServiceShape): Promise<ServiceView[]> {
    let q = this.deps.db.selectFrom('compute_service').selectAll().orderBy('created_at').orderBy('host').orderBy('binary');
    if (filters.host !== undefined) q = q.where('host', '=', filters.host);
    if (filters.binary !== undefined) q = q.where('binary', '=', filters.binary);
    return this.views(await q.execute(), shape);
  }

  async views(rows: ServiceRow[], shape: ServiceShape): Promise<ServiceView[]> {
    const zones = await serviceZones(this.deps.db, rows);
    const down = this.deps.config.compute.serviceDownSeconds;
    return rows.map((r) => ({
      id: shape.uuidIds ? r.id : legacyId(r.id),
      binary: r.binary, host: r.host, zone: zones.get(r.id)!,
      status: r.disabled === 1 ? 'disabled' : 'enabled',
      state: isServiceUp(r, down) ? 'up' : 'down',
      updated_at: isoMicro(r.last_seen_up ?? r.updated_at),
      disabled_reason: r.disabled_reason,
      ...(shape.forcedDown ? { forced_down: r.forced_down === 1 } : {}),
    }));
  }

  async byHostAndBinary(host: string, binary: string): Promise<ServiceRow> {
    const row = await this.deps.db.selectFrom('compute_service').selectAll().where('host', '=', host).where('binary', '=', binary).executeTakeFirst();
    if (!row) throw notFound(`Compute host ${host} with binary ${binary} could not be found.`);
    return row;
  }

  /** A service by the id the caller's microversion uses (UUID from 2.53, integer before). */
  async byId(raw: string, uuidIds: boolean): Promise<ServiceRow> {
    if (uuidIds) {
      if (!isUuid(raw)) throw badRequest(`Invalid uuid ${raw}`);
      const row = await this.deps.db.selectFrom('compute_service').selectAll().where('id', '=', raw).executeTakeFirst();
      if (!row) throw notFound(`Service ${raw} not found.`);
      return row;
    }
    if (!/^\d+$/.test(raw)) throw badRequest(`Invalid service id ${raw}: it must be an integer.`);
    const row = byLegacyId(await this.deps.db.selectFrom('compute_service').selectAll().execute(), raw);
    if (!row) throw notFound(`Service ${raw} not found.`);
    return row;
  }

  async update(row: ServiceRow, changes: ServiceChanges): Promise<ServiceRow> {
    const set: Partial<ServiceRow> = { updated_at: now() };
    if (changes.disabled !== undefined) {
      set.disabled = changes.disabled ? 1 : 0;
      // Enabling clears the reason; disabling keeps the given one (or none).
      set.disabled_reason = changes.disabled ? (changes.disabled_reason ?? null) : null;
    }
    if (changes.forced_down !== undefined) set.forced_down = changes.forced_down ? 1 : 0;
    await this.deps.db.updateTable('compute_service').set(set).where('id', '=', row.id).execute();
    return { ...row, ...set };
  }

  /** Deletes a compute service with its hypervisor and aggregate memberships; refused while
   *  instances live on the host (they would be orphaned). */
  async remove(row: ServiceRow): Promise<void> {
    if (row.binary !== COMPUTE_BINARY) {
      throw badRequest(`Service ${row.binary} on ${row.host} is a control service; only ${COMPUTE_BINARY} services can be deleted.`);
    }
    await this.deps.db.transaction().execute(async (trx) => {
      const hosting = await trx.selectFrom('compute_instance').select('uuid').where('host', '=', row.host).where('deleted', '=', 0).executeTakeFirst();
      if (hosting) throw conflict('Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
      // A resize to this host holds its new flavor here while the instance still lives elsewhere.
      const held = await trx.selectFrom('compute_allocation as a').innerJoin('compute_node as n', 'n.id', 'a.node_id')
        .select('a.instance_uuid').where('n.host', '=', row.host).executeTakeFirst();
      if (held) throw conflict('Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.');
      await trx.deleteFrom('compute_aggregate_host').where('host', '=', row.host).execute();
      await trx.deleteFrom('compute_node').where('host', '=', row.host).execute();
      await trx.deleteFrom('compute_service').where('id', '=', row.id).execute();
    });
  }
}
