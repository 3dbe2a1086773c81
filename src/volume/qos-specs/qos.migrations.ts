// Which QoS specs a volume type carries (Cinder's volume_types.qos_specs_id): a table of its own, so
// the shared volume tables stay as they are.
import type { Kysely } from 'kysely';
import type { NamedMigration } from '../../platform/db/migrations.js';

export const qosAssociationsMigration: NamedMigration = {
  name: 'volume/0002-type-qos',
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    await db.schema.createTable('volume_type_qos')
      .addColumn('volume_type_id', 'text', (c) => c.primaryKey().references('volume_type.id').onDelete('cascade'))
      .addColumn('qos_specs_id', 'text', (c) => c.notNull().references('volume_qos_spec.id').onDelete('cascade'))
      .execute();
  },
};
