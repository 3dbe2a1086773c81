// Chooses a backend for a new volume (Cinder's filter scheduler): backends whose agent is up and
// enabled, in the requested availability zone, matching the volume type's `volume_backend_name`
// (and other capability extra specs), with room for the size under over-subscription; the one with
// the most free (virtual) capacity wins. The choice is claimed in the same transaction that sets
// the volume's host, so concurrent creates never overcommit a backend.
import type { Transaction } from 'kysely';
import { serializeOn } from '../../platform/db/serialize.js';
import { now, type VolumeDeps } from '../common.js';
import { backendOf } from '../context.js';
import { extraSpecsOf } from '../volume-types/default-type.js';
import type { BackendRow, VolumeTables } from '../volume.tables.js';
import { filterAndWeigh } from './backend-filters.js';

export interface BackendChoice {
  /** `<host>@<backend>`. */
  backendHost: string;
  /** `<host>@<backend>#<pool>`: the volume's os-vol-host-attr:host. */
  volumeHost: string;
  availabilityZone: string;
}

export class NoValidBackend extends Error {}

export interface BackendScheduler {
  /**
   * Places the volume (a row in `creating` without host): sets its `host` and returns the choice,
   * or throws NoValidBackend with a reason a person can act on. `sameBackendAs`: a clone, a volume
   * from a snapshot, or a restore must land on the backend holding the source.
   */
  place(volumeId: string, opts?: { sameBackendAs?: string }): Promise<BackendChoice>;
}

/** The filter scheduler over the `volume_backend` rows the storage agents' reports keep fresh. */
export function createBackendScheduler(deps: VolumeDeps): BackendScheduler {
  return {
    place: (volumeId, opts = {}) => deps.db.transaction().execute(async (trx) => {
      const vol = await trx.selectFrom('volume').select(['size', 'availability_zone', 'volume_type_id', 'host'])
        .where('id', '=', volumeId).executeTakeFirst();
      if (!vol) throw new Error(`Volume ${volumeId} could not be found.`);
      const rows = await trx.selectFrom('volume_backend').selectAll().orderBy('id').execute();
      if (vol.host) return choiceOf(vol.host, rows);
      // Every placement takes the backends' locks in one order, then reads what is on them: two
      // concurrent placements see each other's claims and cannot overcommit (PostgreSQL; SQLite
      // runs one transaction at a time anyway).
      for (const r of rows) await serializeOn(trx, `volume-backend:${r.id}`);
      const provisioned = await provisionedByBackend(trx);
      const outcome = filterAndWeigh(rows.map((row) => ({ row, provisionedGb: provisioned.get(row.id) ?? 0 })), {
        sizeGb: vol.size, availabilityZone: vol.availability_zone, extraSpecs: await extraSpecsOf(trx, vol.volume_type_id),
        sameBackendAs: opts.sameBackendAs,
      }, deps.config.volume.serviceDownSeconds);
      if (!outcome.ok) throw new NoValidBackend(outcome.reason);
      const best = outcome.ranked[0]!.state.row;
      const volumeHost = `${best.id}#${best.backend_name}`;
      const res = await trx.updateTable('volume').set({ host: volumeHost, updated_at: now() })
        .where('id', '=', volumeId).where('host', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new Error(`Volume ${volumeId} was placed or removed meanwhile.`);
      return { backendHost: best.id, volumeHost, availabilityZone: best.availability_zone };
    }),
  };
}

function choiceOf(volumeHost: string, rows: readonly BackendRow[]): BackendChoice {
  const backendHost = backendOf(volumeHost);
  const zone = rows.find((r) => r.id === backendHost)?.availability_zone ?? '';
  return { backendHost, volumeHost, availabilityZone: zone };
}

/** GB of volumes and snapshots already on each backend (`<host>@<backend>`), error volumes included (they hold space until deleted). */
async function provisionedByBackend(trx: Transaction<VolumeTables>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const add = (host: string | null, gb: number | string | bigint | null) => {
    if (!host) return;
    const id = backendOf(host);
    out.set(id, (out.get(id) ?? 0) + Number(gb ?? 0));
  };
  const volumes = await trx.selectFrom('volume').select(['host', (eb) => eb.fn.sum<number>('size').as('gb')])
    .where('host', 'is not', null).groupBy('host').execute();
  for (const v of volumes) add(v.host, v.gb);
  const snaps = await trx.selectFrom('volume_snapshot').innerJoin('volume', 'volume.id', 'volume_snapshot.volume_id')
    .select(['volume.host', (eb) => eb.fn.sum<number>('volume_snapshot.size').as('gb')])
    .where('volume.host', 'is not', null).groupBy('volume.host').execute();
  for (const s of snaps) add(s.host, s.gb);
  return out;
}
