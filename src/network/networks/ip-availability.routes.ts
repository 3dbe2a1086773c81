// /v2.0/network-ip-availabilities (admin): per network and subnet, how many addresses the
// allocation pools hold and how many ports use. Registered by networks.routes.ts.
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { collectionUrl, filterViews, page, project, type Query } from '../collection.js';
import { enforce, notFound } from '../common.js';
import type { NetworkContext } from '../context.js';
import { parseIp } from '../ipam/ip.js';
import type { NetworkRow } from '../network.tables.js';

const ATTRS = ['network_id', 'network_name', 'tenant_id', 'project_id', 'total_ips', 'used_ips', 'ip_version'] as const;

/** Addresses in the pools; IPv6 pools exceed 2^53, so the total is approximate there (as a JSON number must be). */
const poolSize = (pools: Array<{ start: string; end: string }>): number =>
  Number(pools.reduce((n, p) => n + parseIp(p.end)!.value - parseIp(p.start)!.value + 1n, 0n));

export function ipAvailabilityRoutes(ctx: NetworkContext): FastifyPluginAsync {
  const { deps } = ctx;

  async function views(networks: NetworkRow[]) {
    const db = deps.db;
    const subnets = await db.selectFrom('net_subnet').selectAll().orderBy('created_at').execute();
    const used = await db.selectFrom('net_ip_allocation').select(['subnet_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('subnet_id').execute();
    const usedBy = new Map(used.map((u) => [u.subnet_id, Number(u.n)]));
    return networks.map((n) => {
      const subs = subnets.filter((s) => s.network_id === n.id).map((s) => ({
        subnet_id: s.id, subnet_name: s.name, cidr: s.cidr, ip_version: Number(s.ip_version),
        total_ips: poolSize(JSON.parse(s.allocation_pools) as Array<{ start: string; end: string }>), used_ips: usedBy.get(s.id) ?? 0,
      }));
      return {
        network_id: n.id, network_name: n.name, tenant_id: n.project_id, project_id: n.project_id,
        total_ips: subs.reduce((a, s) => a + s.total_ips, 0), used_ips: subs.reduce((a, s) => a + s.used_ips, 0),
        subnet_ip_availability: subs,
      };
    });
  }

  return async (app) => {
    app.get('/network-ip-availabilities', async (req) => {
      enforce(deps, caller(req), 'context_is_admin');
      const q = { ...(req.query as Query) };
      // ip_version filters the networks having a subnet of that version.
      const version = q.ip_version;
      delete q.ip_version;
      let list = await views(await deps.db.selectFrom('net_network').selectAll().orderBy('created_at').execute());
      if (version !== undefined) {
        const wanted = [version].flat();
        list = list.filter((v) => v.subnet_ip_availability.some((s) => wanted.includes(String(s.ip_version))));
      }
      return page(filterViews(list, q, ATTRS), q, 'network_ip_availabilities', collectionUrl(req, deps.config.publicUrl), ATTRS);
    });

    app.get<{ Params: { network_id: string } }>('/network-ip-availabilities/:network_id', async (req) => {
      enforce(deps, caller(req), 'context_is_admin');
      const n = await deps.db.selectFrom('net_network').selectAll().where('id', '=', req.params.network_id).executeTakeFirst();
      if (!n) throw notFound.network(req.params.network_id);
      return { network_ip_availability: project((await views([n]))[0]!, req.query as Query) };
    });
  };
}
