// /v2.0/{collection}/{id}/tags: Neutron's tag API for every taggable resource. A tag change is an
// update of the resource (revision +1). Visibility: the resource's project, admins, and for networks
// whoever may see them (network-access.ts); only owners and admins change tags.
import type { FastifyPluginAsync } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isAdmin, neutronError, notFound, now, target } from '../common.js';
import type { NetworkContext } from '../context.js';
import type { NetworkTables } from '../network.tables.js';
import { singleBody } from '../networks/attributes.js';
import { loadVisibleNetwork } from '../networks/network-access.js';
import { readTags } from '../networks/network-input.js';
import { tagsFor } from './tags.js';

/** URL collection → tag resource_type, table, policy resource name, not-found error. */
const COLLECTIONS: Record<string, { type: string; table: keyof NetworkTables; policy: string; missing: (id: string) => Error }> = {
  networks: { type: 'networks', table: 'net_network', policy: 'network', missing: notFound.network },
  subnets: { type: 'subnets', table: 'net_subnet', policy: 'subnet', missing: notFound.subnet },
  ports: { type: 'ports', table: 'net_port', policy: 'port', missing: notFound.port },
  routers: { type: 'routers', table: 'net_router', policy: 'router', missing: notFound.router },
  floatingips: { type: 'floatingips', table: 'net_floating_ip', policy: 'floatingip', missing: notFound.floatingip },
  'security-groups': { type: 'security_groups', table: 'net_security_group', policy: 'security_group', missing: notFound.securityGroup },
};

type Params = { id: string; tag?: string };

export function tagRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;

  /** The resource if the caller may see it (404 otherwise); `write` also needs the owner's rights (403). */
  async function resolve(auth: AuthContext, collection: string, params: Params, write: boolean) {
    const c = COLLECTIONS[collection]!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const row = await (deps.db as any).selectFrom(c.table).select(['id', 'project_id', 'revision_number'])
      .where('id', '=', params.id).executeTakeFirst() as { id: string; project_id: string; revision_number: number } | undefined;
    if (!row) throw c.missing(params.id);
    if (c.type === 'networks') await loadVisibleNetwork(ctx, auth, row.id);
    else if (!isAdmin(deps, auth) && row.project_id !== auth.projectId) throw c.missing(params.id);
    if (write) enforce(deps, auth, `update_${c.policy}`, target(auth, row.project_id));
    return { c, row };
  }

  /** Replaces the tags (null: keep and add `add`) and bumps the resource's revision, in one transaction. */
  async function write(c: (typeof COLLECTIONS)[string], id: string, change: (current: string[]) => string[]): Promise<string[]> {
    return deps.db.transaction().execute(async (trx) => {
      const current = (await tagsFor(trx, c.type, [id])).get(id) ?? [];
      const next = change(current);
      if (next.length > 50) throw neutronError(400, 'HTTPBadRequest', 'Invalid input for tags. Reason: more than 50 tags.');
      await trx.deleteFrom('net_tag').where('resource_type', '=', c.type).where('resource_id', '=', id).execute();
      if (next.length) await trx.insertInto('net_tag').values(next.map((tag) => ({ resource_type: c.type, resource_id: id, tag }))).execute();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (trx as any).updateTable(c.table).set((eb: any) => ({ updated_at: now(), revision_number: eb('revision_number', '+', 1) }))
        .where('id', '=', id).execute();
      return next;
    });
  }

  const tagNotFound = (tag: string, collection: string, id: string) =>
    neutronError(404, 'TagNotFound', `Tag ${tag} could not be found for ${collection} ${id}.`);

  return async (app) => {
    for (const name of Object.keys(COLLECTIONS)) {
      const base = `/${name}/:id/tags`;
      app.get<{ Params: Params }>(base, async (req) => {
        const { c, row } = await resolve(caller(req), name, req.params, false);
        return { tags: (await tagsFor(deps.db, c.type, [row.id])).get(row.id) ?? [] };
      });

      app.get<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
        const { c, row } = await resolve(caller(req), name, req.params, false);
        const tags = (await tagsFor(deps.db, c.type, [row.id])).get(row.id) ?? [];
        if (!tags.includes(req.params.tag!)) throw tagNotFound(req.params.tag!, name, row.id);
        return reply.code(204).send();
      });

      app.put<{ Params: Params }>(base, async (req) => {
        const { c, row } = await resolve(caller(req), name, req.params, true);
        const body = req.body as Record<string, unknown> | null;
        if (!body || typeof body !== 'object' || !('tags' in body)) singleBody(body, 'tags');
        const tags = readTags(body!.tags);
        await write(c, row.id, () => tags);
        return { tags };
      });

      app.put<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
        const { c, row } = await resolve(caller(req), name, req.params, true);
        const [tag] = readTags([req.params.tag]);
        await write(c, row.id, (cur) => (cur.includes(tag!) ? cur : [...cur, tag!]));
        return reply.code(201).send();
      });

      app.delete<{ Params: Params }>(base, async (req, reply) => {
        const { c, row } = await resolve(caller(req), name, req.params, true);
        await write(c, row.id, () => []);
        return reply.code(204).send();
      });

      app.delete<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
        const { c, row } = await resolve(caller(req), name, req.params, true);
        const tag = req.params.tag!;
        await write(c, row.id, (cur) => {
          if (!cur.includes(tag)) throw tagNotFound(tag, name, row.id);
          return cur.filter((t) => t !== tag);
        });
        return reply.code(204).send();
      });
    }
  };
}
