// Inserting groups and rules: shared by the API, the default group and nothing else. Callers own
// the transaction and the sync.changed() call.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { now } from '../common.js';
import type { NetworkTables, SecurityGroupRuleRow } from '../network.tables.js';

export type Trx = Transaction<NetworkTables>;

export interface NewRule {
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol?: string | null;
  port_range_min?: number | null;
  port_range_max?: number | null;
  remote_ip_prefix?: string | null;
  remote_group_id?: string | null;
  description?: string;
}

/** Neutron gives every new group these: all egress, IPv4 and IPv6. */
export const defaultEgressRules: NewRule[] = [
  { direction: 'egress', ethertype: 'IPv4' },
  { direction: 'egress', ethertype: 'IPv6' },
];

export async function insertRule(trx: Trx, projectId: string, groupId: string, rule: NewRule): Promise<SecurityGroupRuleRow> {
  const at = now();
  const row: SecurityGroupRuleRow = {
    id: randomUUID(), project_id: projectId, security_group_id: groupId, direction: rule.direction, ethertype: rule.ethertype,
    protocol: rule.protocol ?? null, port_range_min: rule.port_range_min ?? null, port_range_max: rule.port_range_max ?? null,
    remote_ip_prefix: rule.remote_ip_prefix ?? null, remote_group_id: rule.remote_group_id ?? null,
    description: rule.description ?? '', created_at: at, updated_at: at, revision_number: 0,
  };
  await trx.insertInto('net_security_group_rule').values(row).execute();
  return row;
}

export interface NewGroup { projectId: string; name: string; description: string; stateful: boolean }

/**
 * Inserts a group with Neutron's default egress rules; `selfIngress` adds the default group's
 * ingress-from-members rules. Its revision starts at 1, as Neutron's does: adding its rules revises it.
 */
export async function insertGroup(trx: Trx, group: NewGroup, selfIngress = false): Promise<string> {
  const id = randomUUID();
  const at = now();
  await trx.insertInto('net_security_group').values({
    id, project_id: group.projectId, name: group.name, description: group.description, stateful: group.stateful ? 1 : 0,
    created_at: at, updated_at: at, revision_number: 1,
  }).execute();
  const ingress: NewRule[] = selfIngress
    ? [{ direction: 'ingress', ethertype: 'IPv4', remote_group_id: id }, { direction: 'ingress', ethertype: 'IPv6', remote_group_id: id }]
    : [];
  for (const rule of [...defaultEgressRules, ...ingress]) await insertRule(trx, group.projectId, id, rule);
  return id;
}

/** A rule added or removed revises its group (Neutron's revises_on_change). */
export async function reviseGroup(trx: Trx, groupId: string): Promise<void> {
  await trx.updateTable('net_security_group')
    .set((eb) => ({ revision_number: eb('revision_number', '+', 1), updated_at: now() }))
    .where('id', '=', groupId).execute();
}
