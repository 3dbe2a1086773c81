import type { Kysely } from 'kysely';
import type { NamedMigration } from '../platform/db/migrations.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TableBuilder = any;

const text = 'text' as const;
const int = 'integer' as const;

/** id, project_id, name, description, timestamps, revision_number: every Neutron resource has them. */
function standard(t: TableBuilder): TableBuilder {
  return t.addColumn('id', text, (c: TableBuilder) => c.primaryKey())
    .addColumn('project_id', text, (c: TableBuilder) => c.notNull())
    .addColumn('name', text, (c: TableBuilder) => c.notNull().defaultTo(''))
    .addColumn('description', text, (c: TableBuilder) => c.notNull().defaultTo(''))
    .addColumn('created_at', text, (c: TableBuilder) => c.notNull())
    .addColumn('updated_at', text, (c: TableBuilder) => c.notNull())
    .addColumn('revision_number', int, (c: TableBuilder) => c.notNull().defaultTo(0));
}

const initial: NamedMigration = {
  name: 'network/0001-initial',
  async up(db: Db) {
    await standard(db.schema.createTable('net_network'))
      .addColumn('admin_state_up', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .addColumn('status', text, (c: TableBuilder) => c.notNull().defaultTo('ACTIVE'))
      .addColumn('shared', int, (c: TableBuilder) => c.notNull().defaultTo(0))
      .addColumn('router_external', int, (c: TableBuilder) => c.notNull().defaultTo(0))
      .addColumn('is_default', int, (c: TableBuilder) => c.notNull().defaultTo(0))
      .addColumn('mtu', int, (c: TableBuilder) => c.notNull())
      .addColumn('port_security_enabled', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .addColumn('availability_zone_hints', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema.createIndex('net_network_project').on('net_network').column('project_id').execute();

    await db.schema.createTable('net_segment')
      .addColumn('network_id', text, (c) => c.primaryKey().references('net_network.id').onDelete('cascade'))
      .addColumn('network_type', text, (c) => c.notNull())
      .addColumn('physical_network', text)
      .addColumn('segmentation_id', int)
      .addColumn('segment_key', text, (c) => c.notNull().unique())
      .execute();

    await standard(db.schema.createTable('net_subnet'))
      .addColumn('network_id', text, (c: TableBuilder) => c.notNull().references('net_network.id'))
      .addColumn('ip_version', int, (c: TableBuilder) => c.notNull())
      .addColumn('cidr', text, (c: TableBuilder) => c.notNull())
      .addColumn('gateway_ip', text)
      .addColumn('enable_dhcp', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .addColumn('allocation_pools', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .addColumn('dns_nameservers', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .addColumn('host_routes', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .addColumn('ipv6_ra_mode', text)
      .addColumn('ipv6_address_mode', text)
      .addColumn('subnetpool_id', text)
      .execute();
    await db.schema.createIndex('net_subnet_network').on('net_subnet').column('network_id').execute();

    await standard(db.schema.createTable('net_port'))
      .addColumn('network_id', text, (c: TableBuilder) => c.notNull().references('net_network.id'))
      .addColumn('mac_address', text, (c: TableBuilder) => c.notNull())
      .addColumn('admin_state_up', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .addColumn('status', text, (c: TableBuilder) => c.notNull().defaultTo('DOWN'))
      .addColumn('status_reason', text)
      .addColumn('device_id', text, (c: TableBuilder) => c.notNull().defaultTo(''))
      .addColumn('device_owner', text, (c: TableBuilder) => c.notNull().defaultTo(''))
      .addColumn('binding_host_id', text, (c: TableBuilder) => c.notNull().defaultTo(''))
      .addColumn('binding_vif_type', text, (c: TableBuilder) => c.notNull().defaultTo('unbound'))
      .addColumn('binding_vnic_type', text, (c: TableBuilder) => c.notNull().defaultTo('normal'))
      .addColumn('binding_profile', text, (c: TableBuilder) => c.notNull().defaultTo('{}'))
      .addColumn('port_security_enabled', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .addColumn('allowed_address_pairs', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .addColumn('extra_dhcp_opts', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .addColumn('dns_name', text, (c: TableBuilder) => c.notNull().defaultTo(''))
      .addUniqueConstraint('net_port_network_mac', ['network_id', 'mac_address'])
      .execute();
    await db.schema.createIndex('net_port_device').on('net_port').column('device_id').execute();
    await db.schema.createIndex('net_port_host').on('net_port').column('binding_host_id').execute();
    await db.schema.createIndex('net_port_project').on('net_port').column('project_id').execute();

    await db.schema.createTable('net_ip_allocation')
      .addColumn('subnet_id', text, (c) => c.notNull().references('net_subnet.id'))
      .addColumn('ip_address', text, (c) => c.notNull())
      .addColumn('port_id', text, (c) => c.notNull().references('net_port.id').onDelete('cascade'))
      .addColumn('network_id', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('net_ip_allocation_pk', ['subnet_id', 'ip_address'])
      .execute();
    await db.schema.createIndex('net_ip_allocation_port').on('net_ip_allocation').column('port_id').execute();

    await standard(db.schema.createTable('net_security_group'))
      .addColumn('stateful', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.createIndex('net_security_group_project').on('net_security_group').column('project_id').execute();
    await db.schema.createTable('net_default_security_group')
      .addColumn('project_id', text, (c) => c.primaryKey())
      .addColumn('security_group_id', text, (c) => c.notNull().references('net_security_group.id').onDelete('cascade'))
      .execute();
    await db.schema.createTable('net_security_group_rule')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('security_group_id', text, (c) => c.notNull().references('net_security_group.id').onDelete('cascade'))
      .addColumn('direction', text, (c) => c.notNull())
      .addColumn('ethertype', text, (c) => c.notNull())
      .addColumn('protocol', text)
      .addColumn('port_range_min', int)
      .addColumn('port_range_max', int)
      .addColumn('remote_ip_prefix', text)
      .addColumn('remote_group_id', text, (c) => c.references('net_security_group.id').onDelete('cascade'))
      .addColumn('description', text, (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .addColumn('revision_number', int, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('net_sg_rule_group').on('net_security_group_rule').column('security_group_id').execute();
    await db.schema.createTable('net_port_security_group')
      .addColumn('port_id', text, (c) => c.notNull().references('net_port.id').onDelete('cascade'))
      .addColumn('security_group_id', text, (c) => c.notNull().references('net_security_group.id'))
      .addPrimaryKeyConstraint('net_port_security_group_pk', ['port_id', 'security_group_id'])
      .execute();
    await db.schema.createIndex('net_port_sg_group').on('net_port_security_group').column('security_group_id').execute();

    await standard(db.schema.createTable('net_router'))
      .addColumn('admin_state_up', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .addColumn('status', text, (c: TableBuilder) => c.notNull().defaultTo('ACTIVE'))
      .addColumn('gw_network_id', text, (c: TableBuilder) => c.references('net_network.id'))
      .addColumn('gw_port_id', text)
      .addColumn('enable_snat', int, (c: TableBuilder) => c.notNull().defaultTo(1))
      .addColumn('routes', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .addColumn('availability_zone_hints', text, (c: TableBuilder) => c.notNull().defaultTo('[]'))
      .execute();

    await db.schema.createTable('net_floating_ip')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('description', text, (c) => c.notNull().defaultTo(''))
      .addColumn('floating_network_id', text, (c) => c.notNull().references('net_network.id'))
      .addColumn('floating_ip_address', text, (c) => c.notNull())
      .addColumn('floating_port_id', text, (c) => c.notNull())
      .addColumn('port_id', text)
      .addColumn('fixed_ip_address', text)
      .addColumn('router_id', text)
      .addColumn('status', text, (c) => c.notNull().defaultTo('DOWN'))
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .addColumn('revision_number', int, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('net_floating_ip_port').on('net_floating_ip').column('port_id').execute();

    await db.schema.createTable('net_rbac_policy')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('object_type', text, (c) => c.notNull())
      .addColumn('object_id', text, (c) => c.notNull())
      .addColumn('action', text, (c) => c.notNull())
      .addColumn('target_tenant', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .addColumn('revision_number', int, (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('net_rbac_unique', ['object_type', 'object_id', 'action', 'target_tenant'])
      .execute();

    await db.schema.createTable('net_tag')
      .addColumn('resource_type', text, (c) => c.notNull())
      .addColumn('resource_id', text, (c) => c.notNull())
      .addColumn('tag', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('net_tag_pk', ['resource_type', 'resource_id', 'tag'])
      .execute();

    await db.schema.createTable('net_agent')
      .addColumn('host', text, (c) => c.primaryKey())
      .addColumn('vtep', text)
      .addColumn('started_at', text, (c) => c.notNull())
      .addColumn('heartbeat_at', text, (c) => c.notNull())
      .execute();

    await db.schema.createTable('net_quota')
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('resource', text, (c) => c.notNull())
      .addColumn('hard_limit', int, (c) => c.notNull())
      .addPrimaryKeyConstraint('net_quota_pk', ['project_id', 'resource'])
      .execute();
  },
};

export const networkMigrations: NamedMigration[] = [initial];
