// Checks the body of POST /os-server-groups as Nova's schema does (server_groups.py): before 2.64
// `policies` (exactly one), from 2.64 `policy` and optional `rules` (only max_server_per_host, only
// with anti-affinity). Every refusal is a 400 naming the field.
import type { ApiVersion } from '../microversions.js';
import { has } from '../microversions.js';
import { badRequest } from '../../platform/errors.js';
import type { ServerGroupRow } from '../compute.tables.js';

export type GroupPolicy = ServerGroupRow['policy'];
export interface NewServerGroup { name: string; policy: GroupPolicy; rules: { max_server_per_host?: number } }

const invalid = (field: string, value: unknown, why: string) =>
  badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${why}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function allowedPolicies(v: ApiVersion): GroupPolicy[] {
  return has(v, 'softAffinity') ? ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'] : ['anti-affinity', 'affinity'];
}

function onlyKeys(field: string, obj: Record<string, unknown>, keys: string[]): void {
  const extra = Object.keys(obj).filter((k) => !keys.includes(k));
  if (extra.length > 0) throw invalid(field, obj, `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
}

function checkName(name: unknown): string {
  if (name === undefined) throw invalid('server_group', undefined, "'name' is a required property");
  if (typeof name !== 'string') throw invalid('name', name, `${JSON.stringify(name)} is not of type 'string'`);
  if (name.length < 1 || name.length > 255) throw invalid('name', name, 'The name must be 1 to 255 characters long.');
  if (name.trim() !== name) throw invalid('name', name, 'The name may not begin or end with white space.');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid('name', name, 'The name may not contain control characters.');
  return name;
}

function checkPolicy(field: string, policy: unknown, v: ApiVersion): GroupPolicy {
  const allowed = allowedPolicies(v);
  if (typeof policy !== 'string' || !(allowed as string[]).includes(policy)) {
    throw invalid(field, policy, `${JSON.stringify(policy)} is not one of ${JSON.stringify(allowed)}`);
  }
  return policy as GroupPolicy;
}

/** max_server_per_host: a positive integer, or a string of digits (Nova's positive_integer). */
function checkMaxPerHost(value: unknown): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid('max_server_per_host', value, `${JSON.stringify(value)} is not a positive integer`);
  if (n < 1) throw invalid('max_server_per_host', value, `${JSON.stringify(value)} is less than the minimum of 1`);
  return n;
}

export function parseServerGroupBody(body: unknown, v: ApiVersion): NewServerGroup {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object with a "server_group" member.');
  onlyKeys('request body', body, ['server_group']);
  const sg = body.server_group;
  if (sg === undefined) throw invalid('request body', body, "'server_group' is a required property");
  if (!isObject(sg)) throw invalid('server_group', sg, `${JSON.stringify(sg)} is not of type 'object'`);

  if (!has(v, 'serverGroupRules')) {
    onlyKeys('server_group', sg, ['name', 'policies']);
    const name = checkName(sg.name);
    const policies = sg.policies;
    if (policies === undefined) throw invalid('server_group', sg, "'policies' is a required property");
    if (!Array.isArray(policies)) throw invalid('policies', policies, `${JSON.stringify(policies)} is not of type 'array'`);
    if (policies.length === 0) throw invalid('policies', policies, '[] is too short');
    if (policies.length > 1) throw invalid('policies', policies, `${JSON.stringify(policies)} is too long`);
    return { name, policy: checkPolicy('policies', policies[0], v), rules: {} };
  }

  onlyKeys('server_group', sg, ['name', 'policy', 'rules']);
  const name = checkName(sg.name);
  if (sg.policy === undefined) throw invalid('server_group', sg, "'policy' is a required property");
  const policy = checkPolicy('policy', sg.policy, v);
  const rules: NewServerGroup['rules'] = {};
  if (sg.rules !== undefined) {
    if (!isObject(sg.rules)) throw invalid('rules', sg.rules, `${JSON.stringify(sg.rules)} is not of type 'object'`);
    onlyKeys('rules', sg.rules, ['max_server_per_host']);
    if (Object.keys(sg.rules).length > 0 && policy !== 'anti-affinity') throw badRequest('Only anti-affinity policy supports rules.');
    if (sg.rules.max_server_per_host !== undefined) rules.max_server_per_host = checkMaxPerHost(sg.rules.max_server_per_host);
  }
  return { name, policy, rules };
}
