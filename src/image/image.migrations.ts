import type { Kysely } from 'kysely';
import type { NamedMigration } from '../platform/db/migrations.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const initial: NamedMigration = {
  name: 'image/0001-initial',
  async up(db: Db) {
    await db.schema.createTable('image')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('os_hidden', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('owner', 'text')
      .addColumn('disk_format', 'text')
      .addColumn('container_format', 'text')
      .addColumn('size', 'bigint')
      .addColumn('virtual_size', 'bigint')
      .addColumn('checksum', 'text')
      .addColumn('os_hash_algo', 'text')
      .addColumn('os_hash_value', 'text')
      .addColumn('min_disk', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('min_ram', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('properties', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('location', 'text')
      .execute();
    await db.schema.createIndex('image_owner').on('image').column('owner').execute();
    await db.schema.createTable('image_member')
      .addColumn('image_id', 'text', (c) => c.notNull().references('image.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('image_member_pk', ['image_id', 'member_id'])
      .execute();
    await db.schema.createIndex('image_member_member').on('image_member').column('member_id').execute();
    await db.schema.createTable('image_tag')
      .addColumn('image_id', 'text', (c) => c.notNull().references('image.id').onDelete('cascade'))
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('image_tag_pk', ['image_id', 'value'])
      .execute();
  },
};

export const imageMigrations: NamedMigration[] = [initial];
