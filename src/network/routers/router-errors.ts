// Neutron's L3 errors (neutron_lib.exceptions.l3 / extraroute) with their types and wording, and the
// device owners of the ports routers and floating IPs hold.
import { conflict, neutronError } from '../common.js';

export const ROUTER_INTERFACE = 'network:router_interface';
export const ROUTER_GATEWAY = 'network:router_gateway';
export const FLOATING_IP_OWNER = 'network:floatingip';

export const l3Errors = {
  routerInUse: (routerId: string) => conflict('RouterInUse', `Router ${routerId} still has ports`),
  interfaceNotFound: (routerId: string, portId: string) =>
    neutronError(404, 'RouterInterfaceNotFound', `Router ${routerId} does not have an interface with id ${portId}`),
  interfaceNotFoundForSubnet: (routerId: string, subnetId: string) =>
    neutronError(404, 'RouterInterfaceNotFoundForSubnet', `Router ${routerId} has no interface on subnet ${subnetId}`),
  interfaceInUseByFloatingIp: (routerId: string, subnetId: string) => conflict('RouterInterfaceInUseByFloatingIP',
    `Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more floating IPs.`),
  interfaceInUseByRoute: (routerId: string, subnetId: string) => conflict('RouterInterfaceInUseByRoute',
    `Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more routes.`),
  gatewayInUseByFloatingIp: (routerId: string, netId: string) => conflict('RouterExternalGatewayInUseByFloatingIp',
    `Gateway cannot be updated for router ${routerId}, since a gateway to external network ${netId} is required by one or more floating IPs.`),
  invalidRoutes: (routes: unknown, reason: string) =>
    neutronError(400, 'InvalidRoutes', `Invalid format for routes: ${JSON.stringify(routes)}, ${reason}`),
  routesExhausted: (routerId: string, quota: number) => neutronError(400, 'RoutesExhausted',
    `Unable to complete operation for ${routerId}. The number of routes exceeds the maximum ${quota}.`),
  portInUse: (netId: string, portId: string, deviceId: string) => conflict('PortInUse',
    `Unable to complete operation on port ${portId} for network ${netId}. Port already has an attached device ${deviceId}.`),
  subnetMismatchForPort: (portId: string, subnetId: string) => neutronError(400, 'SubnetMismatchForPort',
    `Subnet on port ${portId} does not match the requested subnet ${subnetId}.`),
  gatewayForFipNotFound: (netId: string, subnetId: string, portId: string) => neutronError(404, 'ExternalGatewayForFloatingIPNotFound',
    `External network ${netId} is not reachable from subnet ${subnetId}.  Therefore, cannot associate Port ${portId} with a Floating IP.`),
  fipPortAlreadyAssociated: (a: { fipAddress: string; fipId: string; portId: string; fixedIp: string; netId: string }) =>
    conflict('FloatingIPPortAlreadyAssociated', `Cannot associate floating IP ${a.fipAddress} (${a.fipId}) with port ${a.portId} ` +
      `using fixed IP ${a.fixedIp}, as that fixed IP already has a floating IP on external network ${a.netId}.`),
};

/** Neutron's default max_routes. */
export const MAX_ROUTES = 30;
