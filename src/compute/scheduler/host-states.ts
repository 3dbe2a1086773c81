// Host states from the database, fast enough for one decision among 10,000 hosts in a few ms.
// What rarely changes (nodes, which hosts run nova-compute, aggregate membership) is cached and
// rebuilt when a cheap fingerprint moves (row counts and highest ids, answered from indexes), when
// aggregates or their metadata change (read whole on every decision: they are few), and every
// 30 s regardless (edits that keep the counts: a node resized in place, a host moved between two
// aggregates at once). Service health and instance counts are read on every decision with queries
// that return one row per unhealthy service or busy host, not per host; usage is node-usage.ts's.
// None of this can over-fill a node: the claim re-reads the node, its ratios and its usage.
import { sql } from 'kysely';
import type { ComputeConfig } from '../../platform/config.compute.js';
import type { ComputeDb } from '../compute.tables.js';
import { json } from '../common.js';
import { DEFAULT_AZ, type HostState } from './host-state.js';
import { NodeUsage } from './node-usage.js';

const RATIO_KEYS = { cpu: 'cpu_allocation_ratio', ram: 'ram_allocation_ratio', disk: 'disk_allocation_ratio' } as const;

export interface AggregateView { availabilityZone: string | null; metadata: Record<string, string> }

/** Zone, metadata and ratio overrides a host gets from its aggregates (lowest ratio wins). */
export function fromAggregates(aggs: readonly AggregateView[], config: ComputeConfig):
  Pick<HostState, 'availabilityZone' | 'aggregateMetadata' | 'ratios'> {
  let availabilityZone: string | null = null;
  const aggregateMetadata: Record<string, string[]> = {};
  const ratios = { cpu: config.cpuAllocationRatio, ram: config.ramAllocationRatio, disk: config.diskAllocationRatio };
  const overridden = { cpu: Infinity, ram: Infinity, disk: Infinity };
  for (const a of aggs) {
    if (a.availabilityZone && availabilityZone === null) availabilityZone = a.availabilityZone;
    for (const [k, v] of Object.entries(a.metadata)) {
      const values = (aggregateMetadata[k] ??= []);
      if (!values.includes(v)) values.push(v);
      for (const r of ['cpu', 'ram', 'disk'] as const) {
        const n = Number(v);
        if (k === RATIO_KEYS[r] && v.trim() !== '' && Number.isFinite(n) && n >= 0) overridden[r] = Math.min(overridden[r], n);
      }
    }
  }
  for (const r of ['cpu', 'ram', 'disk'] as const) if (overridden[r] !== Infinity) ratios[r] = overridden[r];
  return { availabilityZone: availabilityZone ?? DEFAULT_AZ, aggregateMetadata, ratios };
}

/** Every aggregate the host is in, read inside a claim's transaction. */
export async function aggregatesOfHost(db: ComputeDb, host: string): Promise<AggregateView[]> {
  const rows = await db.selectFrom('compute_aggregate_host as ah')
    .innerJoin('compute_aggregate as a', 'a.id', 'ah.aggregate_id')
    .leftJoin('compute_aggregate_metadata as m', 'm.aggregate_id', 'a.id')
    .select(['a.id', 'a.availability_zone', 'm.key', 'm.value'])
    .where('ah.host', '=', host).orderBy('a.id').execute();
  return [...groupAggregates(rows).values()];
}

type AggRow = { id: number; availability_zone: string | null; key: string | null; value: string | null };
function groupAggregates(rows: readonly AggRow[]): Map<number, AggregateView> {
  const byId = new Map<number, AggregateView>();
  for (const r of rows) {
    let a = byId.get(Number(r.id));
    if (!a) byId.set(Number(r.id), a = { availabilityZone: r.availability_zone, metadata: {} });
    if (r.key !== null && r.value !== null) a.metadata[r.key] = r.value;
  }
  return byId;
}

/**
 * How often the cached hosts are read again though their fingerprint did not move (a node's sizes
 * edited in place), and how old the usage figures may grow before they are read again regardless.
 */
const REBUILD_MS = 30_000;
const USAGE_MAX_AGE_MS = 5_000;

export class HostStates {
  private fingerprint = '';
  private builtAt = 0;
  private hosts: HostState[] = [];
  private byNode = new Map<string, HostState>();
  private byHost = new Map<string, HostState>();
  private serviceHosts = new Set<string>();
  /** Hosts whose health, counts or failures the last load set away from the defaults. */
  private touched: HostState[] = [];
  /** Hosts whose `used` was copied from a non-zero figure, and the usage generation copied. */
  private usedHosts: HostState[] = [];
  private usageCopied = -1;
  readonly usage: NodeUsage;

  constructor(private readonly db: ComputeDb, private readonly config: ComputeConfig, private readonly rebuildMs = REBUILD_MS) {
    this.usage = new NodeUsage(db, Math.min(rebuildMs, USAGE_MAX_AGE_MS));
  }

  /**
   * Current host states. The objects are reused between calls and updated in one synchronous step
   * after every query has answered, so a caller may use them until its next await.
   */
  async load(opts: { instanceCounts: boolean; failedBuilds: ReadonlyMap<string, number> }): Promise<HostState[]> {
    const cutoff = new Date(Date.now() - this.config.serviceDownSeconds * 1000).toISOString();
    const [fp, aggRows, unhealthy, counts] = await Promise.all([
      this.readFingerprint(),
      this.db.selectFrom('compute_aggregate as a').leftJoin('compute_aggregate_metadata as m', 'm.aggregate_id', 'a.id')
        .select(['a.id', 'a.availability_zone', 'm.key', 'm.value']).orderBy('a.id').orderBy('m.key').execute(),
      this.unhealthyServices(cutoff),
      opts.instanceCounts
        ? this.db.selectFrom('compute_instance').select((eb) => ['host', eb.fn.countAll<number>().as('n')])
          .where('deleted', '=', 0).where('host', 'is not', null).groupBy('host').execute()
        : Promise.resolve([]),
    ]);
    await this.usage.refresh(fp.allocations);
    const aggregates = groupAggregates(aggRows);
    const key = `${fp.hosts}|${JSON.stringify([...aggregates])}`;
    if (key !== this.fingerprint || Date.now() - this.builtAt > this.rebuildMs) {
      await this.rebuild(aggregates);
      this.fingerprint = key;
    }
    // From here on, synchronous: no other decision sees the objects half-updated. Only the hosts
    // the last load changed are reset, so this costs what is in use or unhealthy, not every host.
    this.copyUsage();
    for (const h of this.touched) this.resetDynamic(h);
    const touched: HostState[] = [];
    const touch = (h: HostState) => { touched.push(h); return h; };
    for (const s of unhealthy) {
      const h = s.binary === 'nova-compute' ? this.byHost.get(s.host) : undefined;
      if (!h) continue;
      if (s.disabled !== 0) touch(h).enabled = false;
      if (s.forced_down !== 0 || s.last_seen_up === null || s.last_seen_up < cutoff) touch(h).up = false;
    }
    for (const c of counts) {
      const h = c.host === null ? undefined : this.byHost.get(c.host);
      if (h) touch(h).instances = Number(c.n);
    }
    for (const [host, n] of opts.failedBuilds) {
      const h = this.byHost.get(host);
      if (h) touch(h).failedBuilds = n;
    }
    this.touched = touched;
    return this.hosts;
  }

  /** Copies the usage figures onto the host objects when they changed since the last copy. */
  private copyUsage(): void {
    if (this.usageCopied === this.usage.generation) return;
    for (const h of this.usedHosts) h.used.vcpus = h.used.memoryMb = h.used.diskGb = 0;
    const used: HostState[] = [];
    for (const [nodeId, u] of this.usage.entries()) {
      const h = this.byNode.get(nodeId);
      if (!h) continue;
      h.used.vcpus = u.vcpus; h.used.memoryMb = u.memoryMb; h.used.diskGb = u.diskGb;
      used.push(h);
    }
    this.usedHosts = used;
    this.usageCopied = this.usage.generation;
  }

  /**
   * Services disabled, forced down or silent since `cutoff`: four index lookups (one UNION ALL;
   * SQLite plans a plain OR or UNION of them as a scan of every service).
   */
  private unhealthyServices(cutoff: string) {
    const base = () => this.db.selectFrom('compute_service').select(['host', 'binary', 'disabled', 'forced_down', 'last_seen_up']);
    return base().where('disabled', '>', 0)
      .unionAll(base().where('forced_down', '>', 0))
      .unionAll(base().where('last_seen_up', 'is', null))
      .unionAll(base().where('last_seen_up', '<', cutoff))
      .execute();
  }

  /**
   * Whether hosts came or went, and how many allocations exist: counts and highest ids, each
   * answered from an index without reading rows. Edits to a node's sizes are picked up by the
   * periodic rebuild (and never matter for safety: a claim re-reads the node).
   */
  private async readFingerprint(): Promise<{ hosts: string; allocations: number }> {
    const r = await sql<Record<string, unknown>>`SELECT
        (SELECT count(*) FROM compute_node) AS nodes,
        (SELECT max(id) FROM compute_node) AS last_node,
        (SELECT count(*) FROM compute_service) AS services,
        (SELECT max(id) FROM compute_service) AS last_service,
        (SELECT count(*) FROM compute_aggregate_host) AS agg_hosts,
        (SELECT count(*) FROM compute_allocation) AS allocations`.execute(this.db);
    const { allocations, ...hosts } = r.rows[0] ?? {};
    return { hosts: JSON.stringify(Object.values(hosts).map((v) => (v === null ? null : String(v)))), allocations: Number(allocations) };
  }

  private resetDynamic(h: HostState): void {
    h.up = h.enabled = this.serviceHosts.has(h.host);
    h.instances = 0;
    h.failedBuilds = 0;
  }

  private async rebuild(aggregates: Map<number, AggregateView>): Promise<void> {
    const [nodes, services, members] = await Promise.all([
      this.db.selectFrom('compute_node').select(['id', 'host', 'hypervisor_hostname', 'hypervisor_type', 'hypervisor_version', 'vcpus',
        'memory_mb', 'local_gb', 'reserved_vcpus', 'reserved_memory_mb', 'reserved_disk_gb', 'capabilities']).orderBy('host').execute(),
      this.db.selectFrom('compute_service').select('host').where('binary', '=', 'nova-compute').execute(),
      this.db.selectFrom('compute_aggregate_host').select(['aggregate_id', 'host']).orderBy('aggregate_id').execute(),
    ]);
    const aggsOfHost = new Map<string, AggregateView[]>();
    for (const m of members) {
      const a = aggregates.get(Number(m.aggregate_id));
      if (a) { let l = aggsOfHost.get(m.host); if (!l) aggsOfHost.set(m.host, l = []); l.push(a); }
    }
    this.serviceHosts = new Set(services.map((s) => s.host));
    this.hosts = nodes.map((n) => ({
      host: n.host, nodeId: n.id, hypervisorHostname: n.hypervisor_hostname, hypervisorType: n.hypervisor_type,
      hypervisorVersion: Number(n.hypervisor_version), capabilities: json<Record<string, string>>(n.capabilities, {}),
      up: false, enabled: false,
      ...fromAggregates(aggsOfHost.get(n.host) ?? [], this.config),
      total: { vcpus: n.vcpus, memoryMb: n.memory_mb, diskGb: n.local_gb },
      reserved: { vcpus: n.reserved_vcpus, memoryMb: n.reserved_memory_mb, diskGb: n.reserved_disk_gb },
      used: { vcpus: 0, memoryMb: 0, diskGb: 0 }, instances: 0, failedBuilds: 0,
    }));
    for (const h of this.hosts) this.resetDynamic(h);
    this.touched = [];
    this.usedHosts = [];
    this.usageCopied = -1;
    this.byNode = new Map(this.hosts.map((h) => [h.nodeId, h]));
    this.byHost = new Map(this.hosts.map((h) => [h.host, h]));
    this.builtAt = Date.now();
  }
}
