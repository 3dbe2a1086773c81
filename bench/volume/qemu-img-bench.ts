// Volume benchmark (issue 6 §6): the `file` backend's I/O path. `qemu-img bench` reads and writes
// a volume the backend made (through its connection's path and format, as QEMU opens it for a
// guest) and a plain raw file of the same size, alternately in one run, so the ratio holds on a
// noisy machine. Both are written through once first: reading a thin qcow2's unallocated clusters
// would only measure zeroes. O_DIRECT (`-t none`): the disk path, not the host's page cache.
//   node dist/bench/volume/qemu-img-bench.js   (NUBIS_BENCH_ROUNDS, default 7)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileBackend } from '../../src/agent/storage/backends/file/file-backend.js';
import { run } from '../../src/platform/run.js';
import { machine, machineLine, markdownTable, updateSection } from '../report.js';

const ROUNDS = Number(process.env.NUBIS_BENCH_ROUNDS ?? 7);
const DOC = process.env.NUBIS_BENCH_DOC ?? fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
const SIZE_GB = 1;
const BLOCK = 64 * 1024;
const COUNT = (SIZE_GB * 1024 ** 3) / BLOCK; // the whole disk per run: 1 GiB
const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

/** One `qemu-img bench` run; its own "Run completed in X seconds" figure. */
async function bench(file: string, format: string, write: boolean): Promise<number> {
  const out = await run('qemu-img', ['bench', ...(write ? ['-w'] : []), '-f', format, '-t', 'none', '-d', '16', '-s', String(BLOCK), '-c', String(COUNT), file]);
  const s = /Run completed in ([\d.]+) seconds/.exec(out)?.[1];
  if (!s) throw new Error(`qemu-img bench: no timing in its output:\n${out}`);
  return Number(s);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'nb-qib-'));
  try {
    const backend = new FileBackend({ name: 'bench', driver: 'file', dir: join(work, 'volumes'), format: 'qcow2', overSubscriptionRatio: 20,
      reservedPercentage: 0, capacityGb: 0, availabilityZone: 'nova' }, 'nb-bench');
    const id = randomUUID();
    await backend.createVolume(id, SIZE_GB);
    const conn = await backend.initializeConnection(id, { host: 'nb-bench', mode: 'rw' });
    if (conn.driver_volume_type !== 'file') throw new Error(`expected a file connection, got ${conn.driver_volume_type}`);
    const volume = { file: conn.data.path, format: conn.data.format };
    const raw = { file: join(work, 'plain.raw'), format: 'raw' };
    await run('qemu-img', ['create', '-q', '-f', 'raw', raw.file, String(SIZE_GB * 1024 ** 3)]);
    for (const t of [volume, raw]) await bench(t.file, t.format, true); // fill once

    const times = { volumeWrite: [] as number[], rawWrite: [] as number[], volumeRead: [] as number[], rawRead: [] as number[] };
    for (let i = 1; i <= ROUNDS; i++) {
      // Alternate which goes first, so neither always runs on a warmer machine.
      const pair = i % 2 ? [['raw', raw], ['volume', volume]] as const : [['volume', volume], ['raw', raw]] as const;
      for (const write of [true, false]) {
        for (const [name, t] of pair) times[`${name}${write ? 'Write' : 'Read'}`].push(await bench(t.file, t.format, write));
      }
      log(`round ${i}: write raw ${times.rawWrite.at(-1)} s, volume ${times.volumeWrite.at(-1)} s; read raw ${times.rawRead.at(-1)} s, volume ${times.volumeRead.at(-1)} s`);
    }
    await backend.terminateConnection(id, { host: 'nb-bench', mode: 'rw' });
    await backend.deleteVolume(id);

    const mib = (COUNT * BLOCK) / 1024 ** 2;
    const rate = (s: number) => `${(mib / s).toFixed(0)} MiB/s`;
    // The ratio is the median of each round's own ratio: both ran side by side, so drift between
    // rounds (other work on the machine) cancels out.
    const row = (what: string, raw: number[], vol: number[]) => [what, rate(median(raw)), rate(median(vol)), median(vol.map((v, i) => v / raw[i]!)).toFixed(2)];
    const body = [
      '## Volumes: the file backend\'s I/O path (`qemu-img bench`)',
      '',
      '`node dist/bench/volume/qemu-img-bench.js`: a 1 GiB qcow2 volume made by the `file` backend (opened by',
      'its connection\'s path and format, as a guest\'s QEMU does) against a plain 1 GiB raw file, both',
      `written through once first; then ${ROUNDS} alternating rounds of \`qemu-img bench -t none -d 16 -s 64k\``,
      `over ${mib} MiB each; medians. Ratio: volume time / raw time in the same round, median (1.00 = no cost).`,
      '',
      markdownTable(['sequential 64 KiB, depth 16', 'plain raw file', 'file-backend volume (qcow2)', 'ratio'], [
        row('write', times.rawWrite, times.volumeWrite),
        row('read', times.rawRead, times.volumeRead),
      ]),
      '',
      `Machine: ${machineLine(machine())}.`,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    updateSection(DOC, 'volume-qemu-img', body);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => { log(String(e instanceof Error ? e.stack : e)); process.exitCode = 1; });
