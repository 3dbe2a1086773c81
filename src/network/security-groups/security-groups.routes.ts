// Neutron's /v2.0/security-groups and /v2.0/security-group-rules.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { caller } from '../../platform/http/auth-hook.js';
import { listResponse, project, type Query, type View } from '../collection.js';
import { enforce, isAdmin, target, type NetworkDeps } from '../common.js';
import type { NetworkContext } from '../context.js';
import { createBodies, singleBody } from '../networks/attributes.js';
import { ensureDefaultSecurityGroup } from './default-group.js';
import { createRules, deleteRule, loadRule } from './security-group-rules.service.js';
import { groupView, groupViews, loadGroup, ruleViews, visibleGroups, visibleRules } from './security-group-views.js';
import { createGroups, deleteGroup, updateGroup } from './security-groups.service.js';

type Params = { id: string };

const GROUP_ATTRIBUTES = ['id', 'name', 'description', 'stateful', 'shared', 'tenant_id', 'project_id',
  'created_at', 'updated_at', 'revision_number'] as const;
const RULE_ATTRIBUTES = ['id', 'security_group_id', 'direction', 'ethertype', 'protocol', 'port_range_min', 'port_range_max',
  'remote_ip_prefix', 'normalized_cidr', 'remote_group_id', 'remote_address_group_id', 'belongs_to_default_sg', 'description',
  'tenant_id', 'project_id', 'created_at', 'updated_at', 'revision_number'] as const;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Neutron makes a project's default group when the project first lists groups or rules: the
 * caller's project, or the one named in project_id/tenant_id if the caller may act for it.
 */
async function ensureDefaultForList(deps: NetworkDeps, auth: AuthContext, query: Query): Promise<void> {
  const asked = first(query.project_id) ?? first(query.tenant_id) ?? auth.projectId;
  if (!asked || (asked !== auth.projectId && !isAdmin(deps, auth))) return;
  await ensureDefaultSecurityGroup(deps, asked);
}

export function securityGroupRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;
  const publicUrl = deps.config.publicUrl;
  const showGroup = async (auth: AuthContext, id: string) => groupView(deps, auth, await loadGroup(deps, auth, id));
  const showRule = async (auth: AuthContext, id: string) => (await ruleViews(deps, [await loadRule(deps, auth, id)]))[0]!;

  return async (app) => {
    app.get('/security-groups', async (req: FastifyRequest) => {
      const auth = caller(req);
      const query = req.query as Query;
      await ensureDefaultForList(deps, auth, query);
      const views = await groupViews(deps, await visibleGroups(deps, auth));
      return listResponse(req, publicUrl, 'security_groups', GROUP_ATTRIBUTES, views);
    });

    app.get<{ Params: Params }>('/security-groups/:id', async (req) => {
      const auth = caller(req);
      const view = await showGroup(auth, req.params.id);
      // Groups shared with the caller's project are readable without owning them.
      if (!view.shared) enforce(deps, auth, 'get_security_group', target(auth, view.project_id));
      return { security_group: project(view, req.query as Query) };
    });

    app.post('/security-groups', async (req, reply) => {
      const auth = caller(req);
      const { bodies, bulk } = createBodies(req.body, 'security_group', 'security_groups');
      const ids = await createGroups(ctx, auth, bodies);
      const views: View[] = [];
      for (const id of ids) views.push(await showGroup(auth, id));
      return reply.code(201).send(bulk ? { security_groups: views } : { security_group: views[0] });
    });

    app.put<{ Params: Params }>('/security-groups/:id', async (req) => {
      const auth = caller(req);
      await updateGroup(ctx, auth, req.params.id, singleBody(req.body, 'security_group'));
      return { security_group: await showGroup(auth, req.params.id) };
    });

    app.delete<{ Params: Params }>('/security-groups/:id', async (req, reply) => {
      await deleteGroup(ctx, caller(req), req.params.id);
      return reply.code(204).send();
    });

    app.get('/security-group-rules', async (req: FastifyRequest) => {
      const auth = caller(req);
      await ensureDefaultForList(deps, auth, req.query as Query);
      const views = await ruleViews(deps, await visibleRules(deps, auth));
      return listResponse(req, publicUrl, 'security_group_rules', RULE_ATTRIBUTES, views);
    });

    app.get<{ Params: Params }>('/security-group-rules/:id', async (req) => {
      const auth = caller(req);
      const view = await showRule(auth, req.params.id);
      // A rule of a group shared with the caller is readable without owning it.
      if (view.project_id === auth.projectId) enforce(deps, auth, 'get_security_group_rule', target(auth, view.project_id));
      return { security_group_rule: project(view, req.query as Query) };
    });

    app.post('/security-group-rules', async (req, reply) => {
      const auth = caller(req);
      const { bodies, bulk } = createBodies(req.body, 'security_group_rule', 'security_group_rules');
      const ids = await createRules(ctx, auth, bodies);
      const views: View[] = [];
      for (const id of ids) views.push(await showRule(auth, id));
      return reply.code(201).send(bulk ? { security_group_rules: views } : { security_group_rule: views[0] });
    });

    app.delete<{ Params: Params }>('/security-group-rules/:id', async (req, reply) => {
      await deleteRule(ctx, caller(req), req.params.id);
      return reply.code(204).send();
    });
  };
}
