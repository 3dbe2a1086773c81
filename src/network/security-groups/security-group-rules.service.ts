// Security group rules: create (one or a bulk list for one group, all-or-nothing), show, delete.
// Rules are never updated (Neutron has no update for them).
import type { AuthContext } from '../../platform/auth-context.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { isForeignKeyViolation } from '../../platform/errors.js';
import { badRequest, conflict, enforce, isAdmin, neutronError, notFound, owningProject, target, type NetworkDeps } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { SecurityGroupRuleRow } from '../network.tables.js';
import { checkAttributes, invalid, str, type AttributeRules, type Body } from '../networks/attributes.js';
import { checkQuota } from '../quotas/quota-check.js';
import { insertRule, reviseGroup, type NewRule } from './security-group-records.js';
import {
  canonicalRule, convertEthertype, convertIpPrefix, convertPort, convertProtocol, requireAttribute, ruleKey,
} from './security-group-rule-input.js';
import { loadGroup, RULE_TAGS } from './security-group-views.js';

const RULES: AttributeRules = Object.fromEntries([
  ...['security_group_id', 'direction', 'ethertype', 'protocol', 'port_range_min', 'port_range_max', 'remote_ip_prefix',
    'remote_group_id', 'remote_address_group_id', 'description', 'tenant_id', 'project_id'].map((k) => [k, { post: true, put: false }]),
  ...['id', 'normalized_cidr', 'belongs_to_default_sg', 'tags', 'created_at', 'updated_at', 'revision_number']
    .map((k) => [k, { post: false, put: false }]),
]);

interface AskedRule extends NewRule { security_group_id: string; projectId: string }

function parseRule(deps: NetworkDeps, auth: AuthContext, body: Body, groupProject: (id: string) => string): AskedRule {
  checkAttributes(body, RULES, 'POST');
  const groupId = requireAttribute(body, 'security_group_id');
  if (typeof groupId !== 'string') invalid('security_group_id', `${JSON.stringify(groupId)} is not a valid string`);
  const direction = requireAttribute(body, 'direction');
  if (direction !== 'ingress' && direction !== 'egress') invalid('direction', `${JSON.stringify(direction)} is not in ['ingress', 'egress']`);
  if (body.remote_group_id !== undefined && body.remote_group_id !== null && typeof body.remote_group_id !== 'string') {
    invalid('remote_group_id', `${JSON.stringify(body.remote_group_id)} is not a valid string`);
  }
  if (body.remote_address_group_id !== undefined && body.remote_address_group_id !== null) {
    throw neutronError(404, 'AddressGroupNotFound', `Address group ${String(body.remote_address_group_id)} could not be found.`);
  }
  const projectId = body.project_id !== undefined || body.tenant_id !== undefined
    ? owningProject(deps, auth, body) : groupProject(groupId as string);
  const rule = canonicalRule({
    direction: direction as 'ingress' | 'egress',
    ethertype: convertEthertype(body.ethertype),
    protocol: convertProtocol(body.protocol),
    port_range_min: convertPort(body.port_range_min),
    port_range_max: convertPort(body.port_range_max),
    remote_ip_prefix: convertIpPrefix(body.remote_ip_prefix),
    remote_group_id: (body.remote_group_id as string | null | undefined) ?? null,
    description: body.description === undefined || body.description === null ? '' : str('description', body.description),
  });
  return { ...rule, security_group_id: groupId as string, projectId };
}

/** Creates rules (one, or a bulk list all in one group); returns their ids. */
export async function createRules(ctx: NetworkContext, auth: AuthContext, bodies: Body[]): Promise<string[]> {
  const { deps } = ctx;
  const groupIds = new Set(bodies.map((b) => b.security_group_id));
  if (groupIds.size > 1) throw badRequest('Only allowed to update rules for one security profile at a time');
  const groupId = [...groupIds][0];
  if (groupId === undefined) requireAttribute({}, 'security_group_id');
  if (typeof groupId !== 'string') invalid('security_group_id', `${JSON.stringify(groupId)} is not a valid string`);
  const group = await loadGroup(deps, auth, groupId as string, true);
  const asked = bodies.map((b) => parseRule(deps, auth, b, () => group.project_id));
  if (new Set(asked.map((a) => a.projectId)).size > 1) {
    throw neutronError(400, 'SecurityGroupRulesNotSingleProject', 'Multiple project_ids in bulk security group rule create not allowed');
  }
  const projectId = asked[0]!.projectId;
  enforce(deps, auth, 'create_security_group_rule', target(auth, group.project_id));
  for (const remote of new Set(asked.map((a) => a.remote_group_id).filter((r): r is string => !!r))) {
    await loadGroup(deps, auth, remote);
  }
  const keys = new Set<string>();
  for (const a of asked) {
    const key = ruleKey(a);
    if (keys.has(key)) throw conflict('DuplicateSecurityGroupRuleInPost', 'Duplicate Security Group Rule in POST.');
    keys.add(key);
  }

  const ids = await deps.db.transaction().execute(async (trx) => {
    // Racing creates of the same rule run one after the other, so the duplicate check holds.
    await serializeOn(trx, `security-group:${group.id}`);
    const existing = await trx.selectFrom('net_security_group_rule').selectAll().where('security_group_id', '=', group.id).execute();
    if (existing.length === 0 && !(await trx.selectFrom('net_security_group').select('id').where('id', '=', group.id).executeTakeFirst())) {
      throw notFound.securityGroup(group.id);
    }
    for (const row of existing) {
      if (keys.has(ruleKey(row))) throw conflict('SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${row.id}.`);
    }
    await checkQuota(trx, deps.config.network, projectId, 'security_group_rule', asked.length);
    const out: string[] = [];
    for (const a of asked) out.push((await insertRule(trx, a.projectId, group.id, a)).id);
    await reviseGroup(trx, group.id);
    return out;
  }).catch((err: unknown) => {
    // The group, or a remote group, deleted since it was loaded.
    if (isForeignKeyViolation(err)) throw notFound.securityGroup(group.id);
    throw err;
  });
  ctx.sync.changed();
  return ids;
}

/** A rule whose group the caller may see (or, for `write`, owns); else 404 SecurityGroupRuleNotFound. */
export async function loadRule(deps: NetworkDeps, auth: AuthContext, id: string, write = false): Promise<SecurityGroupRuleRow> {
  const row = await deps.db.selectFrom('net_security_group_rule').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound.securityGroupRule(id);
  if (isAdmin(deps, auth) || row.project_id === auth.projectId) return row;
  try {
    await loadGroup(deps, auth, row.security_group_id, write);
  } catch {
    throw notFound.securityGroupRule(id);
  }
  return row;
}

export async function deleteRule(ctx: NetworkContext, auth: AuthContext, id: string): Promise<void> {
  const { deps } = ctx;
  const row = await loadRule(deps, auth, id, true);
  enforce(deps, auth, 'delete_security_group_rule', target(auth, row.project_id));
  const gone = await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('net_tag').where('resource_type', '=', RULE_TAGS).where('resource_id', '=', id).execute();
    const res = await trx.deleteFrom('net_security_group_rule').where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) return false;
    await reviseGroup(trx, row.security_group_id);
    return true;
  });
  if (!gone) throw notFound.securityGroupRule(id);
  ctx.sync.changed();
}
