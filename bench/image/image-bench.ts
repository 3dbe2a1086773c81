// Image benchmark (issue 3 §7): uploading and downloading a 1 GiB image through the Glance API of
// `nubis up`, next to `cp` of the same file on the same disk in the same run, and the server's
// memory while it takes an upload (it streams to the store, so RSS must not grow with image size).
// Prints a Markdown table and records it in docs/BENCHMARKS.md.
//   make bench-image     (NUBIS_BENCH_IMAGE_MIB to try a smaller image first)
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { startNubis, type NubisProcess } from '../../test/harness/nubis-process.js';
import { machine, machineLine, markdownTable, peakRssMiB, updateSection } from '../report.js';

const MIB = 1024 * 1024;
const BIG_MIB = Number(process.env.NUBIS_BENCH_IMAGE_MIB ?? 1024);
const SMALL_MIB = Math.max(1, Math.round(BIG_MIB / 4));
const RUNS = 3;
const SAMPLE_MS = 100;
const DOC = fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const log = (s: string) => process.stderr.write(`${s}\n`);

/**
 * Writes `mib` MiB of xorshift output (incompressible, and every block really on disk: a sparse
 * file would flatter both sides) and returns its md5.
 */
function writeTestFile(path: string, mib: number, seed: number): string {
  const md5 = createHash('md5');
  const buf = Buffer.alloc(8 * MIB);
  const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  let x = seed >>> 0 || 1;
  const fd = openSync(path, 'wx', 0o600);
  try {
    for (let left = mib * MIB; left > 0; left -= buf.length) {
      for (let i = 0; i < words.length; i++) {
        x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        words[i] = x;
      }
      const n = Math.min(left, buf.length);
      md5.update(buf.subarray(0, n));
      for (let off = 0; off < n;) off += writeSync(fd, buf, off, n - off);
    }
  } finally {
    closeSync(fd);
  }
  return md5.digest('hex');
}

function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

/** Samples the server's VmRSS every 100 ms while `work` runs; returns the highest sample (KiB). */
async function sampledPeak<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakKiB: number }> {
  let peakKiB = rssKiB(pid, 'VmRSS');
  const timer = setInterval(() => { peakKiB = Math.max(peakKiB, rssKiB(pid, 'VmRSS')); }, SAMPLE_MS);
  try {
    const result = await work();
    peakKiB = Math.max(peakKiB, rssKiB(pid, 'VmRSS'));
    return { result, peakKiB };
  } finally {
    clearInterval(timer);
  }
}

interface Api { base: string; token: string }

async function api(a: Api, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${a.base}${path}`, {
    method,
    headers: { 'x-auth-token': a.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Streams a file from disk as the body of PUT /v2/images/{id}/file, as glanceclient does. */
function upload(a: Api, imageId: string, file: string): Promise<void> {
  const size = statSync(file).size;
  return new Promise((resolve, reject) => {
    const req = request(`${a.base}/image/v2/images/${imageId}/file`, {
      method: 'PUT',
      headers: { 'x-auth-token': a.token, 'content-type': 'application/octet-stream', 'content-length': String(size) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; });
      res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`upload: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: MIB }).on('error', reject).pipe(req);
  });
}

/** Streams GET /v2/images/{id}/file to a file on disk, as `openstack image save` does. */
function download(a: Api, imageId: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${a.base}/image/v2/images/${imageId}/file`, { headers: { 'x-auth-token': a.token } }, (res) => {
      if (res.statusCode !== 200) { res.resume(); reject(new Error(`download: ${res.statusCode}`)); return; }
      pipeline(res, createWriteStream(file, { highWaterMark: MIB })).then(resolve, reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The md5 of a file, read back after the timed part (the client's hashing is not the server's speed). */
async function md5Of(file: string): Promise<string> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: MIB })) md5.update(chunk as Buffer);
  return md5.digest('hex');
}

async function createImage(a: Api, name: string): Promise<string> {
  const img = await api(a, 'POST', '/image/v2/images', { name, disk_format: 'raw', container_format: 'bare' });
  return String(img.id);
}

/** One upload into a fresh image, with the server's RSS sampled; checks what the server stored. */
async function measuredUpload(a: Api, pid: number, file: string, md5: string, name: string) {
  const id = await createImage(a, name);
  const beforeKiB = rssKiB(pid, 'VmRSS');
  const start = process.hrtime.bigint();
  const { peakKiB } = await sampledPeak(pid, () => upload(a, id, file));
  const s = seconds(start);
  const shown = await api(a, 'GET', `/image/v2/images/${id}`);
  if (shown.status !== 'active' || shown.checksum !== md5 || shown.size !== statSync(file).size) {
    throw new Error(`image ${id} after upload: status ${shown.status}, checksum ${shown.checksum} (want ${md5}), size ${shown.size}`);
  }
  return { id, s, beforeKiB, peakKiB, hwmKiB: rssKiB(pid, 'VmHWM') };
}

function timeCp(src: string, dst: string, fsync: boolean): number {
  const start = process.hrtime.bigint();
  execFileSync('cp', [src, dst]);
  if (fsync) execFileSync('sync', [dst]); // coreutils sync FILE: fsync(2) of that file
  const s = seconds(start);
  rmSync(dst);
  return s;
}

const authBody = (password: string) => JSON.stringify({
  auth: {
    identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password } } },
    scope: { project: { name: 'admin', domain: { id: 'default' } } },
  },
});

async function main(): Promise<void> {
  // The test files sit beside the state dir, on the same disk, so cp and the server compete fairly.
  const root = mkdtempSync(join(tmpdir(), 'nbimgbench-'));
  const stateDir = join(root, 'state');
  const password = randomBytes(12).toString('base64url');
  let server: NubisProcess | undefined;
  try {
    const big = join(root, 'big.raw');
    const small = join(root, 'small.raw');
    log(`writing ${BIG_MIB} MiB and ${SMALL_MIB} MiB test files under ${root}…`);
    const bigMd5 = writeTestFile(big, BIG_MIB, 0x9e3779b9);
    const smallMd5 = writeTestFile(small, SMALL_MIB, 0x85ebca6b);
    const bigBytes = BIG_MIB * MIB;
    const mbps = (s: number) => bigBytes / 1e6 / s;

    log(`cp, cp + fsync of the copy (${RUNS} each)…`);
    const copy = join(root, 'copy.raw');
    const cp: number[] = [];
    const cpSync: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cp.push(timeCp(big, copy, false));
      cpSync.push(timeCp(big, copy, true));
    }

    execFileSync('mkdir', ['-p', stateDir]);
    server = await startNubis({ stateDir, env: { NUBIS_ADMIN_PASSWORD: password } });
    const pid = server.pid;
    const res = await fetch(`${server.baseUrl}/identity/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: authBody(password) });
    await res.arrayBuffer();
    const a: Api = { base: server.baseUrl, token: res.headers.get('x-subject-token') ?? '' };
    if (res.status !== 201 || !a.token) throw new Error(`token issue failed: ${res.status}`);
    log(`nubis up (pid ${pid}) on ${a.base}`);

    // The small upload first: if RSS tracked image size, the big one would show it on top.
    log(`upload ${SMALL_MIB} MiB…`);
    const smallUp = await measuredUpload(a, pid, small, smallMd5, 'bench-small');
    await api(a, 'DELETE', `/image/v2/images/${smallUp.id}`);

    const ups: Awaited<ReturnType<typeof measuredUpload>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      log(`upload ${BIG_MIB} MiB, run ${i + 1}…`);
      ups.push(await measuredUpload(a, pid, big, bigMd5, `bench-big-${i}`));
    }
    const down: number[] = [];
    const got = join(root, 'downloaded.raw');
    for (let i = 0; i < RUNS; i++) {
      log(`download ${BIG_MIB} MiB, run ${i + 1}…`);
      const start = process.hrtime.bigint();
      await download(a, ups[0]!.id, got);
      down.push(seconds(start));
      const md5 = await md5Of(got);
      if (md5 !== bigMd5) throw new Error(`downloaded md5 ${md5}, uploaded ${bigMd5}`);
      rmSync(got);
    }
    for (const u of ups) await api(a, 'DELETE', `/image/v2/images/${u.id}`);
    const hwmEnd = peakRssMiB(pid);

    const [cpS, cpSyncS, upS, downS] = [median(cp), median(cpSync), median(ups.map((u) => u.s)), median(down)];
    const rows = [
      ['`cp` (page cache, no fsync)', fmt(cpS, 2), fmt(mbps(cpS)), '1.00', ''],
      ['`cp` + fsync of the copy', fmt(cpSyncS, 2), fmt(mbps(cpSyncS)), fmt(cpS / cpSyncS, 2), '1.00'],
      ['upload, PUT …/file (store fsyncs, md5 + sha512, qemu-img info)', fmt(upS, 2), fmt(mbps(upS)), fmt(cpS / upS, 2), fmt(cpSyncS / upS, 2)],
      ['download, GET …/file to a file (no fsync; md5 checked after)', fmt(downS, 2), fmt(mbps(downS)), fmt(cpS / downS, 2), fmt(cpSyncS / downS, 2)],
    ];
    const table = markdownTable([`${BIG_MIB} MiB, median of ${RUNS}`, 'seconds', 'MB/s', 'speed ÷ cp', 'speed ÷ cp+fsync'], rows);
    const mib = (kib: number) => fmt(kib / 1024);
    const memRows = [
      [`${SMALL_MIB} MiB upload`, mib(smallUp.beforeKiB), mib(smallUp.peakKiB), mib(smallUp.hwmKiB)],
      ...ups.map((u, i) => [`${BIG_MIB} MiB upload, run ${i + 1}`, mib(u.beforeKiB), mib(u.peakKiB), mib(u.hwmKiB)]),
    ];
    const memTable = markdownTable(['server memory (MiB)', 'RSS before', 'peak RSS during (100 ms samples)', 'VmHWM after'], memRows);
    const growth = Math.max(...ups.map((u) => u.peakKiB)) - smallUp.peakKiB;

    const section = [
      '## Image: upload and download against `cp`',
      '',
      `Machine: ${machineLine(machine())}.`,
      `Server: \`nubis up\` with its defaults (SQLite, \`file\` store under the state dir), one process. A ${BIG_MIB} MiB file of`,
      'pseudo-random bytes (no sparse blocks) sits on the same disk as the state dir; each figure is the median of',
      `${RUNS} runs in the same process run. Uploads stream the file from disk with Node's http client into a fresh raw`,
      'image each time (the answer comes after the store has fsynced and qemu-img has inspected the file); the',
      'download streams one of them back to a file, whose md5 is checked afterwards. Client and server share the 2 CPUs',
      'and the page cache (the file is read from cache after the first pass, as `cp` reads it). The upload is bound by',
      'the server computing md5 and sha512 of every byte on its one thread (Glance computes both too); the memory table',
      'shows it holds no more than stream buffers while doing so.',
      '',
      table,
      '',
      memTable,
      '',
      `The upload path keeps only stream buffers: the peak RSS during a ${BIG_MIB} MiB upload is`,
      `${fmt(growth / 1024)} MiB ${growth >= 0 ? 'above' : 'below'} the peak during a ${SMALL_MIB} MiB one (VmHWM at the end of the run: ${hwmEnd ?? '?'} MiB).`,
      '',
      'Rerun: `make bench-image` (about a minute plus 2 GiB of free disk under $TMPDIR; `make bench` runs every benchmark;',
      '`NUBIS_BENCH_IMAGE_MIB=256 make bench-image` for a quick look).',
    ].join('\n');
    process.stdout.write(`\n${section}\n`);
    updateSection(DOC, 'image-bench', section);
    log(`\nrecorded in ${DOC}`);
  } finally {
    await server?.stop().catch((err: Error) => log(err.message));
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`image bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
