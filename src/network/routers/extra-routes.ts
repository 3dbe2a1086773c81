// extraroute: a static route's nexthop must lie in a subnet the router has a leg on (interface or
// gateway) and must not be one of the router's own addresses; at most MAX_ROUTES routes.
import { cidrContains } from '../ipam/ip.js';
import type { Route } from './router-body.js';
import { l3Errors, MAX_ROUTES } from './router-errors.js';
import { routerPorts, subnetsById, type Db } from './router-reads.js';

export async function checkRoutes(db: Db, routerId: string, routes: readonly Route[]): Promise<void> {
  if (routes.length > MAX_ROUTES) throw l3Errors.routesExhausted(routerId, MAX_ROUTES);
  if (routes.length === 0) return;
  const legs = await routerPorts(db, [routerId]);
  const ips = legs.flatMap((l) => l.ips);
  const subnets = await subnetsById(db, ips.map((a) => a.subnet_id));
  const cidrs = [...subnets.values()].map((s) => s.cidr);
  for (const route of routes) {
    if (!cidrs.some((c) => cidrContains(c, route.nexthop))) throw l3Errors.invalidRoutes(routes, 'the nexthop is not connected with router');
    if (ips.some((a) => a.ip_address === route.nexthop)) throw l3Errors.invalidRoutes(routes, 'the nexthop is used by router');
  }
}

/** Routes whose nexthop lies in `cidr`: they keep the router's leg on that subnet in use. */
export const routesThrough = (routes: readonly Route[], cidr: string): Route[] => routes.filter((r) => cidrContains(cidr, r.nexthop));
