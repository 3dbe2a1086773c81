// Identity benchmark (issue 2): how fast `nubis up` issues and validates Keystone tokens, next to
// the floor of its HTTP stack (GET /healthz). Starts the real server on a temp state dir and a
// free loopback port, issues a pool of tokens, then loads it with autocannon at concurrency 1
// and 32. Prints a Markdown table and records it in docs/BENCHMARKS.md.
//   make bench     (NUBIS_BENCH_TOKENS, NUBIS_BENCH_SECONDS to shorten a trial run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Options } from 'autocannon';
import { startNubis, type NubisProcess } from '../../test/harness/nubis-process.js';
import { inParallel, percentile, runLoad, type LoadResult } from '../load.js';
import { machine, machineLine, markdownTable, peakRssMiB, updateSection } from '../report.js';

const TOKENS = Number(process.env.NUBIS_BENCH_TOKENS ?? 10_000);
const SECONDS = Number(process.env.NUBIS_BENCH_SECONDS ?? 10);
const ISSUE_CONCURRENCY = 32;
const CONNECTIONS = [1, 32];
const DOC = fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
const GOAL = { p50Ms: 2, reqPerSec: 3000 };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const authBody = (password: string) => JSON.stringify({
  auth: {
    identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password } } },
    scope: { project: { name: 'admin', domain: { id: 'default' } } },
  },
});

async function issueToken(base: string, body: string): Promise<string> {
  const res = await fetch(`${base}/identity/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`token issue failed: ${res.status}`);
  return token;
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'nbbench-'));
  const password = randomBytes(12).toString('base64url');
  let server: NubisProcess | undefined;
  try {
    server = await startNubis({ stateDir, env: { NUBIS_ADMIN_PASSWORD: password } });
    const base = server.baseUrl;
    const body = authBody(password);
    process.stderr.write(`nubis up (pid ${server.pid}) on ${base}; issuing ${fmt(TOKENS)} tokens at concurrency ${ISSUE_CONCURRENCY}…\n`);

    const tokens: string[] = new Array(TOKENS);
    const issued = await inParallel(TOKENS, ISSUE_CONCURRENCY, async (i) => { tokens[i] = await issueToken(base, body); });
    const issuedSorted = Float64Array.from(issued.ms).sort();
    const admin = tokens[0]!;

    let n = 0;
    const validate = (query: string) => ({
      url: `${base}/identity/v3/auth/tokens${query}`,
      requests: [{
        method: 'GET',
        // Each request checks a different token of the pool, as a busy cloud's services would.
        setupRequest: (req: { headers?: Record<string, string> }) => ({
          ...req, headers: { 'x-auth-token': admin, 'x-subject-token': tokens[n++ % tokens.length]! },
        }),
      }],
    });
    const scenarios: { name: string; opts: Options }[] = [
      { name: 'GET /healthz (baseline)', opts: { url: `${base}/healthz` } },
      { name: 'token validation (GET /v3/auth/tokens)', opts: validate('') },
      { name: 'token validation, ?nocatalog', opts: validate('?nocatalog') },
      { name: 'token issue (POST /v3/auth/tokens, password)', opts: { url: `${base}/identity/v3/auth/tokens`, method: 'POST', headers: { 'content-type': 'application/json' }, body } },
    ];

    // Warm the JIT on both hot paths before anything is measured.
    await runLoad('warm-up', { url: `${base}/healthz`, connections: 8, duration: 2 });
    await runLoad('warm-up', { ...validate(''), connections: 8, duration: 2 });

    const results: LoadResult[] = [];
    for (const s of scenarios) {
      for (const connections of CONNECTIONS) {
        process.stderr.write(`${s.name}, ${connections} connection(s), ${SECONDS} s…\n`);
        const r = await runLoad(s.name, { ...s.opts, connections, duration: SECONDS });
        if (r.failures > 0) throw new Error(`${s.name} at ${connections}: ${r.failures} failed requests (non-2xx or errors)`);
        results.push(r);
      }
    }
    const rss = peakRssMiB(server.pid);

    const baseline = (c: number) => results.find((r) => r.name.startsWith('GET /healthz') && r.connections === c)!;
    const rows = results.map((r) => [
      r.name, String(r.connections), fmt(r.reqPerSec), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2),
      r.name.startsWith('GET /healthz') ? '1.00' : fmt(r.reqPerSec / baseline(r.connections).reqPerSec, 2),
    ]);
    rows.push([`token issue, ${fmt(TOKENS)} tokens before the runs`, String(ISSUE_CONCURRENCY), fmt(TOKENS / issued.seconds, 1),
      fmt(percentile(issuedSorted, 50), 2), fmt(percentile(issuedSorted, 99), 2), '']);
    const table = markdownTable(['scenario', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'req/s ÷ healthz'], rows);

    const validation = (c: number) => results.find((r) => r.name.startsWith('token validation (') && r.connections === c)!;
    const [v1, v32] = [validation(1), validation(32)];
    const met = v1.p50Ms < GOAL.p50Ms && v32.reqPerSec > GOAL.reqPerSec;
    const m = machine();
    const section = [
      '## Identity: token issue and validation',
      '',
      `Machine: ${machineLine(m)}.`,
      `Server: \`nubis up\` with its defaults (SQLite in WAL mode, log level info), one process; load from autocannon`,
      `on the same machine over 127.0.0.1 (so client and server share the CPUs), ${SECONDS} s per row after a`,
      `warm-up. Validation checks a different one of ${fmt(TOKENS)} tokens on each request. Latencies are`,
      'measured per response; "req/s ÷ healthz" compares with GET /healthz at the same concurrency in the same run.',
      '',
      table,
      '',
      `Peak server RSS (VmHWM) at the end: ${rss ?? '?'} MiB.`,
      '',
      `Goal (issue 2): validation p50 < ${GOAL.p50Ms} ms and > ${fmt(GOAL.reqPerSec)} req/s at concurrency 32 on 2 cores,`,
      `read as p50 at concurrency 1 and req/s at 32: with 32 requests always in flight, a p50 under ${GOAL.p50Ms} ms`,
      `needs over ${fmt(32 / (GOAL.p50Ms / 1000))} req/s (Little's law); /healthz alone serves ${fmt(baseline(32).reqPerSec)} here.`,
      `${met ? 'Met' : 'Not met'} on this machine: p50 ${fmt(v1.p50Ms, 2)} ms at 1, ${fmt(v32.reqPerSec)} req/s at 32.`,
      'Token issue is bounded by scrypt (N=2^14, r=8, p=1), one hash per password login, on purpose.',
      '',
      'Rerun: `make bench` (about five minutes on 2 CPUs, most of it issuing the token pool;',
      '`NUBIS_BENCH_TOKENS=1000 NUBIS_BENCH_SECONDS=3 make bench` for a quick look).',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    updateSection(DOC, 'identity-bench', section);
    process.stderr.write(`\nrecorded in ${DOC}\n`);
  } finally {
    await server?.stop().catch((err: Error) => process.stderr.write(`${err.message}\n`));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`identity bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
