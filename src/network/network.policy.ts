import type { PolicyRules } from '../platform/policy/policy.js';

// Neutron's default rules under Neutron's own names (so an operator's neutron policy file applies), in
// the oslo.policy language. Visibility of shared networks and other projects' resources is decided in
// code (a resource you may not see is a 404, as Neutron); these rules decide what you may do.
const admin = 'rule:admin_only';
const owner = 'rule:admin_or_owner';
const any = '';

const rules = (names: string[], rule: string): PolicyRules => Object.fromEntries(names.map((n) => [n, rule]));
const crud = (resource: string, rule: string) => rules([`create_${resource}`, `get_${resource}`, `update_${resource}`, `delete_${resource}`], rule);

export const networkPolicy: PolicyRules = {
  context_is_admin: 'role:admin',
  owner: 'project_id:%(project_id)s',
  admin_or_owner: 'rule:context_is_admin or rule:owner',
  admin_only: 'rule:context_is_admin',
  regular_user: '',

  ...crud('network', owner), create_network: any,
  ...rules(['create_network:shared', 'update_network:shared', 'create_network:router:external', 'update_network:router:external',
    'create_network:is_default', 'update_network:is_default',
    'create_network:provider:network_type', 'create_network:provider:physical_network', 'create_network:provider:segmentation_id',
    'get_network:provider:network_type', 'get_network:provider:physical_network', 'get_network:provider:segmentation_id',
    'update_network:provider:network_type', 'update_network:provider:physical_network', 'update_network:provider:segmentation_id'], admin),
  ...crud('subnet', owner),
  ...crud('port', owner), create_port: any,
  ...rules(['create_port:binding:host_id', 'update_port:binding:host_id', 'get_port:binding:host_id',
    'create_port:binding:profile', 'update_port:binding:profile', 'get_port:binding:profile',
    'get_port:binding:vif_type', 'get_port:binding:vif_details', 'create_port:device_owner:network'], admin),
  ...crud('router', owner),
  ...rules(['create_router:external_gateway_info:external_fixed_ips', 'update_router:external_gateway_info:external_fixed_ips',
    'create_router:external_gateway_info:enable_snat', 'update_router:external_gateway_info:enable_snat'], admin),
  add_router_interface: owner, remove_router_interface: owner,
  ...crud('floatingip', owner), create_floatingip: any,
  'create_floatingip:floating_ip_address': admin,
  ...crud('security_group', owner), create_security_group: any,
  ...crud('security_group_rule', owner),
  ...crud('rbac_policy', owner),
  'create_rbac_policy:target_tenant': owner,
  get_quota: owner, update_quota: admin, delete_quota: admin, get_quotas: admin,
  get_auto_allocated_topology: owner, delete_auto_allocated_topology: owner,
};
