// Flavors: who sees which, create/update/delete, the lookup server create uses, and the default set.
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../platform/errors.js';
import { isAdmin, now, type ComputeDeps } from '../common.js';
import type { ComputeDb, FlavorRow, InstanceFlavor } from '../compute.tables.js';
import { instanceFlavor } from './flavor-view.js';
import type { FlavorDraft } from './flavors.input.js';

export const flavorNotFound = (id: string) => notFound(`Flavor ${id} could not be found.`);

/**
 * The flavor by its id as the caller may see it: admins see every flavor, others the public ones
 * and the private ones their project was given access to (Nova's get_by_flavor_id).
 */
export async function findVisibleFlavor(deps: ComputeDeps, auth: AuthContext, id: string): Promise<FlavorRow | undefined> {
  let q = deps.db.selectFrom('compute_flavor').selectAll().where('id', '=', id);
  if (!isAdmin(deps, auth)) {
    const projectId = auth.projectId ?? '';
    q = q.where((eb) => eb.or([
      eb('is_public', '=', 1),
      eb('id', 'in', eb.selectFrom('compute_flavor_access').select('flavor_id').where('project_id', '=', projectId)),
    ]));
  }
  return q.executeTakeFirst();
}

export async function getFlavor(deps: ComputeDeps, auth: AuthContext, id: string): Promise<FlavorRow> {
  const row = await findVisibleFlavor(deps, auth, id);
  if (!row) throw flavorNotFound(id);
  return row;
}

export async function extraSpecsOf(db: ComputeDb, flavorIds: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>(flavorIds.map((id) => [id, {}]));
  if (flavorIds.length === 0) return out;
  const rows = await db.selectFrom('compute_flavor_extra_spec').selectAll().where('flavor_id', 'in', flavorIds).orderBy('key').execute();
  for (const r of rows) out.get(r.flavor_id)![r.key] = r.value;
  return out;
}

export async function createFlavor(deps: ComputeDeps, draft: FlavorDraft): Promise<FlavorRow> {
  const row: FlavorRow = {
    id: draft.id ?? randomUUID(), name: draft.name, vcpus: draft.vcpus, ram: draft.ram, disk: draft.disk,
    ephemeral: draft.ephemeral, swap: draft.swap, rxtx_factor: draft.rxtx_factor, is_public: draft.is_public ? 1 : 0,
    disabled: 0, description: draft.description, created_at: now(), updated_at: null,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, 'flavors');
      const clash = await trx.selectFrom('compute_flavor').select(['id', 'name'])
        .where((eb) => eb.or([eb('id', '=', row.id), eb('name', '=', row.name)])).executeTakeFirst();
      if (clash?.name === row.name) throw conflict(`Flavor with name ${row.name} already exists.`);
      if (clash) throw conflict(`Flavor with ID ${row.id} already exists.`);
      await trx.insertInto('compute_flavor').values(row).execute();
    });
  } catch (err) {
    // A create racing past the check (the unique index decides) still ends as the right 409.
    if (isUniqueViolation(err)) {
      const byName = await deps.db.selectFrom('compute_flavor').select('id').where('name', '=', row.name).executeTakeFirst();
      throw conflict(byName ? `Flavor with name ${row.name} already exists.` : `Flavor with ID ${row.id} already exists.`);
    }
    throw err;
  }
  return row;
}

export async function updateFlavorDescription(deps: ComputeDeps, id: string, description: string | null): Promise<FlavorRow> {
  const res = await deps.db.updateTable('compute_flavor').set({ description, updated_at: now() }).where('id', '=', id).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw flavorNotFound(id);
  return (await deps.db.selectFrom('compute_flavor').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

/** Deletes the flavor with its access list and extra specs; servers keep their own copy of it. */
export async function deleteFlavor(deps: ComputeDeps, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('compute_flavor_extra_spec').where('flavor_id', '=', id).execute();
    await trx.deleteFrom('compute_flavor_access').where('flavor_id', '=', id).execute();
    const res = await trx.deleteFrom('compute_flavor').where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw flavorNotFound(id);
  });
}

/** The id in a flavorRef: the id itself or a URL whose last path segment is the id. */
export function flavorIdFromRef(ref: string): string {
  if (!ref.includes('/')) return ref;
  const path = ref.split(/[?#]/)[0]!.replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try { return decodeURIComponent(last); } catch { return last; }
}

/**
 * The flavor a server is built with. A missing, invisible or disabled flavor is the 400 Nova's
 * server create answers ("Flavor <id> could not be found.").
 */
export async function loadFlavorForBoot(deps: ComputeDeps, auth: AuthContext, flavorRef: string): Promise<InstanceFlavor> {
  const flavor = await findBootFlavor(deps, auth, flavorRef);
  if (!flavor) throw badRequest(`Flavor ${flavorIdFromRef(flavorRef)} could not be found.`);
  return flavor;
}

/** The flavor a server can be built with, or null if it is missing, invisible or disabled. */
export async function findBootFlavor(deps: ComputeDeps, auth: AuthContext, flavorRef: string): Promise<InstanceFlavor | null> {
  const id = flavorIdFromRef(flavorRef);
  const row = id === '' ? undefined : await findVisibleFlavor(deps, auth, id);
  if (!row || row.disabled === 1) return null;
  const specs = await extraSpecsOf(deps.db, [row.id]);
  return instanceFlavor(row, specs.get(row.id) ?? {});
}

/** DevStack's default flavors (and m1.nano for small test guests), only into an empty table. */
export async function seedDefaultFlavors(db: ComputeDb): Promise<void> {
  const defaults: Array<[string, string, number, number, number]> = [
    ['1', 'm1.tiny', 1, 512, 1], ['2', 'm1.small', 1, 2048, 20], ['3', 'm1.medium', 2, 4096, 40],
    ['4', 'm1.large', 4, 8192, 80], ['5', 'm1.xlarge', 8, 16384, 160], ['42', 'm1.nano', 1, 128, 1],
  ];
  await db.transaction().execute(async (trx) => {
    await serializeOn(trx, 'flavors');
    const any = await trx.selectFrom('compute_flavor').select('id').limit(1).executeTakeFirst();
    if (any) return;
    const created_at = now();
    await trx.insertInto('compute_flavor').values(defaults.map(([id, name, vcpus, ram, disk]) => ({
      id, name, vcpus, ram, disk, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: 1, disabled: 0,
      description: null, created_at, updated_at: null,
    }))).execute();
  });
}

// The API view, for slices that show a flavor (server bodies before 2.47 link to it; resize checks).
export { flavorBody, flavorSummary, instanceFlavor } from './flavor-view.js';
