// The Neutron API extensions Nubis implements: exactly these are listed at /v2.0/extensions, so
// clients (openstack CLI, Tempest) only try what works. Each line says what implements it.
export interface Extension { alias: string; name: string; description: string; updated: string }

const ext = (alias: string, name: string, description: string, updated = '2013-01-01T10:00:00-00:00'): Extension =>
  ({ alias, name, description, updated });

export const EXTENSIONS: readonly Extension[] = [
  // networks/: router:external, kept in step with access_as_external RBAC rows.
  ext('external-net', 'Neutron external network', 'Adds external network attribute to network resource.'),
  // networks/segments.ts: provider:network_type / physical_network / segmentation_id (vxlan, flat, local).
  ext('provider', 'Provider Network', 'Expose mapping of virtual networks to physical networks'),
  // networks/: mtu in views (VXLAN overhead accounted) and settable on create/update.
  ext('net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'),
  ext('net-mtu-writable', 'Network MTU (writable)', 'Provides a writable MTU attribute for a network resource.'),
  // routers/: routers, interfaces, external gateways with SNAT on/off, static routes.
  ext('router', 'Neutron L3 Router', 'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.'),
  ext('ext-gw-mode', 'Neutron L3 Configurable external gateway mode', 'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway'),
  ext('extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router'),
  // security-groups/: groups and rules, stateful flag.
  ext('security-group', 'security-group', 'The security groups extension.'),
  ext('stateful-security-group', 'Stateful security group', 'Indicates if the security group is stateful or not'),
  // ports/: port_security_enabled, allowed_address_pairs, extra_dhcp_opts, binding:* (admins).
  ext('port-security', 'Port Security', 'Provides port security'),
  ext('allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs'),
  ext('extra_dhcp_opt', 'Neutron Extra DHCP options', 'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)'),
  ext('binding', 'Port Binding', 'Expose port bindings of a virtual port to external application'),
  // quotas/: /quotas, /quotas/{id}, /default and /details (used, limit, reserved).
  ext('quotas', 'Quota management support', 'Expose functions for quotas management per project'),
  ext('quota_details', 'Quota details management support', 'Expose functions for quotas usage statistics per project'),
  // rbac/: network sharing with access_as_shared and access_as_external.
  ext('rbac-policies', 'RBAC Policies', 'Allows creation and modification of policies that control tenant access to resources.'),
  // Every resource: description, revision_number, created_at/updated_at, tags (tags/).
  ext('standard-attr-description', 'standard-attr-description', 'Extension to add descriptions to standard attributes'),
  ext('standard-attr-revisions', 'Resource revision numbers', 'This extension will display the revision number of neutron resources.'),
  ext('standard-attr-timestamp', 'Resource timestamps', 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.'),
  ext('standard-attr-tag', 'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip', 'Enables to set tag on resources with standard attribute.'),
  ext('project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.'),
  // collection.ts: unknown filters refused, sort_key/sort_dir, limit/marker, ip_address_substr.
  ext('filter-validation', 'Filter parameters validation', 'Provides validation on filter parameters.'),
  ext('sorting', 'Sorting support', 'Enables sorting support for all resources'),
  ext('pagination', 'Pagination support', 'Enables pagination support for all resources'),
  ext('ip-substring-filtering', 'IP address substring filtering', 'Provides IP address substring filtering when listing ports'),
  // networks/ip-availability.routes.ts: used and total addresses per network and subnet (admins).
  ext('network-ip-availability', 'Network IP Availability', 'Provides IP availability data for each network and subnet.'),
  // networks/: is_default; compute's get-me-a-network serves /v2.0/auto-allocated-topology/{project}.
  ext('auto-allocated-topology', 'Auto Allocated Topology Services', 'Auto Allocated Topology Services.'),
];
