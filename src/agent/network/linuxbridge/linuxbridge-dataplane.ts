// The linuxbridge dataplane: converges a host (or a namespace standing in for one) to a
// HostNetworkState — bridges and VXLAN (l2-networks), VM taps (vm-ports), security groups (one nft
// transaction), then DHCP and routers (the L3 half), then removes nb devices the state no longer has.
import type { ApplyResult, DataplaneOptions, HostNetworkState, L2Network, NetworkDataplane, PortOutcome } from '../host-state.js';
import { bridgeName } from '../host-state.js';
import { applyDhcp, teardownDhcp } from './dhcp-servers.js';
import { detectConntrackMode } from './conntrack-mode.js';
import { hostExec, type HostExec } from './host-exec.js';
import type { L3Context } from './l3-context.js';
import { ensureMappedBridges, ensureNetwork } from './l2-networks.js';
import { ownerAlias, readLinks, type Link } from './link-inventory.js';
import { applyRouters, teardownRouters } from './router-namespaces.js';
import { applyNftScript, deleteNubisTables, nubisTablesPresent } from './security-group-table.js';
import { compileSecurityRules, type ConntrackMode } from './security-group-rules.js';
import { ensureVmPorts } from './vm-ports.js';
import { readVxlanFdb } from './vxlan-fdb.js';

type Log = L3Context['log'];

export interface LinuxBridgeExtras {
  /** Run everything in this namespace instead of the current one (tests). */
  netns?: string;
  log?: Log;
}

const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Log;

/** Devices of the L2 half, by name prefix, in the order they are removed: taps, VXLAN devices, bridges. */
const L2_PREFIXES = ['nbt-', 'nbx-', 'nbr-'];
const l2Devices = (links: Map<string, Link>): string[] =>
  L2_PREFIXES.flatMap((prefix) => [...links.keys()].filter((name) => name.startsWith(prefix)));

/** Conntrack zone of a network's bridge: stable across applies (derived from the id) and never 0. */
export const conntrackZone = (networkId: string): number => parseInt(networkId.replace(/-/g, '').slice(0, 4), 16) || 1;

export class LinuxBridgeDataplane implements NetworkDataplane {
  private readonly exec: HostExec;
  private readonly log: Log;
  private conntrack: Promise<ConntrackMode> | undefined;
  /** The nft script last applied by this instance. */
  private appliedScript: string | undefined;
  /** One apply or teardown at a time: each reads the host once and acts on that reading. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: DataplaneOptions, extras: LinuxBridgeExtras = {}) {
    this.exec = hostExec(extras.netns);
    this.log = extras.log ?? silent;
  }

  apply(state: HostNetworkState): Promise<ApplyResult> {
    return this.serial(() => this.converge(state));
  }

  teardown(): Promise<void> {
    return this.serial(() => this.removeAll());
  }

  /** How security groups see connection state on this kernel (decided once, at the first apply). */
  conntrackMode(): Promise<ConntrackMode> {
    this.conntrack ??= detectConntrackMode(this.exec, this.log);
    return this.conntrack;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async converge(state: HostNetworkState): Promise<ApplyResult> {
    // Mapped bridges with an address first (they exist with or without networks); then the inventory.
    const hasHostBridges = Object.values(this.opts.physicalNetworks).some((m) => 'bridge' in m && m.address);
    const mappedBridges = !hasHostBridges ? [] : await ensureMappedBridges(this.exec, this.opts, await readLinks(this.exec))
      .catch((e: Error) => { this.log.warn({ err: e.message }, 'mapped physical bridge not ready'); return [] as string[]; });
    const links = await readLinks(this.exec);
    const fdb = await readVxlanFdb(this.exec, state.networks);
    const networks = new Map(state.networks.map((n) => [n.id, n]));
    const bridges = new Map<string, string>();
    const networkErrors = new Map<string, string>();
    for (const network of state.networks) {
      const outcome = await ensureNetwork(this.exec, network, this.opts, links, fdb);
      bridges.set(network.id, outcome.bridge);
      if (outcome.error) {
        networkErrors.set(network.id, outcome.error);
        this.log.warn({ networkId: network.id, err: outcome.error }, 'network not wired');
      }
    }

    const ports = await ensureVmPorts(this.exec, state.ports,
      (p) => ({ bridge: bridges.get(p.networkId), error: networkErrors.get(p.networkId) }), links, ownerAlias(this.opts.stateDir));
    for (const o of ports) if (o.status === 'ERROR') this.log.warn({ portId: o.id, err: o.reason }, 'port not wired');

    await this.applySecurityGroups(state, bridges, networkErrors, ports);

    const ctx = this.l3Context(networks, bridges);
    ports.push(...(await this.guarded('DHCP', state.dhcp.map((d) => d.portId), () => applyDhcp(state.dhcp, ctx))));
    const legs = state.routers.flatMap((r) => [...r.interfaces, ...(r.gateway ? [r.gateway] : [])].map((l) => l.portId));
    ports.push(...(await this.guarded('routers', legs, () => applyRouters(state.routers, ctx))));

    // Devices made during this apply are all in the state: the first reading finds every leftover.
    await this.removeLeftovers(state, new Map([...bridges, ...mappedBridges.map((b) => [`physical:${b}`, b] as const)]), links);
    return { ports };
  }

  private async applySecurityGroups(
    state: HostNetworkState, bridges: Map<string, string>, networkErrors: Map<string, string>, ports: PortOutcome[],
  ): Promise<void> {
    const conntrack = await this.conntrackMode();
    // Tenant bridges get a conntrack zone each (tenants may reuse addresses); mapped bridges do not.
    const zoned = [...bridges].filter(([id]) => !networkErrors.has(id))
      .map(([id, name]) => ({ name, zone: name === bridgeName(id) ? conntrackZone(id) : null }));
    try {
      const script = compileSecurityRules(state, { conntrack, bridges: zoned });
      // Rebuilding 1000 chains takes the kernel seconds: skip it when nothing changed since our last
      // apply and the tables are still there (an agent restart always rebuilds once).
      if (script === this.appliedScript && (await nubisTablesPresent(this.exec, conntrack === 'br_netfilter'))) return;
      this.appliedScript = undefined;
      await applyNftScript(this.exec, script);
      this.appliedScript = script;
    } catch (e) {
      // The kernel rejected the whole transaction, so the previous rules still hold: filtered ports say so.
      const reason = `security groups not applied: ${(e as Error).message}`;
      this.log.error({ err: reason }, 'nft transaction failed');
      const filtered = new Set(state.ports.filter((p) => p.portSecurity).map((p) => p.id));
      for (const o of ports) if (filtered.has(o.id)) { o.status = 'ERROR'; o.reason = reason; }
    }
  }

  /** The L3 half reports per port; should it throw anyway, its ports say ERROR and the apply goes on. */
  private async guarded(what: string, portIds: string[], fn: () => Promise<PortOutcome[]>): Promise<PortOutcome[]> {
    try {
      return await fn();
    } catch (e) {
      const reason = `${what} failed: ${(e as Error).message}`;
      this.log.error({ err: reason }, 'L3 apply failed');
      return portIds.map((id) => ({ id, status: 'ERROR', reason }));
    }
  }

  private l3Context(networks: Map<string, L2Network>, bridges: Map<string, string>): L3Context {
    const ctx: L3Context = {
      opts: this.opts, networks, log: this.log,
      bridgeOf: (networkId) => {
        const bridge = bridges.get(networkId);
        if (!bridge) throw new Error(`network ${networkId} is not in the host state`);
        return bridge;
      },
    };
    if (this.exec.netns) ctx.netns = this.exec.netns;
    return ctx;
  }

  private async removeLeftovers(state: HostNetworkState, bridges: Map<string, string>, links: Map<string, Link>): Promise<void> {
    const keep = new Set<string>([...state.ports.map((p) => p.tap), ...bridges.values()]);
    for (const n of state.networks) if (n.type === 'vxlan' && n.vni !== null) keep.add(`nbx-${n.vni}`);
    const owner = ownerAlias(this.opts.stateDir);
    const stale = l2Devices(links).filter((name) => !keep.has(name) && links.get(name)!.alias === owner);
    if (!stale.length) return;
    await this.exec.ipBatch(stale.map((name) => ['link', 'delete', 'dev', name]), true).then(
      () => this.log.info({ devices: stale }, 'removed leftover devices'),
      (e: Error) => this.log.warn({ devices: stale, err: e.message }, 'could not remove every leftover device'),
    );
  }

  /** Every step runs even if an earlier one failed; the first failure is thrown at the end. */
  private async removeAll(): Promise<void> {
    const ctx = this.l3Context(new Map(), new Map());
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<void>): Promise<void> => { await step().catch((e: unknown) => { failures.push(e); }); };
    await attempt(() => teardownDhcp(ctx));
    await attempt(() => teardownRouters(ctx));
    const links = await readLinks(this.exec);
    // Ours only (see ownerAlias): taps and VXLAN devices, then bridges, a mapped one we created included.
    const owner = ownerAlias(this.opts.stateDir);
    const devices = [...l2Devices(links), ...[...links.values()].filter((l) => l.kind === 'bridge' && !l.name.startsWith('nbr-')).map((l) => l.name)]
      .filter((name) => links.get(name)!.alias === owner);
    await attempt(() => this.exec.ipBatch(devices.map((name) => ['link', 'delete', 'dev', name]), true));
    this.appliedScript = undefined;
    await attempt(() => deleteNubisTables(this.exec));
    if (failures.length) throw failures[0];
  }
}
