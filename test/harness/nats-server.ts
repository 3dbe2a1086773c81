// Starts a private nats-server (Debian package `nats-server`) on a free loopback port for tests
// that need a real NATS bus, and stops exactly that process afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.js';

export interface NatsServer {
  /** `nats://127.0.0.1:PORT` */
  readonly url: string;
  /** Kills the server process (by its pid) and waits until it has exited. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** The nats-server binary: $NATS_SERVER, else the Debian locations, else the PATH. */
function findNatsServer(): string {
  const candidates = [
    process.env.NATS_SERVER,
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nats-server')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here; try the next one
    }
  }
  throw new Error(
    'nats-server not found (looked in $NATS_SERVER, /usr/sbin, /usr/bin and $PATH): ' +
      'install the Debian package "nats-server" (`make deps` or scripts/install-deps.sh does it)',
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => { sock.destroy(); resolve(false); });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.off('exit', onExit); resolve(false); }, ms);
    const onExit = () => { clearTimeout(timer); resolve(true); };
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, 'SIGTERM');
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  await waitForExit(child, STOP_TIMEOUT_MS);
}

async function tryStart(binary: string): Promise<NatsServer> {
  const port = await freePort();
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => { output = (output + chunk).slice(-4000); });
  let spawnError: Error | undefined;
  child.once('error', (err) => { spawnError = err; });

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw new Error(`cannot run ${binary}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nats-server on port ${port} exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`nats-server did not accept connections on port ${port} within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: `nats://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** Starts nats-server on a free 127.0.0.1 port and resolves once it accepts connections. */
export async function startNatsServer(): Promise<NatsServer> {
  const binary = findNatsServer();
  // Another process may take the free port between our probe and the server's bind: retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await tryStart(binary);
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error) || !/exited/.test(err.message)) throw err;
    }
  }
  throw lastError;
}
