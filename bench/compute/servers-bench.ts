// Compute benchmark (issue 4 §7), fake driver: how fast the control plane takes 1,000 servers from
// POST to ACTIVE, lists them, and deletes them. An in-process cloud (SQLite file in WAL mode, the
// fake driver with 20 hosts, unlimited quotas) listens on a loopback port; the load comes over
// HTTP from the same process, so client and server share the CPUs. Prints a Markdown section and
// records it in docs/BENCHMARKS.md.
//   node dist/bench/compute/servers-bench.js   (NUBIS_BENCH_SERVERS to try a smaller run)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createCloud, type Cloud } from '../../src/app.js';
import type { ComputeDb } from '../../src/compute/compute.tables.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { inParallel, percentile } from '../load.js';
import { machine, machineLine, markdownTable, updateSection } from '../report.js';
import { api, adminToken, freePort, median } from './bench-http.js';

const SERVERS = Number(process.env.NUBIS_BENCH_SERVERS ?? 1_000);
const CONCURRENCY = 50;
const HOSTS = 20;
const LIST_REQUESTS = 30;
const DOC = process.env.NUBIS_BENCH_DOC ?? fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
const GOAL = { serversPerSec: 100, listP50Ms: 50 };
// networks: 'none' needs 2.37.
const VERSION = { 'openstack-api-version': 'compute 2.37' };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Polls the database (not the API, so the polling adds no HTTP load) until `done` holds. */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'nbbench-compute-'));
  const password = randomBytes(12).toString('base64url');
  let cloud: Cloud | undefined;
  try {
    const port = await freePort();
    const base = loadConfig({ stateDir, listen: `127.0.0.1:${port}` }, {});
    const config: Config = {
      ...base,
      compute: {
        ...base.compute, driver: 'fake', fakeHosts: HOSTS, host: 'nb-bench',
        quotaDefaults: { ...base.compute.quotaDefaults, instances: -1, cores: -1, ram: -1 },
      },
    };
    cloud = await createCloud(config, { adminPassword: password, logger: pino({ level: 'silent' }) });
    await cloud.app.listen({ host: '127.0.0.1', port });
    const url = `http://127.0.0.1:${port}`;
    const db = cloud.compute.ctx.deps.db as ComputeDb;
    const a = { base: url, token: await adminToken(url, password) };

    const flavor = await api(a, 'POST', '/compute/v2.1/flavors', 200, { flavor: { name: 'nb-bench', vcpus: 1, ram: 128, disk: 1 } });
    const image = await api(a, 'POST', '/image/v2/images', 201, { name: 'nb-bench', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
    await api(a, 'PUT', `/image/v2/images/${image.id}/file`, 204, Buffer.from('nubis bench image'));
    const body = (i: number) => ({ server: { name: `nb-bench-${i}`, imageRef: image.id, flavorRef: flavor.flavor.id, networks: 'none' } });

    // Warm the JIT on the create/delete paths (a few servers, then gone) before measuring.
    const warm = await Promise.all(Array.from({ length: 20 }, (_, i) => api(a, 'POST', '/compute/v2.1/servers', 202, body(i), VERSION)));
    await waitUntil('warm-up ACTIVE', async () => (await countWhere(db, 'active')) === warm.length, 60_000);
    await Promise.all(warm.map((s) => api(a, 'DELETE', `/compute/v2.1/servers/${s.server.id}`, 204)));
    await waitUntil('warm-up deleted', async () => (await liveCount(db)) === 0, 60_000);

    // ---- create ----
    log(`${fmt(SERVERS)} POST /servers at concurrency ${CONCURRENCY}…`);
    const postedAt = new Map<string, number>();
    let cpu0 = process.cpuUsage();
    const createStart = Date.now();
    const created = await inParallel(SERVERS, CONCURRENCY, async (i) => {
      const t = Date.now();
      const res = await api(a, 'POST', '/compute/v2.1/servers', 202, body(i), VERSION);
      postedAt.set(res.server.id as string, t);
    });
    await waitUntil(`${SERVERS} servers ACTIVE`, async () => {
      const bad = await countWhere(db, 'error');
      if (bad > 0) throw new Error(`${bad} servers went to ERROR`);
      return (await countWhere(db, 'active')) === SERVERS;
    }, 600_000);
    const createCpuS = cpuSeconds(cpu0);
    const rows = await db.selectFrom('compute_instance').select(['uuid', 'created_at', 'launched_at']).where('deleted', '=', 0).execute();
    const lastActive = Math.max(...rows.map((r) => Date.parse(r.launched_at!)));
    const createSeconds = (lastActive - createStart) / 1000;
    const toActive = Float64Array.from(rows.map((r) => Date.parse(r.launched_at!) - postedAt.get(r.uuid)!)).sort();
    const rowToActive = Float64Array.from(rows.map((r) => Date.parse(r.launched_at!) - Date.parse(r.created_at))).sort();
    const postMs = created.ms.slice().sort();

    // ---- list ----
    log(`GET /servers/detail with ${fmt(SERVERS)} servers, ${LIST_REQUESTS} times…`);
    for (let i = 0; i < 3; i++) await api(a, 'GET', '/compute/v2.1/servers/detail', 200);
    const listMs: number[] = [];
    let listBytes = 0;
    cpu0 = process.cpuUsage();
    for (let i = 0; i < LIST_REQUESTS; i++) {
      // Timed until the whole body is in; parsing it is the client's business, done after.
      const t = performance.now();
      const res = await fetch(`${url}/compute/v2.1/servers/detail`, { headers: { 'x-auth-token': a.token } });
      const text = await res.text();
      listMs.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`GET /servers/detail: ${res.status} ${text.slice(0, 300)}`);
      listBytes = text.length;
      const n = (JSON.parse(text) as { servers: unknown[] }).servers.length;
      if (n !== Math.min(SERVERS, 1000)) throw new Error(`list returned ${n} servers`);
    }
    const listCpuMs = (cpuSeconds(cpu0) * 1000) / LIST_REQUESTS;
    const listSorted = Float64Array.from(listMs).sort();

    // ---- delete ----
    log(`${fmt(SERVERS)} DELETE at concurrency ${CONCURRENCY}…`);
    const ids = [...postedAt.keys()];
    cpu0 = process.cpuUsage();
    const deleteStart = Date.now();
    const deleted = await inParallel(ids.length, CONCURRENCY, async (i) => { await api(a, 'DELETE', `/compute/v2.1/servers/${ids[i]}`, 204); });
    await waitUntil('all servers DELETED', async () => (await liveCount(db)) === 0, 600_000);
    const deleteCpuS = cpuSeconds(cpu0);
    const gone = await db.selectFrom('compute_instance').select('deleted_at').where('uuid', 'in', ids).execute();
    const lastDeleted = Math.max(...gone.map((r) => Date.parse(r.deleted_at!)));
    const deleteSeconds = (lastDeleted - deleteStart) / 1000;
    const deleteMs = deleted.ms.slice().sort();

    const serversPerSec = SERVERS / createSeconds;
    const listP50 = percentile(listSorted, 50);
    const table = markdownTable(['step', 'rate', 'p50 ms', 'p99 ms', 'CPU ms each'], [
      [`${fmt(SERVERS)} creates, API call → ACTIVE`, `${fmt(serversPerSec, 1)} servers/s`, fmt(percentile(toActive, 50)), fmt(percentile(toActive, 99)),
        fmt((createCpuS * 1000) / SERVERS, 2)],
      ['… of which POST /servers (202)', `${fmt(SERVERS / created.seconds, 1)} req/s`, fmt(percentile(postMs, 50), 1), fmt(percentile(postMs, 99), 1), ''],
      ['… row created → ACTIVE (conductor)', '', fmt(percentile(rowToActive, 50)), fmt(percentile(rowToActive, 99)), ''],
      [`GET /servers/detail, ${fmt(Math.min(SERVERS, 1000))} servers (${fmt(listBytes / 1024)} KiB)`, `${LIST_REQUESTS} requests, one at a time`,
        fmt(listP50, 1), fmt(percentile(listSorted, 99), 1), fmt(listCpuMs, 1)],
      [`${fmt(SERVERS)} deletes, API call → DELETED`, `${fmt(SERVERS / deleteSeconds, 1)} servers/s`, '', '', fmt((deleteCpuS * 1000) / SERVERS, 2)],
      ['… of which DELETE /servers/{id} (204)', `${fmt(SERVERS / deleted.seconds, 1)} req/s`, fmt(percentile(deleteMs, 50), 1), fmt(percentile(deleteMs, 99), 1), ''],
    ]);
    const verdict = (ok: boolean) => (ok ? 'met' : 'not met');
    const section = [
      '## Compute: 1,000 servers on the fake driver',
      '',
      '`bench/compute/servers-bench.ts`: one in-process cloud (SQLite file in WAL mode, log level silent) with the fake',
      `driver on ${HOSTS} hosts and unlimited instance/core/RAM quotas, listening on 127.0.0.1; the client is the same`,
      `process (so it shares the CPUs). ${fmt(SERVERS)} \`POST /servers\` (1 vCPU, 128 MB, \`networks: "none"\`) at concurrency`,
      `${CONCURRENCY} after a 20-server warm-up. Servers/s is ${fmt(SERVERS)} ÷ (first POST → the last \`launched_at\`); a server's`,
      '"API call → ACTIVE" is the client clock when its POST was sent to the `launched_at` the conductor wrote in',
      '`compute_instance` (same process, same clock; millisecond resolution, no polling). Deletes likewise end at the',
      'last `deleted_at`. The list is the admin\'s own project, default limit (1,000), sent one at a time, timed',
      'until the whole body has arrived (the client parses it afterwards; its CPU is still in "CPU ms each"). The fake',
      'driver spawns at once, so a server is often ACTIVE before its own 202 has reached the client.',
      '',
      table,
      '',
      `Goals: > ${GOAL.serversPerSec} servers/s — ${verdict(serversPerSec > GOAL.serversPerSec)} (${fmt(serversPerSec, 1)});`,
      `list p50 < ${GOAL.listP50Ms} ms — ${verdict(listP50 < GOAL.listP50Ms)} (${fmt(listP50, 1)} ms).`,
      '"CPU ms each" is this process\'s CPU time (all its threads: client, API, conductor and fake agents together) over',
      'the step, per server or request: the figure that the rest of the machine moves least. The wall-clock figures',
      'swing by 2-3× between runs with the machine\'s load (see the load average below).',
      '',
      `Machine: ${machineLine(machine())}; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`,
      '(shared machine: other work ran beside it).',
      '',
      'Rerun: `node dist/bench/compute/servers-bench.js` (about a minute; `NUBIS_BENCH_SERVERS=200` for a trial, which',
      'leaves docs/BENCHMARKS.md alone).',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    log(`median POST ${fmt(median(Array.from(postMs)), 1)} ms`);
    if (SERVERS === 1_000) updateSection(DOC, 'compute-servers-bench', section);
    else log('(trial size: docs/BENCHMARKS.md left unchanged)');
  } finally {
    await cloud?.close().catch((err: Error) => log(err.message));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** CPU time (user + system, all threads) this process used since `from`, in seconds. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

async function countWhere(db: ComputeDb, vmState: 'active' | 'error'): Promise<number> {
  const r = await db.selectFrom('compute_instance').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deleted', '=', 0).where('vm_state', '=', vmState).where('task_state', 'is', null).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function liveCount(db: ComputeDb): Promise<number> {
  const r = await db.selectFrom('compute_instance').select((eb) => eb.fn.countAll<number>().as('n')).where('deleted', '=', 0).executeTakeFirstOrThrow();
  return Number(r.n);
}

main().catch((err: Error) => {
  process.stderr.write(`compute servers bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
