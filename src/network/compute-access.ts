// The network service as compute sees it (src/compute/network-access.ts), over the network tables
// and the port helpers. Errors thrown here are Nova's (the compute API shows them as they are).
import type { MetadataRequest } from '../agent/network/host-state.js';
import type { NetworkAccess } from '../compute/network-access.js';
import type { NetworkContext } from './context.js';
import { checkRequest } from './compute-access/request-checks.js';
import { allocatePorts, bindPorts, guestNetwork, interfaces, releasePorts, removeFixedIp, unbindPorts } from './compute-access/server-ports.js';
import { serverViews } from './compute-access/server-views.js';
import { instanceForMetadata } from './dataplane/metadata-lookup.js';

export function createComputeNetworkAccess(ctx: NetworkContext): NetworkAccess {
  return {
    checkRequest: (auth, networks, groups, count) => checkRequest(ctx, auth, networks, groups, count),
    allocatePorts: (owner, request, existing) => allocatePorts(ctx, owner, request, existing),
    bindPorts: (portIds, host) => bindPorts(ctx, portIds, host),
    unbindPorts: (portIds) => unbindPorts(ctx, portIds),
    releasePorts: (ports) => releasePorts(ctx, ports),
    guestNetwork: (portIds) => guestNetwork(ctx, portIds),
    serverViews: (servers) => serverViews(ctx, servers),
    removeFixedIp: (uuid, address) => removeFixedIp(ctx, uuid, address),
    interfaces: (uuid) => interfaces(ctx, uuid),
    instanceForMetadata: async (req: MetadataRequest) => (await instanceForMetadata(ctx, req))?.instanceUuid ?? null,
  };
}
