// Routers: per router a namespace (nbns-r…) with IP forwarding, a veth leg into each of its
// networks' bridges (nbi-… inside for tenant networks, nbg-… for the external gateway, which also
// carries the floating IPs), its routes, its NAT ruleset and, when it serves metadata, the metadata
// proxy on 169.254.169.254 (an address on its loopback). Routers not in the list are removed.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  METADATA_IP, type PortOutcome, type RouterLeg, routerGatewayName, routerInterfaceName, routerNamespace,
  type RouterState, vethHostName,
} from '../host-state.js';
import type { L3Context } from './l3-context.js';
import { ensureMetadataProxy, stopMetadataProxy } from './metadata-proxies.js';
import {
  deleteLink, deleteNamespace, ensureNamespace, ensureVethLeg, ipJson, listLinks, listNamespaces, nsExec, stopNamespaceDaemons, syncAddresses,
} from './namespaces.js';
import { announceAddresses } from './router-arp.js';
import { routerNatRuleset } from './router-nat.js';
import { syncRoutes } from './router-routes.js';

const routerDir = (ctx: L3Context, id: string): string => join(ctx.opts.stateDir, 'router', id);

export async function applyRouters(routers: RouterState[], ctx: L3Context): Promise<PortOutcome[]> {
  const outcomes: PortOutcome[] = [];
  for (const router of routers) outcomes.push(...(await applyOne(router, ctx)));
  await removeStale(new Set(routers.map((r) => r.id)), ctx);
  return outcomes;
}

/** Removes every router namespace, proxy and file this agent made. */
export async function teardownRouters(ctx: L3Context): Promise<void> {
  await removeStale(new Set(), ctx);
}

const legsOf = (r: RouterState): RouterLeg[] => [...r.interfaces, ...(r.gateway ? [r.gateway] : [])];

async function applyOne(router: RouterState, ctx: L3Context): Promise<PortOutcome[]> {
  const ns = routerNamespace(router.id);
  const legs = legsOf(router);
  const result = new Map<string, PortOutcome>(legs.map((l) => [l.portId, {
    id: l.portId, status: router.adminStateUp ? 'ACTIVE' : 'DOWN',
  }]));
  const fail = (portIds: string[], err: unknown): void => {
    const reason = (err as Error).message;
    ctx.log.warn({ routerId: router.id, portIds, err: reason }, 'router step failed');
    for (const id of portIds) result.set(id, { id, status: 'ERROR', reason });
  };
  try {
    if (router.namespace !== ns) throw new Error(`router namespace ${router.namespace} is not ${ns}`);
    await mkdir(routerDir(ctx, router.id), { recursive: true });
    await ensureNamespace(ns);
    await nsExec(ns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    await removeOldLegs(ns, router);
  } catch (err) {
    fail(legs.map((l) => l.portId), err);
    return [...result.values()];
  }

  const gw = router.gateway;
  const gwDev = gw ? routerGatewayName(gw.portId) : undefined;
  const before = gwDev ? await addressesOf(ns, gwDev) : new Set<string>();
  for (const leg of legs) {
    const isGateway = leg === gw;
    try {
      const fips = isGateway ? router.floatingIps.map((f) => `${f.floatingIp}/32`) : [];
      await ensureVethLeg({
        hostNs: ctx.netns, hostDev: vethHostName(leg.portId), bridge: ctx.bridgeOf(leg.networkId),
        ns, nsDev: isGateway ? routerGatewayName(leg.portId) : routerInterfaceName(leg.portId),
        mac: leg.mac, mtu: leg.mtu || ctx.networks.get(leg.networkId)?.mtu || 1500,
        addresses: [...leg.addresses, ...fips], up: router.adminStateUp,
      });
    } catch (err) {
      fail([leg.portId], err);
    }
  }

  const routerWide: Array<[string, () => Promise<unknown>]> = [
    ['routes', () => syncRoutes(ns, router, ctx.log)],
    ['nat', () => nsExec(ns, 'nft', ['-f', '-'], routerNatRuleset(router))],
    ['metadata address', () => syncAddresses(ns, 'lo', router.metadata ? [`${METADATA_IP}/32`] : [])],
    ['metadata proxy', () => router.metadata
      ? ensureMetadataProxy({ namespace: ns, kind: 'router', id: router.id, dir: routerDir(ctx, router.id), socket: ctx.opts.metadataSocket })
      : stopMetadataProxy(routerDir(ctx, router.id), router.id)],
  ];
  for (const [what, step] of routerWide) {
    try {
      await step();
    } catch (err) {
      // A router-wide failure (NAT, metadata) shows on the gateway port, or every port without one.
      fail(gw ? [gw.portId] : legs.map((l) => l.portId), new Error(`${what}: ${(err as Error).message}`));
    }
  }
  if (gw && gwDev && router.adminStateUp) {
    const fresh = router.floatingIps.map((f) => f.floatingIp).filter((a) => !before.has(a));
    announceAddresses(ns, gwDev, fresh, ctx.log);
  }
  return [...result.values()];
}

/** Legs of ports that left the router: deleting the inner end deletes the pair. */
async function removeOldLegs(ns: string, router: RouterState): Promise<void> {
  const wanted = new Set([
    ...router.interfaces.map((l) => routerInterfaceName(l.portId)),
    ...(router.gateway ? [routerGatewayName(router.gateway.portId)] : []),
  ]);
  for (const l of await listLinks(ns)) {
    if ((l.ifname.startsWith('nbi-') || l.ifname.startsWith('nbg-')) && !wanted.has(l.ifname)) await deleteLink(ns, l.ifname);
  }
}

async function addressesOf(ns: string, dev: string): Promise<Set<string>> {
  const info = await ipJson<{ ifname: string; addr_info: Array<{ local: string }> }>(ns, ['addr', 'show', 'dev', dev]).catch(() => []);
  return new Set(info.flatMap((i) => i.addr_info.map((a) => a.local)));
}

/** As for DHCP: only routers this agent made (its state dirs) are removed. */
async function removeStale(keep: Set<string>, ctx: L3Context): Promise<void> {
  const dirs = await readdir(join(ctx.opts.stateDir, 'router')).catch(() => [] as string[]);
  const stale = new Map<string, string | undefined>();
  for (const id of dirs) if (!keep.has(id)) stale.set(routerNamespace(id), id);
  for (const [ns, id] of stale) {
    try {
      if (id !== undefined) await stopMetadataProxy(routerDir(ctx, id), id);
      if (id === undefined) await stopNamespaceDaemons(ns);
      if ((await listNamespaces(ns)).includes(ns)) await deleteNamespace(ns);
      if (id !== undefined) await rm(routerDir(ctx, id), { recursive: true, force: true });
      ctx.log.info({ namespace: ns }, 'removed router');
    } catch (err) {
      ctx.log.warn({ namespace: ns, err: (err as Error).message }, 'could not remove router');
    }
  }
}
