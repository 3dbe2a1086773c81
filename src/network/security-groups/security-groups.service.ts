// Security groups: create (with Neutron's default egress rules), update, delete. Each write is one
// transaction, then a dataplane sync; the default group's own rules live in default-group.ts.
import type { AuthContext } from '../../platform/auth-context.js';
import { isForeignKeyViolation } from '../../platform/errors.js';
import { conflict, enforce, isAdmin, notFound, now, owningProject, target, type NetworkDeps } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { SecurityGroupRow } from '../network.tables.js';
import { bool, checkAttributes, str, type AttributeRules, type Body } from '../networks/attributes.js';
import { checkQuota } from '../quotas/quota-check.js';
import { ensureDefaultSecurityGroup } from './default-group.js';
import { defaultEgressRules, insertGroup } from './security-group-records.js';
import { GROUP_TAGS, loadGroup } from './security-group-views.js';

const RULES: AttributeRules = {
  name: { post: true, put: true }, description: { post: true, put: true }, stateful: { post: true, put: true },
  tenant_id: { post: true, put: false }, project_id: { post: true, put: false },
  id: { post: false, put: false }, security_group_rules: { post: false, put: false }, shared: { post: false, put: false },
  tags: { post: false, put: false }, created_at: { post: false, put: false }, updated_at: { post: false, put: false },
  revision_number: { post: false, put: false },
};

/** Neutron's name_not_default validator: no group but the project's own default may be called default. */
function groupName(v: unknown): string {
  const name = str('name', v);
  if (name.toLowerCase() === 'default') throw conflict('SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
  return name;
}

const inUse = (id: string) => conflict('SecurityGroupInUse', `Security Group ${id} in use.`);

/** Creates groups (one, or a bulk list all-or-nothing); returns their ids. */
export async function createGroups(ctx: NetworkContext, auth: AuthContext, bodies: Body[]): Promise<string[]> {
  const { deps } = ctx;
  const asked = bodies.map((b) => {
    checkAttributes(b, RULES, 'POST');
    const projectId = owningProject(deps, auth, b);
    enforce(deps, auth, 'create_security_group', target(auth, projectId));
    return {
      projectId, name: b.name === undefined ? '' : groupName(b.name),
      description: b.description === undefined ? '' : str('description', b.description),
      stateful: b.stateful === undefined ? true : bool('stateful', b.stateful),
    };
  });
  // Neutron makes the project's default group before its first own group.
  for (const projectId of new Set(asked.map((a) => a.projectId))) await ensureDefaultSecurityGroup(deps, projectId);
  const ids = await deps.db.transaction().execute(async (trx) => {
    const out: string[] = [];
    for (const a of asked) {
      await checkQuota(trx, deps.config.network, a.projectId, 'security_group');
      await checkQuota(trx, deps.config.network, a.projectId, 'security_group_rule', defaultEgressRules.length);
      out.push(await insertGroup(trx, a));
    }
    return out;
  });
  ctx.sync.changed();
  return ids;
}

async function portsUsing(deps: NetworkDeps, id: string): Promise<boolean> {
  const row = await deps.db.selectFrom('net_port_security_group').select('port_id').where('security_group_id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function updateGroup(ctx: NetworkContext, auth: AuthContext, id: string, body: Body): Promise<void> {
  const { deps } = ctx;
  checkAttributes(body, RULES, 'PUT');
  const changes: Partial<SecurityGroupRow> = {};
  if (body.name !== undefined) changes.name = groupName(body.name);
  if (body.description !== undefined) changes.description = str('description', body.description);
  if (body.stateful !== undefined) changes.stateful = bool('stateful', body.stateful) ? 1 : 0;
  const row = await loadGroup(deps, auth, id, true);
  enforce(deps, auth, 'update_security_group', target(auth, row.project_id));
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('net_security_group').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound.securityGroup(id);
    if (changes.stateful !== undefined && changes.stateful !== current.stateful) {
      const used = await trx.selectFrom('net_port_security_group').select('port_id').where('security_group_id', '=', id).executeTakeFirst();
      if (used) throw inUse(id);
    }
    if (current.name === 'default' && changes.name !== undefined) {
      throw conflict('SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
    }
    // Neutron revises a resource only when a value really changes.
    const changed = (Object.keys(changes) as Array<keyof typeof changes>).some((k) => changes[k] !== current[k]);
    if (!changed) return;
    await trx.updateTable('net_security_group')
      .set({ ...changes, updated_at: now(), revision_number: current.revision_number + 1 })
      .where('id', '=', id).execute();
  });
  ctx.sync.changed();
}

export async function deleteGroup(ctx: NetworkContext, auth: AuthContext, id: string): Promise<void> {
  const { deps } = ctx;
  const row = await loadGroup(deps, auth, id, true);
  enforce(deps, auth, 'delete_security_group', target(auth, row.project_id));
  if (await portsUsing(deps, id)) throw inUse(id);
  // Only an admin may remove a project's default group (e.g. once the project is gone).
  if (row.name === 'default' && !isAdmin(deps, auth)) {
    throw conflict('SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.');
  }
  try {
    await deps.db.transaction().execute(async (trx) => {
      const ruleIds = (await trx.selectFrom('net_security_group_rule').select('id').where('security_group_id', '=', id).execute()).map((r) => r.id);
      // Rules of this group and rules elsewhere naming it as remote group go with it (Neutron's ON DELETE CASCADE).
      await trx.deleteFrom('net_security_group_rule').where((eb) => eb.or([eb('security_group_id', '=', id), eb('remote_group_id', '=', id)])).execute();
      await trx.deleteFrom('net_default_security_group').where('security_group_id', '=', id).execute();
      await trx.deleteFrom('net_rbac_policy').where('object_type', '=', 'security_group').where('object_id', '=', id).execute();
      await trx.deleteFrom('net_tag').where('resource_type', '=', GROUP_TAGS).where('resource_id', '=', id).execute();
      if (ruleIds.length) await trx.deleteFrom('net_tag').where('resource_type', '=', 'security_group_rules').where('resource_id', 'in', ruleIds).execute();
      await trx.deleteFrom('net_security_group').where('id', '=', id).execute();
    });
  } catch (err) {
    // A port bound to the group between the check and the delete.
    if (isForeignKeyViolation(err)) throw inUse(id);
    throw err;
  }
  ctx.sync.changed();
}
