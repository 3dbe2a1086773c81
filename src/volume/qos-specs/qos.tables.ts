// The QoS association table (qos.migrations.ts), typed beside the shared volume tables.
import type { Kysely, Transaction } from 'kysely';
import type { VolumeTables } from '../volume.tables.js';

/** One row per volume type that has QoS specs (a type has at most one). */
export interface TypeQosRow { volume_type_id: string; qos_specs_id: string }

export interface QosTables extends VolumeTables { volume_type_qos: TypeQosRow }
export type QosDb = Kysely<QosTables> | Transaction<QosTables>;

/** The same database seen with the association table. */
export const withQos = (db: Kysely<VolumeTables> | Transaction<VolumeTables>): QosDb => db as unknown as QosDb;

/** The QoS specs id of each type (absent: none). */
export async function qosOfTypes(db: Kysely<VolumeTables> | Transaction<VolumeTables>, typeIds: string[]): Promise<Map<string, string>> {
  if (typeIds.length === 0) return new Map();
  const rows = await withQos(db).selectFrom('volume_type_qos').select(['volume_type_id', 'qos_specs_id'])
    .where('volume_type_id', 'in', typeIds).execute();
  return new Map(rows.map((r) => [r.volume_type_id, r.qos_specs_id]));
}
