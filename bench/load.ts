// Load generation for the benchmarks: autocannon for fixed-duration runs, with latency
// percentiles computed from every response time (autocannon's histogram keeps whole
// milliseconds, too coarse for sub-millisecond answers).
import autocannon, { type Options } from 'autocannon';

export interface LoadResult {
  name: string;
  connections: number;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx, plus socket errors and timeouts. */
  failures: number;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs one autocannon load for `seconds` and summarises it. */
export async function runLoad(name: string, opts: Options & { connections: number; duration: number }): Promise<LoadResult> {
  const times: number[] = [];
  const instance = autocannon({ timeout: 30, ...opts });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 300) times.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(times).sort();
  return {
    name,
    connections: opts.connections,
    requests: result.requests.total,
    reqPerSec: result.requests.total / (result.duration || opts.duration),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** Runs `count` calls of `fn` with at most `concurrency` in flight; returns each call's ms. */
export async function inParallel(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<{ ms: Float64Array; seconds: number }> {
  const ms = new Float64Array(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      await fn(i);
      ms[i] = performance.now() - t0;
    }
  }));
  return { ms, seconds: (performance.now() - started) / 1000 };
}
