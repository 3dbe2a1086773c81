// Starts and stops the metadata proxy (metadata-proxy.js) of a DHCP or router namespace. The proxy
// is detached with its own pid file in the namespace's state dir, so it outlives the agent and the
// next apply finds it again instead of starting a second one.
import { spawn } from 'node:child_process';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { livePid, stopDaemon } from './namespaces.js';

const PROXY_SCRIPT = fileURLToPath(new URL('./metadata-proxy.js', import.meta.url));

export interface MetadataProxySpec {
  namespace: string;
  kind: 'network' | 'router';
  id: string;
  /** The namespace's state dir: pid file and log go there. */
  dir: string;
  socket: string;
}

const pidFileOf = (dir: string): string => join(dir, 'metadata-proxy.pid');
/** Script name and id on the command line tell our proxy from any other process (a recycled pid). */
const markerOf = (spec: Pick<MetadataProxySpec, 'id'>): string[] => ['metadata-proxy.js', spec.id];

/** Starts the proxy unless it already runs; resolves with its pid once it listens. */
export async function ensureMetadataProxy(spec: MetadataProxySpec): Promise<number> {
  const pidFile = pidFileOf(spec.dir);
  const running = await livePid(pidFile, markerOf(spec));
  if (running !== undefined && (await proxyArgsMatch(running, spec))) return running;
  if (running !== undefined) await stopDaemon(pidFile, markerOf(spec));
  await mkdir(spec.dir, { recursive: true });
  const log = await open(join(spec.dir, 'metadata-proxy.log'), 'a');
  try {
    // `ip netns exec` execs node in place, so the pid we get is the proxy's.
    const child = spawn('ip', ['netns', 'exec', spec.namespace, process.execPath, '--max-old-space-size=32', PROXY_SCRIPT,
      '--socket', spec.socket, '--kind', spec.kind, '--id', spec.id], { detached: true, stdio: ['ignore', log.fd, log.fd] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    await writeFile(pidFile, `${pid}\n`);
    await waitListening(pid, spec);
    return pid;
  } finally {
    await log.close();
  }
}

export async function stopMetadataProxy(dir: string, id: string): Promise<void> {
  await stopDaemon(pidFileOf(dir), markerOf({ id }));
}

async function proxyArgsMatch(pid: number, spec: MetadataProxySpec): Promise<boolean> {
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  return args.includes(PROXY_SCRIPT) && args.includes(spec.socket) && args.includes(spec.kind);
}

/** Waits until the proxy has bound its port (or has died, which is an error worth its log). */
async function waitListening(pid: number, spec: MetadataProxySpec): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const alive = await readFile(`/proc/${pid}/stat`, 'utf8').then((s) => !/^\d+ \(.*\) Z/.test(s), () => false);
    if (!alive) {
      const tail = await readFile(join(spec.dir, 'metadata-proxy.log'), 'utf8').catch(() => '');
      throw new Error(`metadata proxy in ${spec.namespace} exited: ${tail.trim().split('\n').slice(-2).join(' ')}`);
    }
    if (await listensOn80(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`metadata proxy in ${spec.namespace} did not start listening within 20 s`);
}

/** True when the process holds a listening TCP socket on port 80 (read from its namespace's /proc view). */
async function listensOn80(pid: number): Promise<boolean> {
  const tcp = await readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => '');
  // local_address is hex ip:port; state 0A = LISTEN; 0050 = port 80.
  return tcp.split('\n').some((l) => /:0050 [0-9A-F]{8}:0000 0A/.test(l));
}
