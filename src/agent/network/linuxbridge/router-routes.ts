// A router's routes: the default route via the external gateway and the static routes (extraroute).
// They are added with `proto static`, which tells them from the kernel's connected routes, so routes
// that left the state are found and removed.
import { routerGatewayName, type RouterState } from '../host-state.js';
import type { L3Context } from './l3-context.js';
import { ip, ipJson } from './namespaces.js';

interface RouteInfo { dst: string; gateway?: string }

/** dst (as `ip` prints it: "default" or a CIDR) → nexthop, for each family. */
export function wantedRoutes(router: RouterState): Map<string, { nexthop: string; dev?: string }> {
  const want = new Map<string, { nexthop: string; dev?: string }>();
  const gw = router.gateway;
  if (gw?.gatewayIp) {
    const v6 = gw.gatewayIp.includes(':');
    want.set(v6 ? 'default6' : 'default', { nexthop: gw.gatewayIp, dev: routerGatewayName(gw.portId) });
  }
  for (const r of router.routes) {
    const [addr, len] = r.destination.split('/');
    // `ip` prints a host route without its /32 (or /128).
    const dst = (len === '32' && !addr!.includes(':')) || len === '128' ? addr! : r.destination.toLowerCase();
    if (dst === '0.0.0.0/0') want.set('default', { nexthop: r.nexthop });
    else if (dst === '::/0') want.set('default6', { nexthop: r.nexthop });
    else want.set(dst, { nexthop: r.nexthop });
  }
  return want;
}

export async function syncRoutes(ns: string, router: RouterState, log: L3Context['log']): Promise<void> {
  const want = wantedRoutes(router);
  const have = new Map<string, string | undefined>();
  for (const family of ['-4', '-6']) {
    for (const r of await ipJson<RouteInfo>(ns, [family, 'route', 'show', 'proto', 'static'])) {
      have.set(family === '-6' && r.dst === 'default' ? 'default6' : r.dst, r.gateway);
    }
  }
  for (const [dst] of have) {
    if (!want.has(dst)) await ip(ns, [dst === 'default6' ? '-6' : '-4', 'route', 'del', dst === 'default6' ? 'default' : dst, 'proto', 'static']);
  }
  const errors: string[] = [];
  for (const [dst, r] of want) {
    if (have.get(dst) === r.nexthop) continue;
    const family = dst === 'default6' || r.nexthop.includes(':') ? '-6' : '-4';
    const target = dst === 'default6' ? 'default' : dst;
    try {
      await ip(ns, [family, 'route', 'replace', target, 'via', r.nexthop, ...(r.dev ? ['dev', r.dev] : []), 'proto', 'static']);
    } catch (err) {
      // A nexthop not on any leg (or a leg down) fails: the other routes still go in.
      errors.push((err as Error).message);
    }
  }
  if (errors.length) {
    log.warn({ namespace: ns, errors }, 'some router routes could not be set');
    if (router.adminStateUp) throw new Error(errors.join('; '));
  }
}
