// One throughput round between two namespaces: the tcp-blast receiver in one, its sender in the
// other, for a fixed time; resolves with what the receiver counted. Both processes are killed by
// pid if the round fails, so a stuck stream never outlives the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const BLAST = fileURLToPath(new URL('./tcp-blast.js', import.meta.url));

export interface RoundResult { bytes: number; seconds: number; gbps: number }

/**
 * On a CPU of its own when `cpu` is given: where the sender and the receiver run (same core or not)
 * changes a stream's rate more than the path does, so every path gets the same placement.
 */
function inNamespace(ns: string, args: string[], cpu?: number): ChildProcess {
  const cmd = ['ip', 'netns', 'exec', ns, process.execPath, BLAST, ...args];
  const argv = cpu === undefined ? cmd : ['taskset', '-c', String(cpu), ...cmd];
  return spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Receiver on the last CPU, sender on the first (none when there is only one). */
const cpus = availableParallelism();
const RECEIVER_CPU = cpus > 1 && process.env.NUBIS_BENCH_PIN !== '0' ? cpus - 1 : undefined;
const SENDER_CPU = RECEIVER_CPU === undefined ? undefined : 0;

/** Lines a child writes on stdout, and its stderr kept for the error message. */
function watch(child: ChildProcess): { err: () => string; next: () => Promise<string> } {
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = '';
  let stderr = '';
  let closed = false;
  const failed = () => new Error(`tcp-blast exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line); else lines.push(line);
    }
  });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  // 'close' comes after stdout has been read to its end, so no line is lost to the race with exit.
  const closedNow = new Promise<void>((resolve) => child.once('close', () => { closed = true; resolve(); }));
  return {
    err: () => stderr.trim(),
    next: () => new Promise((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) { resolve(line); return; }
      if (closed) { reject(failed()); return; }
      waiters.push(resolve);
      void closedNow.then(() => reject(failed()));
    }),
  };
}

/** One connect from `fromNs` to a port nobody listens on: 'refused' (reached the far kernel) or 'timeout' (dropped). */
export async function tcpProbe(fromNs: string, address: string, port: number): Promise<string> {
  const child = inNamespace(fromNs, ['probe', address, String(port)]);
  try {
    return await watch(child).next();
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Sends from `fromNs` to `address:port` in `toNs` for `seconds`; rejects after `seconds` + 60 s. */
export async function tcpRound(fromNs: string, toNs: string, address: string, port: number, seconds: number): Promise<RoundResult> {
  const receiver = inNamespace(toNs, ['recv', address, String(port)], RECEIVER_CPU);
  let sender: ChildProcess | undefined;
  const timer = setTimeout(() => { receiver.kill('SIGKILL'); sender?.kill('SIGKILL'); }, (seconds + 60) * 1000);
  try {
    const out = watch(receiver);
    if ((await out.next()) !== 'ready') throw new Error(`receiver did not start: ${out.err()}`);
    sender = inNamespace(fromNs, ['send', address, String(port), String(seconds)], SENDER_CPU);
    const sent = watch(sender);
    const senderExit = new Promise<void>((resolve, reject) => sender!.once('exit', (code) =>
      (code === 0 ? resolve() : reject(new Error(`sender exited (${code}): ${sent.err()}`)))));
    const [line] = await Promise.all([out.next(), senderExit]);
    const r = JSON.parse(line) as { bytes: number; seconds: number };
    return { ...r, gbps: (r.bytes * 8) / r.seconds / 1e9 };
  } finally {
    clearTimeout(timer);
    for (const c of [receiver, sender]) if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}
