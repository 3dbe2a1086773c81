// Network API benchmark (issue 5 §6, figure 3): how fast the Neutron API creates 1,000 ports on one
// network and lists them. An in-process cloud (SQLite file in WAL mode, no dataplane agent, no
// compute driver, unlimited port quota) listens on a loopback port; the load comes over HTTP from
// the same process, so client and server share the CPUs. Prints a Markdown section and records it
// in docs/BENCHMARKS.md.
//   node dist/bench/network/ports-api-bench.js   (NUBIS_BENCH_PORTS=200 for a trial)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createCloud, type Cloud } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { adminToken, api, freePort } from '../compute/bench-http.js';
import { inParallel, percentile } from '../load.js';
import { machine, machineLine, markdownTable, updateSection } from '../report.js';
import { benchDoc, cpuSeconds, fmt, log } from './bench-common.js';

const PORTS = Number(process.env.NUBIS_BENCH_PORTS ?? 1_000);
const CONCURRENCY = 10;
const LIST_REQUESTS = 10;
const WARM_PORTS = 20;
const CIDR = '10.96.0.0/20';

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'nbbench-ports-'));
  const password = randomBytes(12).toString('base64url');
  let cloud: Cloud | undefined;
  try {
    const port = await freePort();
    const base = loadConfig({ stateDir, listen: `127.0.0.1:${port}` }, {});
    // The API alone: no agent touches this machine's network, no external network is made at start.
    const config: Config = {
      ...base,
      compute: { ...base.compute, driver: 'none' },
      network: { ...base.network, dataplane: 'none', defaultExternal: null, quotaDefaults: { ...base.network.quotaDefaults, port: -1 } },
    };
    cloud = await createCloud(config, { adminPassword: password, logger: pino({ level: 'silent' }) });
    await cloud.app.listen({ host: '127.0.0.1', port });
    const url = `http://127.0.0.1:${port}`;
    const a = { base: url, token: await adminToken(url, password) };

    const net = await api(a, 'POST', '/network/v2.0/networks', 201, { network: { name: 'nb-bench' } });
    const networkId = net.network.id as string;
    await api(a, 'POST', '/network/v2.0/subnets', 201, { subnet: { network_id: networkId, ip_version: 4, cidr: CIDR, name: 'nb-bench' } });
    const body = (i: number) => ({ port: { network_id: networkId, name: `nb-bench-${i}` } });

    // Warm the JIT on the create/delete paths before measuring (those ports are gone again).
    const warm = await Promise.all(Array.from({ length: WARM_PORTS }, (_, i) => api(a, 'POST', '/network/v2.0/ports', 201, body(i))));
    await Promise.all(warm.map((p) => api(a, 'DELETE', `/network/v2.0/ports/${p.port.id}`, 204)));

    // ---- create ----
    log(`${fmt(PORTS)} POST /network/v2.0/ports at concurrency ${CONCURRENCY}…`);
    const addresses = new Set<string>();
    let cpu0 = process.cpuUsage();
    const created = await inParallel(PORTS, CONCURRENCY, async (i) => {
      const res = await api(a, 'POST', '/network/v2.0/ports', 201, body(i));
      for (const f of res.port.fixed_ips as Array<{ ip_address: string }>) addresses.add(f.ip_address);
    });
    const createCpuS = cpuSeconds(cpu0);
    if (addresses.size !== PORTS) throw new Error(`${PORTS} ports got ${addresses.size} distinct addresses`);
    const postMs = created.ms.slice().sort();

    // ---- list ----
    log(`GET /network/v2.0/ports with ${fmt(PORTS)} ports, ${LIST_REQUESTS} times…`);
    for (let i = 0; i < 2; i++) await api(a, 'GET', '/network/v2.0/ports', 200);
    const listMs: number[] = [];
    let listBytes = 0;
    cpu0 = process.cpuUsage();
    for (let i = 0; i < LIST_REQUESTS; i++) {
      // Timed until the whole body is in; parsing it is the client's business, done after.
      const t = performance.now();
      const res = await fetch(`${url}/network/v2.0/ports`, { headers: { 'x-auth-token': a.token } });
      const text = await res.text();
      listMs.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`GET /ports: ${res.status} ${text.slice(0, 300)}`);
      listBytes = text.length;
      // The DHCP port of the subnet may be listed too (none without an agent, but do not rely on it).
      const n = (JSON.parse(text) as { ports: Array<{ device_owner: string }> }).ports.filter((p) => p.device_owner === '').length;
      if (n !== PORTS) throw new Error(`list returned ${n} ports`);
    }
    const listCpuMs = (cpuSeconds(cpu0) * 1000) / LIST_REQUESTS;
    const listSorted = Float64Array.from(listMs).sort();

    const table = markdownTable(['step', 'rate', 'p50 ms', 'p99 ms', 'CPU ms each'], [
      [`${fmt(PORTS)} POST /ports (201), concurrency ${CONCURRENCY}`, `${fmt(PORTS / created.seconds, 1)} ports/s`,
        fmt(percentile(postMs, 50), 1), fmt(percentile(postMs, 99), 1), fmt((createCpuS * 1000) / PORTS, 2)],
      [`GET /ports, ${fmt(PORTS)} ports (${fmt(listBytes / 1024)} KiB)`, `${LIST_REQUESTS} requests, one at a time`,
        fmt(percentile(listSorted, 50), 1), fmt(percentile(listSorted, 99), 1), fmt(listCpuMs, 1)],
    ]);
    const section = [
      `## Network API: ${fmt(PORTS)} ports`,
      '',
      '`bench/network/ports-api-bench.ts`: one in-process cloud (SQLite file in WAL mode, log level silent, no dataplane',
      'agent, no compute driver, unlimited port quota) listening on 127.0.0.1; the client is the same process (so it',
      `shares the CPUs). One network with a ${CIDR} subnet; after a ${WARM_PORTS}-port warm-up (created and deleted),`,
      `${fmt(PORTS)} \`POST /network/v2.0/ports\` (network only: the API picks the MAC and an address from the pool) at`,
      `concurrency ${CONCURRENCY}; ports/s is ${fmt(PORTS)} ÷ the wall time from the first POST to the last 201. Every port got a`,
      `distinct address (checked). Then \`GET /network/v2.0/ports\` with the ${fmt(PORTS)} ports as admin (no limit, all`,
      `attributes), ${LIST_REQUESTS} times one after the other, timed until the whole body has arrived.`,
      '',
      table,
      '',
      'Aim: issue 5 gives no number for these; they are recorded to compare later runs against. "CPU ms each" is this',
      'process\'s CPU time (client and API together) per port or request, the figure the rest of the machine moves least.',
      '',
      `Machine: ${machineLine(machine())}; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`,
      '(shared machine: other work ran beside it).',
      '',
      'Rerun: `node dist/bench/network/ports-api-bench.js` (`NUBIS_BENCH_PORTS=200` for a trial, which leaves',
      'docs/BENCHMARKS.md alone).',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    if (PORTS === 1_000) updateSection(benchDoc(), 'network-ports-api-bench', section);
    else log('(trial size: docs/BENCHMARKS.md left unchanged)');
  } finally {
    await cloud?.close().catch((err: Error) => log(err.message));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`network ports API bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
