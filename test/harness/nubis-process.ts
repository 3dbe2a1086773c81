// Runs the real `bin/nubis` as a child process, as a user would, for the compatibility tests:
// start `nubis up` on a state dir and a free loopback port, wait until /healthz answers, and stop
// exactly that process (by its pid) with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

/** bin/nubis of this checkout (this file runs from dist/test/harness/). */
export const NUBIS_BIN = fileURLToPath(new URL('../../../bin/nubis', import.meta.url));
/** The compiled tree this file belongs to; bin/nubis runs it (so a build in another outDir tests itself). */
const NUBIS_DIST = fileURLToPath(new URL('../../', import.meta.url));

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_LIMIT = 64 * 1024;

export interface ExitStatus { code: number | null; signal: NodeJS.Signals | null }

export interface NubisProcess {
  readonly pid: number;
  readonly stateDir: string;
  /** http://127.0.0.1:PORT */
  readonly baseUrl: string;
  /** The Keystone auth URL clients use: baseUrl + /identity. */
  readonly authUrl: string;
  /** The last 64 KiB the process printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends SIGTERM to the pid and waits (bounded) for the exit; SIGKILL and throw if it hangs. */
  stop(): Promise<ExitStatus>;
}

export interface StartOptions {
  stateDir: string;
  /** --database URL; the default is SQLite in the state dir. */
  database?: string;
  /** Extra environment for the server (NUBIS_* and OS_* of the test runner are never passed on). */
  env?: Record<string, string>;
}

/** The test runner's environment without anything that would configure nubis or the client. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { NUBIS_DIST };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('NUBIS_') && !k.startsWith('OS_')) env[k] = v;
  }
  return { ...env, ...extra };
}

function exited(child: ChildProcess): ExitStatus | undefined {
  return child.exitCode !== null || child.signalCode !== null
    ? { code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null }
    : undefined;
}

/** Resolves with the exit status, or undefined after `ms`. 'close' also waits for the pipes to
 *  drain, so everything the process printed has been read. */
function waitForExit(child: ChildProcess, ms: number, event: 'exit' | 'close' = 'exit'): Promise<ExitStatus | undefined> {
  if (event === 'exit' && exited(child)) return Promise.resolve(exited(child));
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.off(event, onDone); resolve(undefined); }, ms);
    const onDone = () => { clearTimeout(timer); resolve(exited(child)); };
    child.once(event, onDone);
  });
}

function capture(child: ChildProcess): () => string {
  let out = '';
  const add = (chunk: string) => { out = (out + chunk).slice(-OUTPUT_LIMIT); };
  child.stdout?.setEncoding('utf8').on('data', add);
  child.stderr?.setEncoding('utf8').on('data', add);
  return () => out;
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts `nubis up` and resolves once GET /healthz answers 200. */
export async function startNubis(opts: StartOptions): Promise<NubisProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = ['up', '--state-dir', opts.stateDir, '--listen', `127.0.0.1:${port}`];
  if (opts.database) args.push('--database', opts.database);
  // The network dataplane stays off unless the test turns it on (NUBIS_NETWORK_DATAPLANE=linuxbridge):
  // servers started side by side must not each build the host's bridges and nftables table.
  const env = cleanEnv({ NUBIS_NETWORK_DATAPLANE: 'none', ...opts.env });
  const child = spawn(NUBIS_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = capture(child);
  let spawnError: Error | undefined;
  child.once('error', (err) => { spawnError = err; });
  // If the test runner dies first, the server must not outlive it.
  const killOnExit = () => { if (!exited(child) && child.pid) process.kill(child.pid, 'SIGKILL'); };
  process.once('exit', killOnExit);

  const stop = async (): Promise<ExitStatus> => {
    process.off('exit', killOnExit);
    const done = exited(child);
    if (done || child.pid === undefined) return done ?? { code: null, signal: null };
    process.kill(child.pid, 'SIGTERM');
    const status = await waitForExit(child, STOP_TIMEOUT_MS);
    if (status) return status;
    process.kill(child.pid, 'SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
    throw new Error(`nubis (pid ${child.pid}) did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${output()}`);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw new Error(`cannot run ${NUBIS_BIN}: ${spawnError.message}`);
    const done = exited(child);
    if (done) {
      process.off('exit', killOnExit);
      throw new Error(`nubis up exited (${done.code ?? done.signal}) before it was ready:\n${output()}`);
    }
    if (await healthy(baseUrl)) break;
    if (Date.now() > deadline) {
      await stop().catch(() => undefined);
      throw new Error(`nubis up did not answer GET /healthz within ${READY_TIMEOUT_MS} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid!, stateDir: opts.stateDir, baseUrl, authUrl: `${baseUrl}/identity`, output, stop,
  };
}

/** Runs `nubis ARGS` to completion (bounded; SIGKILL on timeout) and returns what it printed. */
export async function runNubis(args: string[], timeoutMs = 30_000): Promise<ExitStatus & { stdout: string; stderr: string }> {
  const child = spawn(NUBIS_BIN, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const status = await waitForExit(child, timeoutMs, 'close');
  if (!status) {
    if (child.pid) process.kill(child.pid, 'SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
    throw new Error(`nubis ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout}${stderr}`);
  }
  return { ...status, stdout, stderr };
}
