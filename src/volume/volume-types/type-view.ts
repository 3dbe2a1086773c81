// How a volume type reads in the API (Cinder's views/types.py plus the type-access extension), and
// the lookup of one type as the caller may see it.
import type { Kysely, Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { notFound, type VolumeDeps } from '../common.js';
import type { VolumeTables, VolumeTypeRow } from '../volume.tables.js';
import { mayUseType } from './default-type.js';

type Db = Kysely<VolumeTables> | Transaction<VolumeTables>;

/** The extra specs a caller without the sensitive-specs right still sees (Cinder's USER_VISIBLE_EXTRA_SPECS). */
export const USER_VISIBLE_EXTRA_SPECS = ['RESKEY:availability_zones', 'multiattach', 'replication_enabled'];

/** Whether the caller reads every extra spec (admins by default). */
export const readsAllSpecs = (deps: VolumeDeps, auth: AuthContext): boolean =>
  deps.policy.allows(auth, 'volume_extension:access_types_extra_specs');

/** The specs the caller may see. */
export function visibleSpecs(deps: VolumeDeps, auth: AuthContext, specs: Record<string, string>): Record<string, string> {
  if (readsAllSpecs(deps, auth)) return specs;
  return Object.fromEntries(Object.entries(specs).filter(([k]) => USER_VISIBLE_EXTRA_SPECS.includes(k)));
}

/** `volume_type` as Cinder shows it. */
export function typeView(deps: VolumeDeps, auth: AuthContext, row: VolumeTypeRow, specs: Record<string, string>, qosSpecsId: string | null = null) {
  const isPublic = row.is_public === 1;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    is_public: isPublic,
    extra_specs: visibleSpecs(deps, auth, specs),
    ...(deps.policy.allows(auth, 'volume_extension:access_types_qos_specs_id') ? { qos_specs_id: qosSpecsId } : {}),
    'os-volume-type-access:is_public': isPublic,
  };
}

/** Extra specs of many types at once, by type id. */
export async function specsByType(db: Db, typeIds: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>(typeIds.map((id) => [id, {}]));
  if (typeIds.length === 0) return out;
  const rows = await db.selectFrom('volume_type_extra_spec').select(['volume_type_id', 'key', 'value'])
    .where('volume_type_id', 'in', typeIds).execute();
  for (const r of rows) out.get(r.volume_type_id)![r.key] = r.value;
  return out;
}

/** The type with this id, if the caller may see it (public, private with access, admin); else 404. */
export async function visibleTypeById(db: Db, deps: VolumeDeps, auth: AuthContext, id: string): Promise<VolumeTypeRow> {
  const row = await db.selectFrom('volume_type').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !(await mayUseType(db, deps, auth, row))) throw notFound.volumeType(id);
  return row;
}
