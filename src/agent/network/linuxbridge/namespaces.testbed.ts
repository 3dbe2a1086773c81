// Test scaffolding for the L3 tests: a namespace standing in for the host (with the bridges the L2
// half would make), "VM" and "external" namespaces wired into those bridges, and an L3Context on a
// fresh state dir. Every object has an `nb` name with a random suffix and is removed by name in
// cleanup(); processes the tests start are killed by pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../platform/run.js';
import { bridgeName, type L2Network } from '../host-state.js';
import type { L3Context } from './l3-context.js';
import { ip, nsExec } from './namespaces.js';

export const quietLog: L3Context['log'] = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as L3Context['log'];

export const randomMac = (): string => `fa:16:3e:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

export class Testbed {
  readonly tag = randomBytes(3).toString('hex');
  readonly hostNs = `nbtest-${this.tag}-h`;
  readonly networks = new Map<string, L2Network>();
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];
  stateDir = '';

  async start(): Promise<void> {
    this.stateDir = await mkdtemp(join(tmpdir(), 'nbtest-l3-'));
    await chmod(this.stateDir, 0o755); // as /var/lib/nubis is: dnsmasq then runs as nobody
    await this.addNamespace(this.hostNs);
  }

  /** An L3Context over this testbed; a new one per call, as after an agent restart. */
  context(): L3Context {
    return {
      opts: { localVtep: null, physicalNetworks: {}, stateDir: this.stateDir, metadataSocket: join(this.stateDir, 'metadata.sock') },
      networks: this.networks,
      bridgeOf: (id) => bridgeName(id),
      log: quietLog,
      netns: this.hostNs,
    };
  }

  async addNamespace(name: string): Promise<string> {
    await ip(undefined, ['netns', 'add', name]);
    this.namespaces.push(name);
    await ip(name, ['link', 'set', 'lo', 'up']);
    return name;
  }

  /** A network: its bridge in the host namespace. */
  async addNetwork(mtu = 1500): Promise<string> {
    const id = randomUUID();
    this.networks.set(id, { id, type: 'local', vni: null, physicalNetwork: null, mtu, remoteVteps: [], remoteMacs: [] });
    await ip(this.hostNs, ['link', 'add', bridgeName(id), 'mtu', String(mtu), 'type', 'bridge']);
    await ip(this.hostNs, ['link', 'set', bridgeName(id), 'up']);
    return id;
  }

  /** A namespace plugged into a network's bridge by a veth named `dev` inside it. */
  async addGuest(role: string, networkId: string, mac: string, dev = 'nbeth0'): Promise<string> {
    const ns = await this.addNamespace(`nbtest-${this.tag}-${role}`);
    const hostDev = `nbq${this.tag}${role}`.slice(0, 15);
    const mtu = this.networks.get(networkId)!.mtu;
    await ip(this.hostNs, ['link', 'add', hostDev, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', dev, 'mtu', String(mtu), 'address', mac, 'netns', ns]);
    await ip(this.hostNs, ['link', 'set', hostDev, 'master', bridgeName(networkId), 'up']);
    await ip(ns, ['link', 'set', dev, 'up']);
    return ns;
  }

  /** A tiny HTTP server in a namespace answering every request with the client's address. */
  async serveWhoAmI(ns: string, port: number): Promise<void> {
    const script = `require('http').createServer((q,s)=>s.end(q.socket.remoteAddress.replace(/^::ffff:/,''))).listen(${port},'0.0.0.0',()=>console.log('up'))`;
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`who-am-i server exited (${code})`)));
    });
  }

  /** `busybox wget` from a namespace; resolves with the body. (Its -T option segfaults in Debian's 1.35 static build.) */
  wget(ns: string, url: string): Promise<string> {
    return nsExec(ns, 'timeout', ['20', 'busybox', 'wget', '-q', '-O', '-', url]);
  }

  /** busybox udhcpc on a namespace's device; the lease's variables, or undefined when none came. */
  async udhcpc(ns: string, dev = 'nbeth0', tries = 6): Promise<Record<string, string> | undefined> {
    const out = join(this.stateDir, `lease-${ns}-${Date.now()}`);
    const script = join(this.stateDir, 'udhcpc-script');
    await writeFile(script, `#!/bin/sh\n[ "$1" = bound ] && env > "$LEASE_OUT"\nexit 0\n`, { mode: 0o755 });
    try {
      await run('env', [`LEASE_OUT=${out}`, 'ip', 'netns', 'exec', ns, 'busybox', 'udhcpc', '-i', dev, '-n', '-q', '-f',
        '-t', String(tries), '-T', '2', '-s', script, '-O', 'mtu', '-O', 'staticroutes', '-O', 'domain']);
    } catch {
      return undefined;
    }
    const vars: Record<string, string> = {};
    for (const line of (await readFile(out, 'utf8')).split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) vars[line.slice(0, i)] = line.slice(i + 1);
    }
    return vars;
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const ns of this.namespaces.reverse()) await ip(undefined, ['netns', 'delete', ns]).catch(() => undefined);
    if (this.stateDir) await rm(this.stateDir, { recursive: true, force: true });
  }
}

/** Polls until `check` resolves truthy (or throws its last error after `ms`). */
export async function eventually<T>(check: () => Promise<T>, ms = 30_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not reached in ${ms} ms${last ? `: ${(last as Error).message}` : ''}`);
}

/** Whether a pid is a live (non-zombie) process. */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}
