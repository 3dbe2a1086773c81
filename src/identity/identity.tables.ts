// The identity service's tables. Booleans are stored as 0/1 integers, timestamps as ISO text and
// free-form attributes as JSON text, so SQLite and PostgreSQL return the same JS values.
import type { Kysely } from 'kysely';

export interface DomainRow { id: string; name: string; description: string; enabled: number; extra: string }
export interface ProjectRow {
  id: string; name: string; domain_id: string; parent_id: string | null; description: string;
  enabled: number; tags: string; extra: string;
}
export interface UserRow {
  id: string; name: string; domain_id: string; enabled: number; password_hash: string | null;
  default_project_id: string | null; extra: string; created_at: string; password_changed_at: string | null;
}
export interface GroupRow { id: string; name: string; domain_id: string; description: string }
export interface MembershipRow { group_id: string; user_id: string }
/** Global roles have domain_id '' (not NULL) so the (name, domain_id) unique index holds. */
export interface RoleRow { id: string; name: string; domain_id: string; description: string; options: string }
export interface ImpliedRoleRow { prior_role_id: string; implied_role_id: string }
/** actor_type user|group; target_type project|domain|system (target_id 'all' for system). */
export interface AssignmentRow {
  actor_type: 'user' | 'group'; actor_id: string; target_type: 'project' | 'domain' | 'system';
  target_id: string; role_id: string;
}
export interface RegionRow { id: string; description: string; parent_region_id: string | null; extra: string }
export interface ServiceRow { id: string; type: string; name: string; description: string; enabled: number; extra: string }
export interface EndpointRow {
  id: string; service_id: string; interface: string; region_id: string | null; url: string; enabled: number; extra: string;
}
/** Tokens are kept as the SHA-256 of the bearer string; the string itself is never stored. */
export interface TokenRow {
  id_hash: string; user_id: string; project_id: string | null; domain_id: string | null; system: number;
  methods: string; audit_id: string; issued_at: string; expires_at: string; app_cred_id: string | null;
}
export interface AppCredRow {
  id: string; name: string; user_id: string; project_id: string; secret_hash: string; description: string;
  expires_at: string | null; unrestricted: number; created_at: string;
}
export interface AppCredRoleRow { app_cred_id: string; role_id: string }

export interface IdentityTables {
  domain: DomainRow;
  project: ProjectRow;
  identity_user: UserRow;
  identity_group: GroupRow;
  group_membership: MembershipRow;
  role: RoleRow;
  implied_role: ImpliedRoleRow;
  role_assignment: AssignmentRow;
  region: RegionRow;
  service: ServiceRow;
  endpoint: EndpointRow;
  token: TokenRow;
  application_credential: AppCredRow;
  application_credential_role: AppCredRoleRow;
}

export type IdentityDb = Kysely<IdentityTables>;
