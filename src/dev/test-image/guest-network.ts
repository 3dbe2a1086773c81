import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../../platform/run.js';

export const METADATA_IP = '169.254.169.254';

/**
 * A private network for one test guest, all inside a fresh network namespace (root needed): a
 * bridge, a tap for QEMU, dnsmasq serving DHCP on the bridge only, and a tiny HTTP server playing
 * the metadata service on 169.254.169.254:80. Nothing outside the namespace is touched, and
 * deleting the namespace removes every device in it.
 */
export class GuestNetwork {
  readonly netns: string;
  readonly bridge: string;
  readonly tap: string;
  readonly mac: string;
  readonly subnet: string; // "10.254.X", a /24
  readonly gateway: string;
  readonly dir: string;
  readonly leaseFile: string;
  private readonly children: ChildProcess[] = [];
  private readonly httpLog: string[] = [];

  private constructor() {
    const id = randomBytes(3).toString('hex');
    this.netns = `nbns-${id}`;
    this.bridge = `nbr-${id}`; // kernel interface names are at most 15 characters
    this.tap = `nbt-${id}`;
    const m = randomBytes(3);
    this.mac = `52:54:00:${[...m].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    this.subnet = `10.254.${2 + (m[0]! % 250)}`;
    this.gateway = `${this.subnet}.1`;
    this.dir = mkdtempSync(join(tmpdir(), 'nubis-guest-net-'));
    this.leaseFile = join(this.dir, 'dnsmasq.leases');
  }

  /** Creates the namespace and its devices, then starts dnsmasq and the metadata server. */
  static async start(metadata: { metaData: object; userData: string }): Promise<GuestNetwork> {
    const net = new GuestNetwork();
    try {
      await net.setUp(metadata);
      return net;
    } catch (e) {
      await net.stop();
      throw e;
    }
  }

  private async setUp(metadata: { metaData: object; userData: string }): Promise<void> {
    const ip = (...args: string[]) => run('ip', ['-n', this.netns, ...args]);
    await run('ip', ['netns', 'add', this.netns]);
    await ip('link', 'set', 'lo', 'up');
    await ip('link', 'add', this.bridge, 'type', 'bridge');
    await ip('addr', 'add', `${this.gateway}/24`, 'dev', this.bridge);
    await ip('addr', 'add', `${METADATA_IP}/32`, 'dev', this.bridge);
    await ip('tuntap', 'add', 'dev', this.tap, 'mode', 'tap');
    await ip('link', 'set', this.tap, 'master', this.bridge);
    await ip('link', 'set', this.tap, 'up');
    await ip('link', 'set', this.bridge, 'up');

    const www = join(this.dir, 'www', 'openstack', 'latest');
    mkdirSync(www, { recursive: true });
    writeFileSync(join(www, 'meta_data.json'), JSON.stringify(metadata.metaData));
    writeFileSync(join(www, 'user_data'), metadata.userData);

    // DHCP only (port=0: no DNS), on the bridge only. The default router option is the bridge's
    // address, which also holds 169.254.169.254, so the guest reaches the metadata service through it.
    const dnsmasq = this.spawnIn('dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--no-resolv', '--no-hosts',
      `--interface=${this.bridge}`, '--bind-interfaces', '--except-interface=lo',
      `--dhcp-range=${this.subnet}.100,${this.subnet}.199,255.255.255.0,1h`,
      `--pid-file=${join(this.dir, 'dnsmasq.pid')}`, `--dhcp-leasefile=${this.leaseFile}`,
      `--log-facility=${join(this.dir, 'dnsmasq.log')}`, '--log-dhcp',
    ]);
    const http = this.spawnIn(process.execPath, ['--input-type=module', '-e', METADATA_SERVER, join(this.dir, 'www'), METADATA_IP]);
    let partial = '';
    http.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop()!;
      this.httpLog.push(...lines);
    });
    await this.waitFor(() => this.httpLog.includes('listening'), 10_000, 'metadata server listening');
    // dnsmasq writes its pid file once its sockets are bound.
    await this.waitFor(() => readOr(join(this.dir, 'dnsmasq.pid')) !== '', 10_000, 'dnsmasq started');
    if (dnsmasq.exitCode !== null) throw new Error(`dnsmasq exited: ${readOr(join(this.dir, 'dnsmasq.log'))}`);
  }

  /** Starts a long-running child inside the namespace; `ip netns exec` execs it, so its PID is the child's. */
  private spawnIn(cmd: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.netns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.resume();
    child.stderr!.resume();
    this.children.push(child);
    return child;
  }

  private async waitFor(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  /** Paths the metadata server was asked for, in order. */
  requests(): string[] {
    return this.httpLog.filter((l) => l.startsWith('GET ')).map((l) => l.slice(4));
  }

  /** dnsmasq's lease for `mac` (its address), waiting up to `timeoutMs` for it to be written. */
  async lease(mac: string, timeoutMs = 10_000): Promise<string> {
    let addr: string | undefined;
    await this.waitFor(() => {
      // A lease line: <expiry> <mac> <ip> <hostname> <client-id>
      addr = readOr(this.leaseFile).split('\n').map((l) => l.split(' ')).find((f) => f[1] === mac)?.[2];
      return addr !== undefined;
    }, timeoutMs, `a dnsmasq lease for ${mac}`);
    return addr!;
  }

  /** Runs a command inside the namespace (e.g. ping). */
  exec(cmd: string, args: string[]): Promise<string> {
    return run('ip', ['netns', 'exec', this.netns, cmd, ...args]);
  }

  dnsmasqLog(): string {
    return readOr(join(this.dir, 'dnsmasq.log'));
  }

  /** Kills our children by PID, deletes the namespace by name, removes the scratch dir. Safe to repeat. */
  async stop(): Promise<void> {
    for (const c of this.children.splice(0)) {
      if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) continue;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      process.kill(c.pid, 'SIGKILL');
      await Promise.race([exited, sleep(5_000, undefined, { ref: false })]);
    }
    await run('ip', ['netns', 'delete', this.netns]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readOr(file: string): string {
  try { return readFileSync(file, 'utf8').trim(); } catch { return ''; }
}

// Serves files under argv[1] on argv[2]:80, logging each request path on stdout.
const METADATA_SERVER = `
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
const [root, host] = process.argv.slice(1);
createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  console.log('GET ' + path);
  try { const body = await readFile(join(root, path)); res.writeHead(200); res.end(body); }
  catch { res.writeHead(404); res.end(); }
}).listen(80, host, () => console.log('listening'));
`;
