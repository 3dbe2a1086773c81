// Host aggregates: groups of compute hosts carrying metadata, and availability zones when the
// aggregate names one. Ids are small integers assigned here (max + 1), as Nova shows them.
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { isoMicro, now } from '../common.js';
import type { AggregateRow, ComputeDb } from '../compute.tables.js';
import { INTERNAL_AZ } from './aggregate-hosts.js';

export interface AggregateView {
  id: number; uuid?: string; name: string; availability_zone: string | null;
  hosts?: string[]; metadata?: Record<string, string>;
  created_at: string | null; updated_at: string | null; deleted: false; deleted_at: null;
}

/** One lock for every aggregate write: zone checks read other aggregates' hosts. */
const LOCK = 'compute:aggregates';

const aggregateNotFound = (id: number | string) => notFound(`Aggregate ${id} could not be found.`);

export class AggregateService {
  constructor(private readonly db: ComputeDb) {}

  async list(withUuid: boolean): Promise<AggregateView[]> {
    const rows = await this.db.selectFrom('compute_aggregate').selectAll().orderBy('id').execute();
    const hosts = await this.db.selectFrom('compute_aggregate_host').selectAll().orderBy('host').execute();
    const meta = await this.db.selectFrom('compute_aggregate_metadata').selectAll().orderBy('key').execute();
    return rows.map((r) => view(r, hosts.filter((h) => h.aggregate_id === r.id).map((h) => h.host),
      meta.filter((m) => m.aggregate_id === r.id), withUuid));
  }

  async show(id: number, withUuid: boolean, db: ComputeDb = this.db): Promise<AggregateView> {
    const row = await db.selectFrom('compute_aggregate').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw aggregateNotFound(id);
    const hosts = await db.selectFrom('compute_aggregate_host').select('host').where('aggregate_id', '=', id).orderBy('host').execute();
    const meta = await db.selectFrom('compute_aggregate_metadata').selectAll().where('aggregate_id', '=', id).orderBy('key').execute();
    return view(row, hosts.map((h) => h.host), meta, withUuid);
  }

  /** Nova's create answer leaves out hosts and metadata. */
  async create(name: string, zone: string | null, withUuid: boolean): Promise<AggregateView> {
    checkZoneName(zone);
    const row = await this.write(async (trx) => {
      await this.checkNameFree(trx, name);
      const max = await trx.selectFrom('compute_aggregate').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
      const created: AggregateRow = {
        id: Number(max?.m ?? 0) + 1, uuid: randomUUID(), name, availability_zone: zone, created_at: now(), updated_at: null,
      };
      await trx.insertInto('compute_aggregate').values(created).execute();
      return created;
    }, name);
    const { hosts: _h, metadata: _m, ...rest } = view(row, [], [], withUuid);
    return rest;
  }

  async update(id: number, changes: { name?: string; availability_zone?: string | null }, withUuid: boolean): Promise<AggregateView> {
    if (changes.availability_zone !== undefined) checkZoneName(changes.availability_zone);
    return this.write(async (trx) => {
      const row = await this.load(trx, id);
      if (changes.name !== undefined && changes.name !== row.name) await this.checkNameFree(trx, changes.name);
      if (changes.availability_zone !== undefined) await this.checkZoneFits(trx, row, changes.availability_zone, 'update aggregate');
      await trx.updateTable('compute_aggregate').set({ ...changes, updated_at: now() }).where('id', '=', id).execute();
      return this.show(id, withUuid, trx);
    }, changes.name);
  }

  async remove(id: number): Promise<void> {
    await this.write(async (trx) => {
      await this.load(trx, id);
      const host = await trx.selectFrom('compute_aggregate_host').select('host').where('aggregate_id', '=', id).executeTakeFirst();
      if (host) throw conflict(`Cannot delete aggregate ${id}. Reason: Host list is not empty.`);
      await trx.deleteFrom('compute_aggregate_metadata').where('aggregate_id', '=', id).execute();
      await trx.deleteFrom('compute_aggregate').where('id', '=', id).execute();
    });
  }

  async addHost(id: number, host: string, withUuid: boolean): Promise<AggregateView> {
    return this.write(async (trx) => {
      const row = await this.load(trx, id);
      const known = await trx.selectFrom('compute_service').select('id')
        .where('host', '=', host).where('binary', '=', 'nova-compute').executeTakeFirst();
      if (!known) throw notFound(`Compute host ${host} could not be found.`);
      const member = await trx.selectFrom('compute_aggregate_host').select('host')
        .where('aggregate_id', '=', id).where('host', '=', host).executeTakeFirst();
      if (member) throw conflict(`Aggregate ${id} already has host ${host}.`);
      if (row.availability_zone !== null) {
        const others = await otherZones(trx, [host], id);
        if (others.some((z) => z !== row.availability_zone)) {
          throw conflict(`Cannot add host to aggregate ${id}. Reason: One or more hosts already in availability zone(s) ${others.join(', ')}.`);
        }
      }
      await trx.insertInto('compute_aggregate_host').values({ aggregate_id: id, host }).execute();
      await touch(trx, id);
      return this.show(id, withUuid, trx);
    });
  }

  async removeHost(id: number, host: string, withUuid: boolean): Promise<AggregateView> {
    return this.write(async (trx) => {
      await this.load(trx, id);
      const gone = await trx.deleteFrom('compute_aggregate_host').where('aggregate_id', '=', id).where('host', '=', host).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) throw notFound(`Cannot remove host ${host} in aggregate ${id}: it is not a member.`);
      await touch(trx, id);
      return this.show(id, withUuid, trx);
    });
  }

  /** Sets and (null values) deletes keys; `availability_zone` is the aggregate's zone itself. */
  async setMetadata(id: number, metadata: Record<string, string | null>, withUuid: boolean): Promise<AggregateView> {
    const zone = metadata.availability_zone;
    if (zone !== undefined) checkZoneName(zone);
    return this.write(async (trx) => {
      const row = await this.load(trx, id);
      if (zone !== undefined) {
        await this.checkZoneFits(trx, row, zone, 'update aggregate metadata');
        await trx.updateTable('compute_aggregate').set({ availability_zone: zone }).where('id', '=', id).execute();
      }
      for (const [key, value] of Object.entries(metadata)) {
        if (key === 'availability_zone') continue;
        await trx.deleteFrom('compute_aggregate_metadata').where('aggregate_id', '=', id).where('key', '=', key).execute();
        if (value !== null) await trx.insertInto('compute_aggregate_metadata').values({ aggregate_id: id, key, value }).execute();
      }
      await touch(trx, id);
      return this.show(id, withUuid, trx);
    });
  }

  private async write<T>(work: (trx: ComputeDb) => Promise<T>, name?: string): Promise<T> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        await serializeOn(trx, LOCK);
        return work(trx);
      });
    } catch (err) {
      // Two creates racing past checkNameFree on SQLite cannot happen; on PostgreSQL the lock
      // serialises them too, so this is the last guard only.
      if (isUniqueViolation(err)) throw conflict(`Aggregate ${name ?? ''} already exists.`);
      throw err;
    }
  }

  private async load(trx: ComputeDb, id: number): Promise<AggregateRow> {
    const row = await trx.selectFrom('compute_aggregate').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw aggregateNotFound(id);
    return row;
  }

  private async checkNameFree(trx: ComputeDb, name: string): Promise<void> {
    const taken = await trx.selectFrom('compute_aggregate').select('id').where('name', '=', name).executeTakeFirst();
    if (taken) throw conflict(`Aggregate ${name} already exists.`);
  }

  /** A host may not sit in two zones: the aggregate's hosts must have no other zone than `zone`. */
  private async checkZoneFits(trx: ComputeDb, row: AggregateRow, zone: string | null, action: string): Promise<void> {
    if (zone === null || zone === row.availability_zone) return;
    const hosts = (await trx.selectFrom('compute_aggregate_host').select('host').where('aggregate_id', '=', row.id).execute()).map((h) => h.host);
    const others = await otherZones(trx, hosts, row.id);
    if (others.some((z) => z !== zone)) {
      throw conflict(`Cannot ${action} ${row.id}. Reason: One or more hosts already in availability zone(s) ${others.join(', ')}.`);
    }
  }
}

/** The zones that aggregates other than `exceptId` give to any of the hosts. */
async function otherZones(trx: ComputeDb, hosts: string[], exceptId: number): Promise<string[]> {
  if (hosts.length === 0) return [];
  const rows = await trx.selectFrom('compute_aggregate_host as h').innerJoin('compute_aggregate as a', 'a.id', 'h.aggregate_id')
    .select('a.availability_zone').distinct()
    .where('h.host', 'in', hosts).where('a.id', '!=', exceptId).where('a.availability_zone', 'is not', null).execute();
  return rows.map((r) => r.availability_zone!).sort();
}

async function touch(trx: ComputeDb, id: number): Promise<void> {
  await trx.updateTable('compute_aggregate').set({ updated_at: now() }).where('id', '=', id).execute();
}

/** `internal` is where Nova lists its own services; no compute host may be put there. */
function checkZoneName(zone: string | null): void {
  if (zone === INTERNAL_AZ) throw badRequest(`Invalid availability zone '${INTERNAL_AZ}': it is reserved for the internal services.`);
}

function view(row: AggregateRow, hosts: string[], meta: { key: string; value: string }[], withUuid: boolean): AggregateView {
  const metadata: Record<string, string> = Object.fromEntries(meta.map((m) => [m.key, m.value]));
  if (row.availability_zone !== null) metadata.availability_zone = row.availability_zone;
  return {
    id: row.id, ...(withUuid ? { uuid: row.uuid } : {}), name: row.name, availability_zone: row.availability_zone,
    hosts, metadata, created_at: isoMicro(row.created_at), updated_at: isoMicro(row.updated_at), deleted: false, deleted_at: null,
  };
}
