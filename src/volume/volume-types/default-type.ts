// The volume type a request without one gets, and the lookup every slice uses to resolve a type
// named by id or name as the caller may see it.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { isUniqueViolation } from '../../platform/errors.js';
import { isAdmin, notFound, now, type VolumeDeps } from '../common.js';
import type { VolumeTables, VolumeTypeRow } from '../volume.tables.js';

type Db = Kysely<VolumeTables> | Transaction<VolumeTables>;

/** Makes sure the configured default type exists (`__DEFAULT__`, "Default Volume Type"); returns it. */
export async function ensureDefaultVolumeType(deps: VolumeDeps): Promise<VolumeTypeRow> {
  const name = deps.config.volume.defaultVolumeType;
  const found = await deps.db.selectFrom('volume_type').selectAll().where('name', '=', name).executeTakeFirst();
  if (found) return found;
  const ts = now();
  const row: VolumeTypeRow = { id: randomUUID(), name, description: 'Default Volume Type', is_public: 1, created_at: ts, updated_at: ts };
  try {
    await deps.db.insertInto('volume_type').values(row).execute();
  } catch (err) {
    // Another process made it at the same moment.
    if (!isUniqueViolation(err)) throw err;
    return deps.db.selectFrom('volume_type').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  }
  return row;
}

/** Whether the caller may use the type: public, admin, or private with access for the caller's project. */
export async function mayUseType(db: Db, deps: VolumeDeps, auth: AuthContext, type: VolumeTypeRow): Promise<boolean> {
  if (type.is_public || isAdmin(deps, auth)) return true;
  const access = await db.selectFrom('volume_type_access').select('project_id')
    .where('volume_type_id', '=', type.id).where('project_id', '=', auth.projectId ?? '').executeTakeFirst();
  return access !== undefined;
}

/**
 * The type named by id or name that the caller may use (public, or private with access for its
 * project, or any for admins); with `ref` null the default type. 404 "Volume type <ref> could not
 * be found." otherwise.
 */
export async function resolveVolumeType(db: Db, deps: VolumeDeps, auth: AuthContext, ref: string | null): Promise<VolumeTypeRow> {
  const wanted = ref ?? deps.config.volume.defaultVolumeType;
  const row = await db.selectFrom('volume_type').selectAll().where('id', '=', wanted).executeTakeFirst()
    ?? await db.selectFrom('volume_type').selectAll().where('name', '=', wanted).executeTakeFirst();
  if (!row || !(await mayUseType(db, deps, auth, row))) throw notFound.volumeType(wanted);
  return row;
}

/** A type's extra specs as an object. */
export async function extraSpecsOf(db: Db, typeId: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('volume_type_extra_spec').select(['key', 'value']).where('volume_type_id', '=', typeId).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
