// /v2.0/rbac-policies: sharing networks with projects (access_as_shared) or offering them as external
// networks (access_as_external). A policy is seen by its owner and admins only. Wildcard rows keep
// the network's shared / router:external flags in step (see network-access.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { caller } from '../../platform/http/auth-hook.js';
import { isUniqueViolation } from '../../platform/errors.js';
import { listResponse, project, type Query } from '../collection.js';
import { conflict, enforce, isAdmin, notFound, now, owningProject, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { RbacPolicyRow } from '../network.tables.js';
import { checkAttributes, invalid, singleBody, str, type AttributeRules } from '../networks/attributes.js';
import { loadVisibleNetwork } from '../networks/network-access.js';
import { checkQuota } from '../quotas/quota-check.js';
import { deleteRbac, insertRbac, rbacDependents, setFlag } from './rbac-records.js';

type Params = { id: string };
const ATTRS = ['id', 'tenant_id', 'project_id', 'object_type', 'object_id', 'action', 'target_tenant'] as const;
const ACTIONS = ['access_as_external', 'access_as_shared'] as const;
const rw = { post: true, put: true };
const ro = { post: false, put: false };
const RULES: AttributeRules = {
  id: ro, object_type: { post: true, put: false }, object_id: { post: true, put: false }, action: { post: true, put: false },
  target_tenant: rw, tenant_id: { post: true, put: false }, project_id: { post: true, put: false },
};

const view = (r: RbacPolicyRow) => ({
  id: r.id, tenant_id: r.project_id, project_id: r.project_id, object_type: r.object_type, object_id: r.object_id,
  action: r.action, target_tenant: r.target_tenant,
});

const duplicate = () => conflict('DuplicateRbacPolicy', 'An RBAC policy already exists with those values.');
const inUse = (r: RbacPolicyRow, why: string) =>
  conflict('RbacPolicyInUse', `RBAC policy on object ${r.object_id} cannot be removed because other objects depend on it.\nDetails: ${why}`);
const policyNotFound = (id: string) => notFound.rbacPolicy(id);

export function rbacRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;

  async function load(auth: AuthContext, id: string): Promise<RbacPolicyRow> {
    const row = await deps.db.selectFrom('net_rbac_policy').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (!isAdmin(deps, auth) && row.project_id !== auth.projectId)) throw policyNotFound(id);
    return row;
  }

  const readTarget = (v: unknown) => {
    const s = str('target_tenant', v);
    if (s === '') invalid('target_tenant', "'' is not a valid project id");
    return s;
  };

  return async (app) => {
    app.get('/rbac-policies', async (req) => {
      const auth = caller(req);
      let q = deps.db.selectFrom('net_rbac_policy').selectAll().orderBy('created_at').orderBy('id');
      if (!isAdmin(deps, auth)) q = q.where('project_id', '=', auth.projectId ?? '');
      return listResponse(req, deps.config.publicUrl, 'rbac_policies', ATTRS, (await q.execute()).map(view));
    });

    app.get<{ Params: Params }>('/rbac-policies/:id', async (req) => {
      const row = await load(caller(req), req.params.id);
      return { rbac_policy: project(view(row), req.query as Query) };
    });

    app.post('/rbac-policies', async (req, reply) => {
      const auth = caller(req);
      const body = checkAttributes(singleBody(req.body, 'rbac_policy'), RULES, 'POST');
      for (const k of ['object_type', 'object_id', 'action', 'target_tenant']) {
        if (body[k] === undefined) invalid(k, `'${k}' is required`);
      }
      const objectType = str('object_type', body.object_type);
      // Security groups are not shared through RBAC in Nubis.
      if (objectType !== 'network') invalid('object_type', `'${objectType}' is not in ['network']`);
      const action = str('action', body.action);
      if (!(ACTIONS as readonly string[]).includes(action)) invalid('action', `'${action}' is not in ${JSON.stringify(ACTIONS).replace(/"/g, "'").replace(/,/g, ', ')}`);
      const targetTenant = readTarget(body.target_tenant);
      const objectId = str('object_id', body.object_id);
      const projectId = owningProject(deps, auth, body);
      enforce(deps, auth, 'create_rbac_policy', target(auth, projectId));
      const network = await loadVisibleNetwork(ctx, auth, objectId);
      const admin = isAdmin(deps, auth);
      // Only the network's owner shares it; sharing with everyone and offering as external are for admins.
      if (!admin && network.project_id !== auth.projectId) enforce(deps, auth, 'create_rbac_policy', target(auth, network.project_id));
      if (!admin && (targetTenant === '*' || action === 'access_as_external')) {
        enforce(deps, auth, 'context_is_admin');
      }
      let row: RbacPolicyRow;
      try {
        row = await deps.db.transaction().execute(async (trx) => {
          await checkQuota(trx, deps.config.network, projectId, 'rbac_policy');
          const same = await trx.selectFrom('net_rbac_policy').select('id').where('object_type', '=', 'network').where('object_id', '=', network.id)
            .where('action', '=', action as RbacPolicyRow['action']).where('target_tenant', '=', targetTenant).executeTakeFirst();
          if (same) throw duplicate();
          return insertRbac(trx, { project_id: projectId, object_type: 'network', object_id: network.id,
            action: action as RbacPolicyRow['action'], target_tenant: targetTenant });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate();
        throw err;
      }
      ctx.sync.changed();
      return reply.code(201).send({ rbac_policy: view(row) });
    });

    app.put<{ Params: Params }>('/rbac-policies/:id', async (req) => {
      const auth = caller(req);
      const body = checkAttributes(singleBody(req.body, 'rbac_policy'), RULES, 'PUT');
      const row = await load(auth, req.params.id);
      enforce(deps, auth, 'update_rbac_policy', target(auth, row.project_id));
      if (body.target_tenant === undefined) return { rbac_policy: view(row) };
      const targetTenant = readTarget(body.target_tenant);
      if (targetTenant === '*' && !isAdmin(deps, auth)) enforce(deps, auth, 'context_is_admin');
      try {
        await deps.db.transaction().execute(async (trx) => {
          const why = await rbacDependents(trx, row);
          if (why && targetTenant !== '*') throw inUse(row, why);
          await trx.updateTable('net_rbac_policy').set({ target_tenant: targetTenant, updated_at: now(), revision_number: row.revision_number + 1 })
            .where('id', '=', row.id).execute();
          if (row.target_tenant === '*' && targetTenant !== '*') await setFlag(trx, row.object_id, row.action, false);
          if (row.target_tenant !== '*' && targetTenant === '*') await setFlag(trx, row.object_id, row.action, true);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate();
        throw err;
      }
      ctx.sync.changed();
      return { rbac_policy: view(await load(auth, row.id)) };
    });

    app.delete<{ Params: Params }>('/rbac-policies/:id', async (req, reply) => {
      const auth = caller(req);
      const row = await load(auth, req.params.id);
      enforce(deps, auth, 'delete_rbac_policy', target(auth, row.project_id));
      await deps.db.transaction().execute(async (trx) => {
        const why = await rbacDependents(trx, row);
        if (why) throw inUse(row, why);
        await deleteRbac(trx, row);
      });
      ctx.sync.changed();
      return reply.code(204).send();
    });
  };
}
