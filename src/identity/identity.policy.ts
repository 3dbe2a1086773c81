import type { PolicyRules } from '../platform/policy/policy.js';

// Identity's default rules, in the oslo.policy language; an operator's policy.json overrides any.
// "admin" is a caller holding the admin role on its scope (project, domain or system): only
// admins manage identity across projects. Readers read their own project and user; users manage
// their own password, projects list and application credentials.
const admin = 'rule:admin_required';
const self = 'user_id:%(target.user.id)s';

export const identityPolicy: PolicyRules = {
  admin_required: 'role:admin',
  service_role: 'role:service',
  token_subject: 'user_id:%(target.token.user_id)s',

  'identity:get_region': '',
  'identity:list_regions': '',
  'identity:create_region': admin,
  'identity:update_region': admin,
  'identity:delete_region': admin,

  'identity:get_service': admin,
  'identity:list_services': admin,
  'identity:create_service': admin,
  'identity:update_service': admin,
  'identity:delete_service': admin,

  'identity:get_endpoint': admin,
  'identity:list_endpoints': admin,
  'identity:create_endpoint': admin,
  'identity:update_endpoint': admin,
  'identity:delete_endpoint': admin,

  'identity:get_domain': `${admin} or domain_id:%(target.domain.id)s or project_domain_id:%(target.domain.id)s`,
  'identity:list_domains': admin,
  'identity:create_domain': admin,
  'identity:update_domain': admin,
  'identity:delete_domain': admin,

  'identity:get_project': `${admin} or project_id:%(target.project.id)s`,
  'identity:list_projects': admin,
  'identity:list_user_projects': `${admin} or ${self}`,
  'identity:create_project': admin,
  'identity:update_project': admin,
  'identity:delete_project': admin,

  'identity:get_user': `${admin} or ${self}`,
  'identity:list_users': admin,
  'identity:create_user': admin,
  'identity:update_user': admin,
  'identity:delete_user': admin,
  'identity:change_password': self,

  'identity:get_group': admin,
  'identity:list_groups': admin,
  'identity:list_groups_for_user': `${admin} or ${self}`,
  'identity:create_group': admin,
  'identity:update_group': admin,
  'identity:delete_group': admin,
  'identity:list_users_in_group': admin,
  'identity:add_user_to_group': admin,
  'identity:remove_user_from_group': admin,
  'identity:check_user_in_group': admin,

  'identity:get_role': admin,
  'identity:list_roles': admin,
  'identity:create_role': admin,
  'identity:update_role': admin,
  'identity:delete_role': admin,
  'identity:get_implied_role': admin,
  'identity:check_implied_role': admin,
  'identity:list_implied_roles': admin,
  'identity:list_role_inference_rules': admin,
  'identity:create_implied_role': admin,
  'identity:delete_implied_role': admin,

  'identity:check_grant': admin,
  'identity:list_grants': admin,
  'identity:create_grant': admin,
  'identity:revoke_grant': admin,
  'identity:list_role_assignments': admin,
  'identity:list_system_grants': admin,
  'identity:list_role_assignments_for_tree': admin,
  'identity:check_system_grant_for_user': admin,
  'identity:list_system_grants_for_user': admin,
  'identity:create_system_grant_for_user': admin,
  'identity:revoke_system_grant_for_user': admin,
  'identity:check_system_grant_for_group': admin,
  'identity:list_system_grants_for_group': admin,
  'identity:create_system_grant_for_group': admin,
  'identity:revoke_system_grant_for_group': admin,

  'identity:get_application_credential': `${admin} or ${self}`,
  'identity:list_application_credentials': `${admin} or ${self}`,
  'identity:create_application_credential': self,
  'identity:delete_application_credential': `${admin} or ${self}`,

  'identity:validate_token': `${admin} or rule:service_role or rule:token_subject`,
  'identity:check_token': `${admin} or rule:service_role or rule:token_subject`,
  'identity:revoke_token': `${admin} or rule:token_subject`,
};
