// What every network slice is handed, and the small helpers they share.
import type { AuthContext } from '../platform/auth-context.js';
import type { Bus } from '../platform/bus/bus.js';
import type { Config } from '../platform/config.js';
import { ApiError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Policy } from '../platform/policy/policy.js';
import type { NetworkDb } from './network.tables.js';

export interface NetworkDeps {
  readonly db: NetworkDb;
  readonly policy: Policy;
  readonly config: Config;
  readonly bus: Bus;
  readonly log: Logger;
}

export const now = (): string => new Date().toISOString();
/** Neutron's timestamps: `2016-03-08T20:19:41Z`. */
export const isoSeconds = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/** Neutron errors carry a type name beside the message. */
export const neutronError = (status: number, type: string, message: string) => new ApiError(status, message, type);
export const badRequest = (message: string) => neutronError(400, 'HTTPBadRequest', message);
export const invalidInput = (message: string) => neutronError(400, 'InvalidInput', `Invalid input for operation: ${message}`);
export const conflict = (type: string, message: string) => neutronError(409, type, message);

/** `Network <id> could not be found.` with type NetworkNotFound, and so on for each resource. */
export const notFound = {
  network: (id: string) => neutronError(404, 'NetworkNotFound', `Network ${id} could not be found.`),
  subnet: (id: string) => neutronError(404, 'SubnetNotFound', `Subnet ${id} could not be found.`),
  port: (id: string) => neutronError(404, 'PortNotFound', `Port ${id} could not be found.`),
  router: (id: string) => neutronError(404, 'RouterNotFound', `Router ${id} could not be found.`),
  floatingip: (id: string) => neutronError(404, 'FloatingIPNotFound', `Floating IP ${id} could not be found.`),
  securityGroup: (id: string) => neutronError(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`),
  securityGroupRule: (id: string) => neutronError(404, 'SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`),
  rbacPolicy: (id: string) => neutronError(404, 'RbacPolicyNotFound', `RBAC policy with type ${'network'} and id ${id} not found.`),
};

export const isAdmin = (deps: NetworkDeps, auth: AuthContext): boolean => deps.policy.allows(auth, 'context_is_admin');

/** The target Neutron's rules read: the resource's project, defaulting to the caller's. */
export const target = (auth: AuthContext, projectId?: string | null) =>
  ({ project_id: projectId ?? auth.projectId, tenant_id: projectId ?? auth.projectId });

/** Policy check whose refusal reads like Neutron's (403 PolicyNotAuthorized). */
export function enforce(deps: NetworkDeps, auth: AuthContext, rule: string, tgt: Record<string, unknown> = target(auth)): void {
  if (!deps.policy.allows(auth, rule, tgt)) throw neutronError(403, 'PolicyNotAuthorized', `(rule:${rule}) is disallowed by policy`);
}

/** The project a new resource belongs to: the body's project_id/tenant_id (admins only for another project) or the caller's. */
export function owningProject(deps: NetworkDeps, auth: AuthContext, body: { project_id?: unknown; tenant_id?: unknown }): string {
  const asked = body.project_id ?? body.tenant_id;
  if (body.project_id !== undefined && body.tenant_id !== undefined && body.project_id !== body.tenant_id) {
    throw badRequest("'project_id' and 'tenant_id' do not match");
  }
  if (asked === undefined || asked === auth.projectId) {
    if (!auth.projectId) throw badRequest('A project-scoped token or project_id is required.');
    return auth.projectId;
  }
  if (typeof asked !== 'string' || asked.length === 0 || asked.length > 255) throw invalidInput(`'${String(asked)}' is not a valid project id`);
  if (!isAdmin(deps, auth)) throw neutronError(403, 'PolicyNotAuthorized', 'Only admins may create resources for another project.');
  return asked;
}

/** Parses a JSON text column. */
export function json<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  return JSON.parse(text) as T;
}

/** The standard attributes of every view: project ids under both names, timestamps, revision. */
export function standardView(row: { project_id: string; created_at: string; updated_at: string; revision_number: number }) {
  return {
    tenant_id: row.project_id, project_id: row.project_id,
    created_at: isoSeconds(row.created_at), updated_at: isoSeconds(row.updated_at), revision_number: row.revision_number,
  };
}
