import type { Kysely } from 'kysely';
import type { NamedMigration } from '../platform/db/migrations.js';
import { qosAssociationsMigration } from './qos-specs/qos.migrations.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type C = any;

const text = 'text' as const;
const int = 'integer' as const;
const notNull = (c: C) => c.notNull();

async function keyValueTable(db: Db, table: string, owner: string, ownerTable: string): Promise<void> {
  await db.schema.createTable(table)
    .addColumn(owner, text, (c: C) => c.notNull().references(`${ownerTable}.id`).onDelete('cascade'))
    .addColumn('key', text, notNull)
    .addColumn('value', text, notNull)
    .addPrimaryKeyConstraint(`${table}_pk`, [owner, 'key'])
    .execute();
}

const initial: NamedMigration = {
  name: 'volume/0001-initial',
  async up(db: Db) {
    await db.schema.createTable('volume_type')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('name', text, (c: C) => c.notNull().unique())
      .addColumn('description', text)
      .addColumn('is_public', int, (c: C) => c.notNull().defaultTo(1))
      .addColumn('created_at', text, notNull)
      .addColumn('updated_at', text, notNull)
      .execute();
    await keyValueTable(db, 'volume_type_extra_spec', 'volume_type_id', 'volume_type');
    await db.schema.createTable('volume_type_access')
      .addColumn('volume_type_id', text, (c: C) => c.notNull().references('volume_type.id').onDelete('cascade'))
      .addColumn('project_id', text, notNull)
      .addPrimaryKeyConstraint('volume_type_access_pk', ['volume_type_id', 'project_id'])
      .execute();
    await db.schema.createTable('volume_qos_spec')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('name', text, (c: C) => c.notNull().unique())
      .addColumn('consumer', text, notNull)
      .addColumn('specs', text, (c: C) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', text, notNull)
      .execute();

    await db.schema.createTable('volume')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('project_id', text, notNull)
      .addColumn('user_id', text, notNull)
      .addColumn('name', text)
      .addColumn('description', text)
      .addColumn('size', int, notNull)
      .addColumn('status', text, notNull)
      .addColumn('attach_status', text, (c: C) => c.notNull().defaultTo('detached'))
      .addColumn('status_reason', text)
      .addColumn('availability_zone', text, notNull)
      .addColumn('volume_type_id', text, (c: C) => c.notNull().references('volume_type.id'))
      .addColumn('bootable', int, (c: C) => c.notNull().defaultTo(0))
      .addColumn('multiattach', int, (c: C) => c.notNull().defaultTo(0))
      .addColumn('source_volid', text)
      .addColumn('snapshot_id', text)
      .addColumn('backup_id', text)
      .addColumn('image_id', text)
      .addColumn('host', text)
      .addColumn('provider_location', text)
      .addColumn('migration_status', text)
      .addColumn('created_at', text, notNull)
      .addColumn('updated_at', text, notNull)
      .addColumn('launched_at', text)
      .execute();
    await db.schema.createIndex('volume_project').on('volume').column('project_id').execute();
    await db.schema.createIndex('volume_host').on('volume').column('host').execute();
    await keyValueTable(db, 'volume_metadata', 'volume_id', 'volume');
    await keyValueTable(db, 'volume_image_metadata', 'volume_id', 'volume');
    await keyValueTable(db, 'volume_admin_metadata', 'volume_id', 'volume');

    await db.schema.createTable('volume_attachment')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('volume_id', text, (c: C) => c.notNull().references('volume.id').onDelete('cascade'))
      .addColumn('instance_uuid', text)
      .addColumn('attached_host', text)
      .addColumn('mountpoint', text)
      .addColumn('attach_status', text, notNull)
      .addColumn('attach_mode', text, (c: C) => c.notNull().defaultTo('rw'))
      .addColumn('connector', text)
      .addColumn('connection_info', text)
      .addColumn('attach_time', text)
      .addColumn('detach_time', text)
      .addColumn('created_at', text, notNull)
      .addColumn('updated_at', text, notNull)
      .execute();
    await db.schema.createIndex('volume_attachment_volume').on('volume_attachment').column('volume_id').execute();
    await db.schema.createIndex('volume_attachment_instance').on('volume_attachment').column('instance_uuid').execute();

    await db.schema.createTable('volume_snapshot')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('volume_id', text, (c: C) => c.notNull().references('volume.id'))
      .addColumn('project_id', text, notNull)
      .addColumn('user_id', text, notNull)
      .addColumn('name', text)
      .addColumn('description', text)
      .addColumn('size', int, notNull)
      .addColumn('status', text, notNull)
      .addColumn('status_reason', text)
      .addColumn('progress', text, (c: C) => c.notNull().defaultTo('0%'))
      .addColumn('provider_location', text)
      .addColumn('created_at', text, notNull)
      .addColumn('updated_at', text, notNull)
      .execute();
    await db.schema.createIndex('volume_snapshot_volume').on('volume_snapshot').column('volume_id').execute();
    await keyValueTable(db, 'volume_snapshot_metadata', 'snapshot_id', 'volume_snapshot');

    // No foreign key to the volume: a backup outlives the volume it was taken of.
    await db.schema.createTable('volume_backup')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('volume_id', text, notNull)
      .addColumn('snapshot_id', text)
      .addColumn('project_id', text, notNull)
      .addColumn('user_id', text, notNull)
      .addColumn('name', text)
      .addColumn('description', text)
      .addColumn('size', int, notNull)
      .addColumn('status', text, notNull)
      .addColumn('fail_reason', text)
      .addColumn('availability_zone', text)
      .addColumn('container', text)
      .addColumn('is_incremental', int, (c: C) => c.notNull().defaultTo(0))
      .addColumn('parent_id', text)
      .addColumn('object_count', int, (c: C) => c.notNull().defaultTo(0))
      .addColumn('host', text)
      .addColumn('metadata', text, (c: C) => c.notNull().defaultTo('{}'))
      .addColumn('data_timestamp', text, notNull)
      .addColumn('restore_volume_id', text)
      .addColumn('created_at', text, notNull)
      .addColumn('updated_at', text, notNull)
      .execute();
    await db.schema.createIndex('volume_backup_project').on('volume_backup').column('project_id').execute();

    await db.schema.createTable('volume_transfer')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('volume_id', text, (c: C) => c.notNull().unique().references('volume.id').onDelete('cascade'))
      .addColumn('project_id', text, notNull)
      .addColumn('name', text)
      .addColumn('salt', text, notNull)
      .addColumn('crypt_hash', text, notNull)
      .addColumn('no_snapshots', int, (c: C) => c.notNull().defaultTo(0))
      .addColumn('created_at', text, notNull)
      .addColumn('expires_at', text)
      .execute();

    await db.schema.createTable('volume_quota')
      .addColumn('project_id', text, notNull)
      .addColumn('resource', text, notNull)
      .addColumn('hard_limit', int, notNull)
      .addPrimaryKeyConstraint('volume_quota_pk', ['project_id', 'resource'])
      .execute();

    await db.schema.createTable('volume_backend')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('host', text, notNull)
      .addColumn('backend_name', text, notNull)
      .addColumn('driver', text, notNull)
      .addColumn('availability_zone', text, notNull)
      .addColumn('total_gb', int, notNull)
      .addColumn('free_gb', int, notNull)
      .addColumn('max_over_subscription_ratio', 'real', notNull)
      .addColumn('reserved_percentage', int, notNull)
      .addColumn('capabilities', text, (c: C) => c.notNull().defaultTo('{}'))
      .addColumn('disabled', int, (c: C) => c.notNull().defaultTo(0))
      .addColumn('disabled_reason', text)
      .addColumn('last_seen_up', text, notNull)
      .addColumn('created_at', text, notNull)
      .addColumn('updated_at', text, notNull)
      .execute();

    await db.schema.createTable('volume_message')
      .addColumn('id', text, (c: C) => c.primaryKey())
      .addColumn('project_id', text, notNull)
      .addColumn('resource_type', text, notNull)
      .addColumn('resource_uuid', text)
      .addColumn('event_id', text, notNull)
      .addColumn('message_level', text, notNull)
      .addColumn('user_message', text, notNull)
      .addColumn('request_id', text)
      .addColumn('created_at', text, notNull)
      .addColumn('expires_at', text, notNull)
      .execute();
  },
};

export const volumeMigrations: NamedMigration[] = [initial, qosAssociationsMigration];
