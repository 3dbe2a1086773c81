// Scheduler benchmark: placement decisions (filter + weigh + atomic claim) among 10,000 compute
// hosts in a SQLite database, as `nubis up` would hold them. Rows are inserted directly; the
// scheduler is the one the API uses. Prints a Markdown table and records it in docs/BENCHMARKS.md.
//   node dist/bench/scheduler/scheduler-bench.js   (NUBIS_BENCH_HOSTS, NUBIS_BENCH_PLACEMENTS to try smaller runs)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComputeDeps } from '../../src/compute/common.js';
import { computeMigrations } from '../../src/compute/compute.migrations.js';
import type { ComputeDb, InstanceFlavor } from '../../src/compute/compute.tables.js';
import type { RequestSpec } from '../../src/compute/scheduler/request-spec.js';
import { createScheduler } from '../../src/compute/scheduler/scheduler.js';
import { loadComputeConfig } from '../../src/platform/config.compute.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';
import { percentile } from '../load.js';
import { machine, machineLine, markdownTable, updateSection } from '../report.js';

const HOSTS = Number(process.env.NUBIS_BENCH_HOSTS ?? 10_000);
const PLACEMENTS = Number(process.env.NUBIS_BENCH_PLACEMENTS ?? 1_000);
const ZONES = 10;
const DOC = process.env.NUBIS_BENCH_DOC ?? fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
const GOAL_P50_MS = 5;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (s: string) => process.stderr.write(`${s}\n`);

const flavor: InstanceFlavor = {
  id: 'bench', name: 'm1.bench', vcpus: 2, ram: 4096, disk: 20, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: true,
  description: null, extra_specs: {},
};

/** 10,000 nodes and nova-compute services, up; one aggregate (and zone) per tenth of them. */
async function populate(db: ComputeDb): Promise<void> {
  const at = new Date().toISOString();
  const chunk = 500;
  for (let z = 0; z < ZONES; z++) {
    await db.insertInto('compute_aggregate').values({ id: z + 1, uuid: randomUUID(), name: `nb-bench-${z}`, availability_zone: `zone-${z}`, created_at: at, updated_at: null }).execute();
  }
  for (let start = 0; start < HOSTS; start += chunk) {
    const n = Math.min(chunk, HOSTS - start);
    const names = Array.from({ length: n }, (_, i) => `nb-bench-${String(start + i).padStart(5, '0')}`);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('compute_service').values(names.map((host) => ({
        id: randomUUID(), host, binary: 'nova-compute', topic: 'compute', disabled: 0, disabled_reason: null, forced_down: 0,
        last_seen_up: at, created_at: at, updated_at: null,
      }))).execute();
      await trx.insertInto('compute_node').values(names.map((host, i) => ({
        id: randomUUID(), host, hypervisor_hostname: host, hypervisor_type: 'fake', hypervisor_version: 1000, host_ip: '127.0.0.1',
        // Mixed sizes, so the weighers have something to choose between.
        vcpus: 32 + 32 * ((start + i) % 3), memory_mb: 131072 * (1 + ((start + i) % 4)), local_gb: 2000,
        reserved_vcpus: 0, reserved_memory_mb: 512, reserved_disk_gb: 0, cpu_info: '{}',
        capabilities: '{"hw_architecture":"x86_64","img_hv_type":"fake"}', free_disk_gb: 2000, created_at: at, updated_at: null,
      }))).execute();
      await trx.insertInto('compute_aggregate_host').values(names.map((host, i) => ({ aggregate_id: ((start + i) % ZONES) + 1, host }))).execute();
    });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nbbench-sched-'));
  const database = openDatabase(join(dir, 'nubis.db'));
  try {
    const db = database.db as ComputeDb;
    await migrate(database.db, computeMigrations);
    let t0 = performance.now();
    await populate(db);
    log(`${fmt(HOSTS)} hosts inserted in ${fmt(performance.now() - t0)} ms; placing ${fmt(PLACEMENTS)} instances…`);

    const config = loadComputeConfig({ host: 'nb-bench' }, {});
    const scheduler = createScheduler({ db, config: { compute: config } } as unknown as ComputeDeps);
    const spec = (i: number): RequestSpec => ({
      instanceUuid: randomUUID(), projectId: 'bench', flavor, imageProperties: { hw_architecture: 'x86_64' },
      // Every fourth request names a zone, as users of a multi-zone cloud do.
      availabilityZone: i % 4 === 0 ? `zone-${i % ZONES}` : null, forcedHost: null, hints: {}, ignoreHosts: [],
    });

    // The first decision builds the host cache (what a restarted controller pays once).
    t0 = performance.now();
    await scheduler.selectAndClaim(spec(-1));
    const coldMs = performance.now() - t0;

    const ms: number[] = [];
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < PLACEMENTS; i++) {
      const t = performance.now();
      await scheduler.selectAndClaim(spec(i));
      ms.push(performance.now() - t);
    }
    const totalS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerDecision = (cpu.user + cpu.system) / 1000 / PLACEMENTS;
    const sorted = Float64Array.from(ms).sort();
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const table = markdownTable(['selectAndClaim', 'p50 ms', 'p99 ms', 'max ms', 'CPU ms/decision', 'decisions/s'], [
      [`${fmt(HOSTS)} hosts, ${fmt(PLACEMENTS)} placements`, fmt(p50, 2), fmt(p99, 2), fmt(sorted[sorted.length - 1]!, 2), fmt(cpuMsPerDecision, 2), fmt(PLACEMENTS / totalS)],
      ['first decision (cold host cache)', fmt(coldMs, 2), '', '', '', ''],
    ]);
    const body = [
      '## Scheduler',
      '',
      `\`bench/scheduler/scheduler-bench.ts\`: ${fmt(HOSTS)} compute nodes with their nova-compute services in a SQLite file`,
      `(WAL), ${ZONES} aggregates/zones; ${fmt(PLACEMENTS)} sequential \`selectAndClaim\` calls (every filter and weigher, then the`,
      `claim transaction), a quarter of them asking for a zone. Goal: p50 under ${GOAL_P50_MS} ms per decision.`,
      '',
      table,
      '',
      `Machine: ${machineLine(machine())}; load average during the run ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`,
      '(the machine was shared: wall-clock figures include waiting for a CPU, the CPU column does not).',
    ].join('\n');
    process.stdout.write(`${table}\n`);
    if (HOSTS === 10_000 && PLACEMENTS === 1_000) updateSection(DOC, 'scheduler-bench', body);
    else log('(trial size: docs/BENCHMARKS.md left unchanged)');
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
