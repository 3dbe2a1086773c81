// The part of autocannon's programmatic API the benchmarks use (it ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface Histogram { average: number; mean: number; p50: number; p99: number; max: number; min: number; total: number }
  interface RawRequest { method?: string; path?: string; headers?: Record<string, string>; body?: string }

  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    timeout?: number;
    requests?: { method?: string; path?: string; headers?: Record<string, string>; body?: string;
      setupRequest?: (req: RawRequest, context: Record<string, unknown>) => RawRequest }[];
  }

  export interface Result {
    requests: Histogram & { sent: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
    statusCodeStats?: Record<string, { count: number }>;
  }

  export interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }

  function autocannon(opts: Options): Instance;
  export default autocannon;
}
