import type { Kysely } from 'kysely';
import type { NamedMigration } from '../platform/db/migrations.js';
import { validityGenerationMigration } from './validity-generation.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const initial: NamedMigration = {
  name: 'identity/0001-initial',
  async up(db: Db) {
    await db.schema.createTable('domain')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('project')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domain.id'))
      .addColumn('parent_id', 'text', (c) => c.references('project.id'))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .addUniqueConstraint('project_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createTable('identity_user')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domain.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('password_hash', 'text')
      .addColumn('default_project_id', 'text')
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('password_changed_at', 'text')
      .addUniqueConstraint('user_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createTable('identity_group')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull().references('domain.id'))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addUniqueConstraint('group_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createTable('group_membership')
      .addColumn('group_id', 'text', (c) => c.notNull().references('identity_group.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('identity_user.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('group_membership_pk', ['group_id', 'user_id'])
      .execute();
    await db.schema.createIndex('group_membership_user').on('group_membership').column('user_id').execute();
    await db.schema.createTable('role')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
      .addUniqueConstraint('role_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createTable('implied_role')
      .addColumn('prior_role_id', 'text', (c) => c.notNull().references('role.id').onDelete('cascade'))
      .addColumn('implied_role_id', 'text', (c) => c.notNull().references('role.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('implied_role_pk', ['prior_role_id', 'implied_role_id'])
      .execute();
    await db.schema.createTable('role_assignment')
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('role_id', 'text', (c) => c.notNull().references('role.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('role_assignment_pk', ['actor_type', 'actor_id', 'target_type', 'target_id', 'role_id'])
      .execute();
    await db.schema.createIndex('role_assignment_target').on('role_assignment').columns(['target_type', 'target_id']).execute();
    await db.schema.createTable('region')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('parent_region_id', 'text', (c) => c.references('region.id'))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('service')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('endpoint')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
      .addColumn('interface', 'text', (c) => c.notNull())
      .addColumn('region_id', 'text', (c) => c.references('region.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('token')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text')
      .addColumn('domain_id', 'text')
      .addColumn('system', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('methods', 'text', (c) => c.notNull())
      .addColumn('audit_id', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('app_cred_id', 'text')
      .execute();
    await db.schema.createIndex('token_user').on('token').column('user_id').execute();
    await db.schema.createIndex('token_project').on('token').column('project_id').execute();
    await db.schema.createIndex('token_expires').on('token').column('expires_at').execute();
    await db.schema.createIndex('token_app_cred').on('token').column('app_cred_id').execute();
    await db.schema.createTable('application_credential')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('identity_user.id').onDelete('cascade'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('expires_at', 'text')
      .addColumn('unrestricted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('app_cred_user_name', ['user_id', 'name'])
      .execute();
    await db.schema.createTable('application_credential_role')
      .addColumn('app_cred_id', 'text', (c) => c.notNull().references('application_credential.id').onDelete('cascade'))
      .addColumn('role_id', 'text', (c) => c.notNull().references('role.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('app_cred_role_pk', ['app_cred_id', 'role_id'])
      .execute();
  },
};

export const identityMigrations: readonly NamedMigration[] = [initial, validityGenerationMigration];
