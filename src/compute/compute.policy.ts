import type { PolicyRules } from '../platform/policy/policy.js';

// Nova's default rules under Nova's own names (so an operator's nova policy file applies), in the
// oslo.policy language. Admin = the admin role on the token's scope, as elsewhere in Nubis; a
// project's members act on their project's servers, readers only look.
const admin = 'rule:admin_api';
const member = 'rule:project_member_or_admin';
const reader = 'rule:project_reader_or_admin';

const serverRules = (names: string[], rule: string): PolicyRules => Object.fromEntries(names.map((n) => [`os_compute_api:${n}`, rule]));

export const computePolicy: PolicyRules = {
  admin_api: 'role:admin',
  project_member_api: 'role:member and project_id:%(project_id)s',
  project_reader_api: 'role:reader and project_id:%(project_id)s',
  project_member_or_admin: 'rule:project_member_api or rule:admin_api',
  project_reader_or_admin: 'rule:project_reader_api or rule:admin_api',

  ...serverRules(['servers:index', 'servers:detail', 'servers:show', 'servers:show:flavor-extra-specs',
    'os-instance-actions:list', 'os-instance-actions:show', 'server-metadata:index', 'server-metadata:show',
    'os-server-tags:index', 'os-server-tags:show', 'os-console-output', 'os-availability-zone:list',
    'os-simple-tenant-usage:show', 'os-server-groups:index', 'os-server-groups:show', 'limits', 'os-quota-sets:show',
    'os-flavor-access', 'os-attach-interfaces:list', 'os-attach-interfaces:show',
    'os-volumes-attachments:index', 'os-volumes-attachments:show'], reader),
  ...serverRules(['servers:create', 'servers:create:forced_host', 'servers:update', 'servers:delete',
    'servers:start', 'servers:stop', 'servers:reboot', 'servers:rebuild', 'servers:resize', 'servers:confirm_resize',
    'servers:revert_resize', 'servers:create_image', 'os-pause-server:pause', 'os-pause-server:unpause',
    'os-suspend-server:suspend', 'os-suspend-server:resume', 'os-lock-server:lock', 'os-lock-server:unlock',
    'os-shelve:shelve', 'os-shelve:unshelve', 'os-rescue', 'os-unrescue', 'os-remote-consoles',
    'server-metadata:create', 'server-metadata:update', 'server-metadata:update_all', 'server-metadata:delete',
    'os-server-tags:update', 'os-server-tags:update_all', 'os-server-tags:delete', 'os-server-tags:delete_all',
    'os-server-groups:create', 'os-server-groups:delete', 'os-attach-interfaces:create', 'os-attach-interfaces:delete', 'os-multinic',
    'os-volumes-attachments:create', 'os-volumes-attachments:update', 'os-volumes-attachments:delete'], member),
  ...serverRules(['servers:detail:get_all_tenants', 'servers:index:get_all_tenants', 'servers:show:host_status',
    'servers:create:forced_host', 'os-lock-server:unlock:unlock_override', 'os-admin-actions:reset_state',
    'servers:force_delete', 'os-extended-server-attributes', 'os-server-diagnostics', 'os-instance-actions:events',
    'os-instance-actions:events:details', 'os-aggregates:index', 'os-aggregates:create', 'os-aggregates:show',
    'os-aggregates:update', 'os-aggregates:delete', 'os-aggregates:add_host', 'os-aggregates:remove_host',
    'os-aggregates:set_metadata', 'os-availability-zone:detail', 'os-hypervisors:list', 'os-hypervisors:list-detail',
    'os-hypervisors:show', 'os-hypervisors:statistics', 'os-hypervisors:servers', 'os-hypervisors:search',
    'os-services:list', 'os-services:update', 'os-services:delete', 'os-quota-sets:update',
    'os-quota-sets:delete', 'os-quota-sets:detail', 'os-simple-tenant-usage:list', 'os-server-groups:index:all_projects',
    'os-flavor-manage:create', 'os-flavor-manage:update', 'os-flavor-manage:delete', 'os-flavor-access:add_tenant_access',
    'os-flavor-access:remove_tenant_access', 'os-flavor-extra-specs:create', 'os-flavor-extra-specs:update',
    'os-flavor-extra-specs:delete', 'os-keypairs:index:other_user', 'servers:create:requested_destination',
    'os-migrate-server:migrate', 'os-admin-actions:inject_network_info', 'os-volumes-attachments:swap'], admin),
  // Anyone authenticated may list flavors and see their extra specs, and manage their own keypairs.
  'os_compute_api:os-flavor-extra-specs:index': '',
  'os_compute_api:os-flavor-extra-specs:show': '',
  'os_compute_api:os-keypairs:index': 'rule:admin_api or user_id:%(user_id)s',
  'os_compute_api:os-keypairs:create': 'rule:admin_api or user_id:%(user_id)s',
  'os_compute_api:os-keypairs:show': 'rule:admin_api or user_id:%(user_id)s',
  'os_compute_api:os-keypairs:delete': 'rule:admin_api or user_id:%(user_id)s',
  'os_compute_api:os-quota-sets:defaults': '',
};
