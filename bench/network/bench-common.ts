// Small things every network benchmark uses: where the figures are written, number formatting,
// progress lines on stderr, CPU time and medians.
import { fileURLToPath } from 'node:url';

/** docs/BENCHMARKS.md of this checkout, or NUBIS_BENCH_DOC (trial runs write elsewhere). */
export const benchDoc = (): string =>
  process.env.NUBIS_BENCH_DOC ?? fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const log = (s: string): void => { process.stderr.write(`${s}\n`); };

/** CPU time (user + system, all threads) this process used since `from`, in seconds. */
export function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Whether this process may create namespaces and links (the dataplane benchmarks need root). */
export const isRoot = (): boolean => process.getuid?.() === 0;
