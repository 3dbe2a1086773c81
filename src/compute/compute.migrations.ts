import type { Kysely } from 'kysely';
import type { NamedMigration } from '../platform/db/migrations.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const text = 'text' as const;
const int = 'integer' as const;

const initial: NamedMigration = {
  name: 'compute/0001-initial',
  async up(db: Db) {
    await db.schema.createTable('compute_flavor')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull().unique())
      .addColumn('vcpus', int, (c) => c.notNull())
      .addColumn('ram', int, (c) => c.notNull())
      .addColumn('disk', int, (c) => c.notNull())
      .addColumn('ephemeral', int, (c) => c.notNull().defaultTo(0))
      .addColumn('swap', int, (c) => c.notNull().defaultTo(0))
      .addColumn('rxtx_factor', 'real', (c) => c.notNull().defaultTo(1))
      .addColumn('is_public', int, (c) => c.notNull().defaultTo(1))
      .addColumn('disabled', int, (c) => c.notNull().defaultTo(0))
      .addColumn('description', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text)
      .execute();
    await db.schema.createTable('compute_flavor_access')
      .addColumn('flavor_id', text, (c) => c.notNull().references('compute_flavor.id').onDelete('cascade'))
      .addColumn('project_id', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_flavor_access_pk', ['flavor_id', 'project_id'])
      .execute();
    await db.schema.createTable('compute_flavor_extra_spec')
      .addColumn('flavor_id', text, (c) => c.notNull().references('compute_flavor.id').onDelete('cascade'))
      .addColumn('key', text, (c) => c.notNull())
      .addColumn('value', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_flavor_extra_spec_pk', ['flavor_id', 'key'])
      .execute();

    await db.schema.createTable('compute_keypair')
      .addColumn('user_id', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('public_key', text, (c) => c.notNull())
      .addColumn('fingerprint', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_keypair_pk', ['user_id', 'name'])
      .execute();

    await db.schema.createTable('compute_instance')
      .addColumn('uuid', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('description', text)
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('user_id', text, (c) => c.notNull())
      .addColumn('image_ref', text, (c) => c.notNull().defaultTo(''))
      .addColumn('kernel_id', text)
      .addColumn('ramdisk_id', text)
      .addColumn('flavor_id', text, (c) => c.notNull())
      .addColumn('flavor', text, (c) => c.notNull())
      .addColumn('old_flavor', text)
      .addColumn('new_flavor', text)
      .addColumn('vcpus', int, (c) => c.notNull())
      .addColumn('memory_mb', int, (c) => c.notNull())
      .addColumn('root_gb', int, (c) => c.notNull())
      .addColumn('ephemeral_gb', int, (c) => c.notNull().defaultTo(0))
      .addColumn('key_name', text)
      .addColumn('key_data', text)
      .addColumn('user_data', text)
      .addColumn('availability_zone', text)
      .addColumn('host', text)
      .addColumn('node', text)
      .addColumn('vm_state', text, (c) => c.notNull())
      .addColumn('task_state', text)
      .addColumn('power_state', int, (c) => c.notNull().defaultTo(0))
      .addColumn('locked', int, (c) => c.notNull().defaultTo(0))
      .addColumn('locked_by', text)
      .addColumn('launch_index', int, (c) => c.notNull().defaultTo(0))
      .addColumn('reservation_id', text, (c) => c.notNull())
      .addColumn('hostname', text, (c) => c.notNull())
      .addColumn('config_drive', text, (c) => c.notNull().defaultTo(''))
      .addColumn('access_ip_v4', text)
      .addColumn('access_ip_v6', text)
      .addColumn('progress', int, (c) => c.notNull().defaultTo(0))
      .addColumn('networks', text, (c) => c.notNull().defaultTo('"none"'))
      .addColumn('scheduler_hints', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('system_metadata', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('fault', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .addColumn('launched_at', text)
      .addColumn('terminated_at', text)
      .addColumn('deleted_at', text)
      .addColumn('deleted', int, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('compute_instance_project').on('compute_instance').columns(['project_id', 'deleted']).execute();
    await db.schema.createIndex('compute_instance_host').on('compute_instance').columns(['host', 'deleted']).execute();
    await db.schema.createIndex('compute_instance_updated').on('compute_instance').column('updated_at').execute();

    await db.schema.createTable('compute_instance_metadata')
      .addColumn('instance_uuid', text, (c) => c.notNull().references('compute_instance.uuid').onDelete('cascade'))
      .addColumn('key', text, (c) => c.notNull())
      .addColumn('value', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_instance_metadata_pk', ['instance_uuid', 'key'])
      .execute();
    await db.schema.createTable('compute_instance_tag')
      .addColumn('instance_uuid', text, (c) => c.notNull().references('compute_instance.uuid').onDelete('cascade'))
      .addColumn('tag', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_instance_tag_pk', ['instance_uuid', 'tag'])
      .execute();

    await db.schema.createTable('compute_instance_action')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('instance_uuid', text, (c) => c.notNull().references('compute_instance.uuid').onDelete('cascade'))
      .addColumn('request_id', text, (c) => c.notNull())
      .addColumn('action', text, (c) => c.notNull())
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('user_id', text, (c) => c.notNull())
      .addColumn('start_time', text, (c) => c.notNull())
      .addColumn('finish_time', text)
      .addColumn('message', text)
      .addColumn('updated_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('compute_instance_action_instance').on('compute_instance_action').columns(['instance_uuid', 'start_time']).execute();
    await db.schema.createTable('compute_instance_action_event')
      .addColumn('action_id', text, (c) => c.notNull().references('compute_instance_action.id').onDelete('cascade'))
      .addColumn('event', text, (c) => c.notNull())
      .addColumn('start_time', text, (c) => c.notNull())
      .addColumn('finish_time', text)
      .addColumn('result', text)
      .addColumn('traceback', text)
      .addColumn('host', text)
      .addPrimaryKeyConstraint('compute_instance_action_event_pk', ['action_id', 'event'])
      .execute();

    await db.schema.createTable('compute_service')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('host', text, (c) => c.notNull())
      .addColumn('binary', text, (c) => c.notNull())
      .addColumn('topic', text, (c) => c.notNull())
      .addColumn('disabled', int, (c) => c.notNull().defaultTo(0))
      .addColumn('disabled_reason', text)
      .addColumn('forced_down', int, (c) => c.notNull().defaultTo(0))
      .addColumn('last_seen_up', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text)
      .addUniqueConstraint('compute_service_host_binary', ['host', 'binary'])
      .execute();

    await db.schema.createTable('compute_node')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('host', text, (c) => c.notNull().unique())
      .addColumn('hypervisor_hostname', text, (c) => c.notNull())
      .addColumn('hypervisor_type', text, (c) => c.notNull())
      .addColumn('hypervisor_version', int, (c) => c.notNull())
      .addColumn('host_ip', text, (c) => c.notNull())
      .addColumn('vcpus', int, (c) => c.notNull())
      .addColumn('memory_mb', int, (c) => c.notNull())
      .addColumn('local_gb', int, (c) => c.notNull())
      .addColumn('reserved_vcpus', int, (c) => c.notNull().defaultTo(0))
      .addColumn('reserved_memory_mb', int, (c) => c.notNull().defaultTo(0))
      .addColumn('reserved_disk_gb', int, (c) => c.notNull().defaultTo(0))
      .addColumn('cpu_info', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('capabilities', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('free_disk_gb', int)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text)
      .execute();

    // What each instance holds on a node. A resize holds both flavors on the node until confirmed
    // or reverted (kind `instance` and `migration`).
    await db.schema.createTable('compute_allocation')
      .addColumn('instance_uuid', text, (c) => c.notNull())
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull().references('compute_node.id').onDelete('cascade'))
      .addColumn('vcpus', int, (c) => c.notNull())
      .addColumn('memory_mb', int, (c) => c.notNull())
      .addColumn('disk_gb', int, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_allocation_pk', ['instance_uuid', 'kind'])
      .execute();
    await db.schema.createIndex('compute_allocation_node').on('compute_allocation').column('node_id').execute();

    await db.schema.createTable('compute_aggregate')
      .addColumn('id', int, (c) => c.primaryKey())
      .addColumn('uuid', text, (c) => c.notNull().unique())
      .addColumn('name', text, (c) => c.notNull().unique())
      .addColumn('availability_zone', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text)
      .execute();
    await db.schema.createTable('compute_aggregate_host')
      .addColumn('aggregate_id', int, (c) => c.notNull().references('compute_aggregate.id').onDelete('cascade'))
      .addColumn('host', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_aggregate_host_pk', ['aggregate_id', 'host'])
      .execute();
    await db.schema.createTable('compute_aggregate_metadata')
      .addColumn('aggregate_id', int, (c) => c.notNull().references('compute_aggregate.id').onDelete('cascade'))
      .addColumn('key', text, (c) => c.notNull())
      .addColumn('value', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_aggregate_metadata_pk', ['aggregate_id', 'key'])
      .execute();

    await db.schema.createTable('compute_server_group')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('user_id', text, (c) => c.notNull())
      .addColumn('policy', text, (c) => c.notNull())
      .addColumn('rules', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createTable('compute_server_group_member')
      .addColumn('group_id', text, (c) => c.notNull().references('compute_server_group.id').onDelete('cascade'))
      .addColumn('instance_uuid', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_server_group_member_pk', ['group_id', 'instance_uuid'])
      .execute();

    // Per-project overrides; defaults live in the `default` class rows (os-quota-class-sets) or config.
    await db.schema.createTable('compute_quota')
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('resource', text, (c) => c.notNull())
      .addColumn('hard_limit', int, (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_quota_pk', ['project_id', 'resource'])
      .execute();

    await db.schema.createTable('compute_console_token')
      .addColumn('token_hash', text, (c) => c.primaryKey())
      .addColumn('instance_uuid', text, (c) => c.notNull())
      .addColumn('console_type', text, (c) => c.notNull())
      .addColumn('host', text, (c) => c.notNull())
      .addColumn('expires_at', text, (c) => c.notNull())
      .execute();
  },
};

// The scheduler asks on every decision which compute services are disabled, forced down or silent:
// these keep that an index lookup instead of a scan of every service row (10,000 hosts).
const serviceHealthIndexes: NamedMigration = {
  name: 'compute/0002-service-health-indexes',
  async up(db: Db) {
    await db.schema.createIndex('compute_service_disabled').on('compute_service').column('disabled').execute();
    await db.schema.createIndex('compute_service_forced_down').on('compute_service').column('forced_down').execute();
    await db.schema.createIndex('compute_service_last_seen_up').on('compute_service').column('last_seen_up').execute();
  },
};

const blockDeviceMappings: NamedMigration = {
  name: 'compute/0003-block-device-mappings',
  async up(db: Db) {
    await db.schema.createTable('compute_block_device_mapping')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('instance_uuid', 'text', (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('destination_type', 'text', (c) => c.notNull())
      .addColumn('volume_id', 'text')
      .addColumn('attachment_id', 'text')
      .addColumn('image_id', 'text')
      .addColumn('snapshot_id', 'text')
      .addColumn('volume_size', 'integer')
      .addColumn('device_name', 'text')
      .addColumn('boot_index', 'integer')
      .addColumn('delete_on_termination', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('disk_bus', 'text')
      .addColumn('device_type', 'text')
      .addColumn('tag', 'text')
      .addColumn('volume_type', 'text')
      .addColumn('connection_info', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('compute_bdm_instance').on('compute_block_device_mapping').column('instance_uuid').execute();
    await db.schema.createIndex('compute_bdm_volume').on('compute_block_device_mapping').column('volume_id').execute();
  },
};

export const computeMigrations: NamedMigration[] = [initial, serviceHealthIndexes, blockDeviceMappings];
