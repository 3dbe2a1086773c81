// Nova's FilterScheduler: host states → filters → weighers → a random pick among the best few →
// an atomic claim on the chosen node; a lost claim moves on to the next best host.
import type { ComputeDeps } from '../common.js';
import { claim, promoteMigration, release } from './claims.js';
import { FILTERS, FORCED_HOST_FILTERS } from './filters/filters.js';
import { flavorResources, type Filter, type HostState, type RequestFacts, type Resources } from './host-state.js';
import { HostStates } from './host-states.js';
import { NoValidHost, type Placement, type RequestSpec, type Scheduler } from './request-spec.js';
import { loadRequestFacts } from './request-facts.js';
import { weighHosts } from './weighers/weigh.js';

const NOT_ENOUGH_HOSTS = 'There are not enough hosts available.';

/** `az:host`, `az:host:node`, `az::node` or a bare `host`, as the API passes `forcedHost` on. */
export function parseForcedHost(forced: string): { host: string | null; node: string | null } {
  const parts = forced.split(':');
  if (parts.length === 1) return { host: parts[0] || null, node: null };
  return { host: parts[1] || null, node: parts[2] || null };
}

/** The hosts that pass every filter (or, when forced, the forced host if it has room). */
export function filterHosts(hosts: readonly HostState[], spec: RequestSpec, facts: RequestFacts): HostState[] {
  let chain: readonly Filter[] = FILTERS;
  let pool = hosts;
  if (spec.forcedHost) {
    const { host, node } = parseForcedHost(spec.forcedHost);
    pool = hosts.filter((h) => (host === null || h.host === host) && (node === null || h.hypervisorHostname === node || h.nodeId === node));
    chain = FORCED_HOST_FILTERS;
  }
  const active = chain.filter((f) => !f.applies || f.applies(spec, facts));
  const passed: HostState[] = [];
  next: for (const h of pool) {
    for (const f of active) if (!f.passes(h, spec, facts)) continue next;
    passed.push(h);
  }
  return passed;
}

/** Index of a random one of the `k` best weights among the indexes not yet `tried`. */
function pickAmongBest(weights: Float64Array, tried: Uint8Array, k: number): number {
  const best: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    if (tried[i]) continue;
    if (best.length < k) { best.push(i); best.sort((a, b) => weights[b]! - weights[a]!); continue; }
    if (weights[i]! > weights[best[k - 1]!]!) { best[k - 1] = i; best.sort((a, b) => weights[b]! - weights[a]!); }
  }
  return best.length === 0 ? -1 : best[Math.floor(Math.random() * best.length)]!;
}

export function createScheduler(deps: ComputeDeps): Scheduler {
  const config = deps.config.compute;
  const states = new HostStates(deps.db, config);
  const failedBuilds = new Map<string, number>();

  /** Claims in the database, then tells the in-memory usage what this scheduler now holds. */
  async function claimAndRecord(instanceUuid: string, kind: 'instance' | 'migration', nodeId: string, want: Resources): Promise<boolean> {
    const result = await claim(deps.db, config, instanceUuid, kind, nodeId, want);
    if (result.ok) states.usage.claimed(result.held, result.replaced);
    return result.ok;
  }

  // Decisions in this process run one at a time, each seeing the claims of the one before: builds
  // of a multi-create (or a group's first members) would otherwise all pick the same best host.
  let decisions: Promise<unknown> = Promise.resolve();

  return {
    selectAndClaim(spec: RequestSpec): Promise<Placement> {
      const next = decisions.then(() => decide(spec), () => decide(spec));
      decisions = next.catch(() => undefined);
      return next;
    },

    claimOnNode: (instanceUuid, kind, nodeId, flavor) => claimAndRecord(instanceUuid, kind, nodeId, flavorResources(flavor)),
    async release(instanceUuid, kind) { states.usage.released(await release(deps.db, instanceUuid, kind)); },
    async promoteMigration(instanceUuid) {
      await promoteMigration(deps.db, instanceUuid);
      states.usage.invalidate();
    },

    recordBuildFailure(host: string) { failedBuilds.set(host, (failedBuilds.get(host) ?? 0) + 1); },
    recordBuildSuccess(host: string) { failedBuilds.delete(host); },
  };

  async function decide(spec: RequestSpec): Promise<Placement> {
    const facts = await loadRequestFacts(deps.db, config, spec);
    facts.anyBuildFailures = failedBuilds.size > 0;
    const hosts = await states.load({ instanceCounts: config.maxInstancesPerHost >= 0, failedBuilds });
    // Synchronous from here to the first claim: the host objects are shared with other decisions.
    const candidates = filterHosts(hosts, spec, facts);
    if (candidates.length === 0) throw new NoValidHost(NOT_ENOUGH_HOSTS);
    const weights = weighHosts(candidates, spec, facts, config);
    const tried = new Uint8Array(candidates.length);
    const k = Math.max(1, config.schedulerHostSubsetSize);
    for (;;) {
      const i = pickAmongBest(weights, tried, k);
      if (i < 0) break;
      // host and nodeId never change on a host object (a rebuild makes new ones), so they are safe past the await.
      const { host, nodeId } = candidates[i]!;
      if (await claimAndRecord(spec.instanceUuid, 'instance', nodeId, facts.want)) return { host, nodeId };
      // Another decision filled the node since the host states were read: try the next best.
      tried[i] = 1;
    }
    throw new NoValidHost(NOT_ENOUGH_HOSTS);
  }
}
