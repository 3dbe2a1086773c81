// DHCP servers: per network a namespace (nbns-d…) joined to the network's bridge by a veth whose
// inner end carries the network:dhcp port's MAC and addresses, a dnsmasq daemon, and, when no router
// serves the network, the metadata proxy on 169.254.169.254. Servers not in the list are removed.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dhcpDeviceName, dhcpNamespace, type DhcpServer, METADATA_IP, type PortOutcome, vethHostName } from '../host-state.js';
import { dhcpPaths } from './dhcp-config.js';
import { ensureDnsmasq, stopDnsmasq } from './dhcp-dnsmasq.js';
import type { L3Context } from './l3-context.js';
import { ensureMetadataProxy, stopMetadataProxy } from './metadata-proxies.js';
import { deleteLink, deleteNamespace, ensureNamespace, ensureVethLeg, listLinks, listNamespaces, stopNamespaceDaemons } from './namespaces.js';


export async function applyDhcp(servers: DhcpServer[], ctx: L3Context): Promise<PortOutcome[]> {
  const outcomes: PortOutcome[] = [];
  for (const server of servers) {
    try {
      await applyOne(server, ctx);
      outcomes.push({ id: server.portId, status: 'ACTIVE' });
    } catch (err) {
      const reason = (err as Error).message;
      ctx.log.warn({ networkId: server.networkId, portId: server.portId, err: reason }, 'DHCP server failed');
      outcomes.push({ id: server.portId, status: 'ERROR', reason });
    }
  }
  await removeStale(new Set(servers.map((s) => s.networkId)), ctx);
  return outcomes;
}

/** Removes every DHCP namespace, dnsmasq and file this agent made. */
export async function teardownDhcp(ctx: L3Context): Promise<void> {
  await removeStale(new Set(), ctx);
}

async function applyOne(server: DhcpServer, ctx: L3Context): Promise<void> {
  const ns = dhcpNamespace(server.networkId);
  if (server.namespace !== ns) throw new Error(`DHCP namespace ${server.namespace} is not ${ns}`);
  const network = ctx.networks.get(server.networkId);
  const mtu = server.mtu || network?.mtu || 1500;
  const dev = dhcpDeviceName(server.portId);
  const paths = dhcpPaths(ctx.opts.stateDir, server.networkId);
  // The state dir first: it is how a later apply finds this server again to remove it.
  await mkdir(paths.dir, { recursive: true, mode: 0o755 });
  await ensureNamespace(ns);
  // A port replaced by another (new id) leaves its old device behind: remove it first.
  for (const l of await listLinks(ns)) {
    if (l.ifname.startsWith('nbd-') && l.ifname !== dev) await deleteLink(ns, l.ifname);
  }
  await ensureVethLeg({
    hostNs: ctx.netns, hostDev: vethHostName(server.portId), bridge: ctx.bridgeOf(server.networkId),
    ns, nsDev: dev, mac: server.mac, mtu, up: true,
    addresses: server.metadata ? [...server.addresses, `${METADATA_IP}/32`] : server.addresses,
  });
  const { pid, change } = await ensureDnsmasq({ ...server, mtu }, paths);
  if (change !== 'unchanged') ctx.log.info({ networkId: server.networkId, pid, change }, 'dnsmasq converged');
  if (server.metadata) {
    await ensureMetadataProxy({ namespace: ns, kind: 'network', id: server.networkId, dir: paths.dir, socket: ctx.opts.metadataSocket });
  } else {
    await stopMetadataProxy(paths.dir, server.networkId);
  }
}

/**
 * Servers this agent made are known by their state dirs: only those are ever removed, so another
 * cloud's or a test's namespaces on the same machine are never touched.
 */
async function removeStale(keep: Set<string>, ctx: L3Context): Promise<void> {
  const root = join(ctx.opts.stateDir, 'dhcp');
  const dirs = await readdir(root).catch(() => [] as string[]);
  const stale = new Map<string, string | undefined>(); // namespace → network id (when known)
  for (const networkId of dirs) if (!keep.has(networkId)) stale.set(dhcpNamespace(networkId), networkId);
  for (const [ns, networkId] of stale) {
    try {
      if (networkId !== undefined) {
        const paths = dhcpPaths(ctx.opts.stateDir, networkId);
        await stopMetadataProxy(paths.dir, networkId);
        await stopDnsmasq(paths);
      }
      // Deleting the namespace takes the veth pair (and so the host end) with it.
      if (networkId === undefined) await stopNamespaceDaemons(ns);
      if ((await listNamespaces(ns)).includes(ns)) await deleteNamespace(ns);
      if (networkId !== undefined) await rm(dhcpPaths(ctx.opts.stateDir, networkId).dir, { recursive: true, force: true });
      ctx.log.info({ namespace: ns }, 'removed DHCP server');
    } catch (err) {
      ctx.log.warn({ namespace: ns, err: (err as Error).message }, 'could not remove DHCP server');
    }
  }
}
