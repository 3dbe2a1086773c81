// Host states from the database, fast enough for one decision among 10,000 hosts in a few ms.
// What rarely changes (nodes, which hosts run nova-compute, aggregate membership and metadata) is
// cached and rebuilt only when a cheap fingerprint of those tables moves; what changes on every
// decision (usage, instance counts, service health) is read fresh each time with aggregated
// queries that return one row per node in use or per unhealthy service, not per host.
import { sql } from 'kysely';
import type { ComputeConfig } from '../../platform/config.compute.js';
import type { ComputeDb } from '../compute.tables.js';
import { json } from '../common.js';
import { DEFAULT_AZ, type HostState } from './host-state.js';

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
    .where('ah.host', '=', host).execute();
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

/** How often the cached part is rebuilt even when its fingerprint did not move (capacity edits). */
const REBUILD_MS = 5_000;

export class HostStates {
  private fingerprint = '';
  private builtAt = 0;
  private hosts: HostState[] = [];
  private byNode = new Map<string, HostState>();
  private byHost = new Map<string, HostState>();
  private serviceHosts = new Set<string>();
  /** Hosts whose usage, health, counts or failures the last load set away from the defaults. */
  private touched: HostState[] = [];

  constructor(private readonly db: ComputeDb, private readonly config: ComputeConfig, private readonly rebuildMs = REBUILD_MS) {}

  /**
   * Current host states. The objects are reused between calls and updated in one synchronous step
   * after every query has answered, so a caller may use them until its next await.
   */
  async load(opts: { instanceCounts: boolean; failedBuilds: ReadonlyMap<string, number> }): Promise<HostState[]> {
    const cutoff = new Date(Date.now() - this.config.serviceDownSeconds * 1000).toISOString();
    const [fp, aggRows, unhealthy, usage, counts] = await Promise.all([
      this.readFingerprint(),
      this.db.selectFrom('compute_aggregate as a').leftJoin('compute_aggregate_metadata as m', 'm.aggregate_id', 'a.id')
        .select(['a.id', 'a.availability_zone', 'm.key', 'm.value']).orderBy('a.id').orderBy('m.key').execute(),
      this.unhealthyServices(cutoff),
      this.db.selectFrom('compute_allocation').select((eb) => ['node_id', eb.fn.sum<number>('vcpus').as('vcpus'),
        eb.fn.sum<number>('memory_mb').as('memory_mb'), eb.fn.sum<number>('disk_gb').as('disk_gb')]).groupBy('node_id').execute(),
      opts.instanceCounts
        ? this.db.selectFrom('compute_instance').select((eb) => ['host', eb.fn.countAll<number>().as('n')])
          .where('deleted', '=', 0).where('host', 'is not', null).groupBy('host').execute()
        : Promise.resolve([]),
    ]);
    const aggregates = groupAggregates(aggRows);
    const key = `${fp}|${JSON.stringify([...aggregates])}`;
    if (key !== this.fingerprint || Date.now() - this.builtAt > this.rebuildMs) {
      await this.rebuild(aggregates);
      this.fingerprint = key;
    }
    // From here on, synchronous: no other decision sees the objects half-updated. Only the hosts
    // the last load changed are reset, so this costs what is in use or unhealthy, not every host.
    for (const h of this.touched) this.resetDynamic(h);
    const touched: HostState[] = [];
    const touch = (h: HostState) => { touched.push(h); return h; };
    for (const s of unhealthy) {
      const h = s.binary === 'nova-compute' ? this.byHost.get(s.host) : undefined;
      if (!h) continue;
      if (s.disabled !== 0) touch(h).enabled = false;
      if (s.forced_down !== 0 || s.last_seen_up === null || s.last_seen_up < cutoff) touch(h).up = false;
    }
    for (const u of usage) {
      const h = this.byNode.get(u.node_id);
      if (h) { touch(h); h.used.vcpus = Number(u.vcpus); h.used.memoryMb = Number(u.memory_mb); h.used.diskGb = Number(u.disk_gb); }
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
   * Whether hosts came or went: counts and highest ids, each answered from an index without
   * reading rows. Edits to a node's sizes are picked up by the periodic rebuild (and never
   * matter for safety: a claim re-reads the node).
   */
  private async readFingerprint(): Promise<string> {
    const r = await sql<Record<string, unknown>>`SELECT
        (SELECT count(*) FROM compute_node) AS nodes,
        (SELECT max(id) FROM compute_node) AS last_node,
        (SELECT count(*) FROM compute_service) AS services,
        (SELECT max(id) FROM compute_service) AS last_service,
        (SELECT count(*) FROM compute_aggregate_host) AS agg_hosts`.execute(this.db);
    return JSON.stringify(Object.values(r.rows[0] ?? {}).map((v) => (v === null ? null : String(v))));
  }

  private resetDynamic(h: HostState): void {
    h.up = h.enabled = this.serviceHosts.has(h.host);
    h.used.vcpus = h.used.memoryMb = h.used.diskGb = 0;
    h.instances = 0;
    h.failedBuilds = 0;
  }

  private async rebuild(aggregates: Map<number, AggregateView>): Promise<void> {
    const [nodes, services, members] = await Promise.all([
      this.db.selectFrom('compute_node').select(['id', 'host', 'hypervisor_hostname', 'hypervisor_type', 'hypervisor_version', 'vcpus',
        'memory_mb', 'local_gb', 'reserved_vcpus', 'reserved_memory_mb', 'reserved_disk_gb', 'capabilities']).orderBy('host').execute(),
      this.db.selectFrom('compute_service').select('host').where('binary', '=', 'nova-compute').execute(),
      this.db.selectFrom('compute_aggregate_host').select(['aggregate_id', 'host']).execute(),
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
    this.byNode = new Map(this.hosts.map((h) => [h.nodeId, h]));
    this.byHost = new Map(this.hosts.map((h) => [h.host, h]));
    this.builtAt = Date.now();
  }
}
