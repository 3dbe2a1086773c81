// The "outside world" of the network tests: a namespace of the test's own, joined to the host by a
// veth pair whose host end the cloud's agent puts into an external (flat) network's bridge. Inside:
// an address (the external subnet's gateway, as an upstream router would have) and a tiny HTTP
// server that records who called it, so a test sees a router's SNAT address and reaches floating IPs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../../src/platform/run.js';

const HTTP_SERVER = `
import { createServer } from 'node:http';
const [host, port] = process.argv.slice(1);
createServer((req, res) => {
  const from = (req.socket.remoteAddress || '').replace(/^::ffff:/, '');
  console.log('REQUEST ' + req.url + ' ' + from);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello ' + from + '\\n');
}).listen(Number(port), host, () => console.log('listening'));
`;

export class ExternalNamespace {
  readonly netns: string;
  /** The veth end left in the host namespace: map a physical network to it. */
  readonly hostInterface: string;
  private readonly inner: string;
  private server?: ChildProcess;
  private readonly lines: string[] = [];

  private constructor(readonly address: string, readonly prefix: number, readonly httpPort: number) {
    const id = randomBytes(3).toString('hex');
    this.netns = `nbns-x${id}`;
    this.hostInterface = `nbxh${id}`;
    this.inner = `nbxn${id}`;
  }

  /** `address`/`prefix`: the namespace's address on the external network (e.g. 203.0.113.1/24). */
  static async start(address = '203.0.113.1', prefix = 24, httpPort = 8080): Promise<ExternalNamespace> {
    const ns = new ExternalNamespace(address, prefix, httpPort);
    try {
      await ns.setUp();
      return ns;
    } catch (err) {
      await ns.stop();
      throw err;
    }
  }

  private async setUp(): Promise<void> {
    await run('ip', ['netns', 'add', this.netns]);
    await run('ip', ['link', 'add', this.hostInterface, 'type', 'veth', 'peer', 'name', this.inner, 'netns', this.netns]);
    await run('ip', ['link', 'set', this.hostInterface, 'up']);
    const ip = (...args: string[]) => run('ip', ['-n', this.netns, ...args]);
    await ip('link', 'set', 'lo', 'up');
    await ip('addr', 'add', `${this.address}/${this.prefix}`, 'dev', this.inner);
    await ip('link', 'set', this.inner, 'up');
    const child = spawn('ip', ['netns', 'exec', this.netns, process.execPath, '--input-type=module', '-e', HTTP_SERVER,
      this.address, String(this.httpPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.server = child;
    let partial = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
    });
    child.stderr!.resume();
    const deadline = Date.now() + 15_000;
    while (!this.lines.includes('listening')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('the external namespace HTTP server did not start');
      await sleep(100);
    }
  }

  /** The `network` config of a `nubis up` whose external network `public` is this namespace's /24:
   *  flat on the host end of the veth, the namespace's address as its gateway, floating IPs .10–.100. */
  networkConfig(): Record<string, unknown> {
    const base = this.address.split('.').slice(0, 3).join('.');
    return {
      physicalNetworks: { extnet: { interface: this.hostInterface } },
      defaultExternal: { name: 'public', physicalNetwork: 'extnet', cidr: `${base}.0/24`, gateway: this.address,
        poolStart: `${base}.10`, poolEnd: `${base}.100` },
    };
  }

  /** Requests the HTTP server saw: path and the caller's address. */
  requests(): Array<{ path: string; from: string }> {
    return this.lines.filter((l) => l.startsWith('REQUEST ')).map((l) => {
      const [, path, from] = l.split(' ');
      return { path: path!, from: from! };
    });
  }

  /** One ping from the namespace; true when answered. */
  async ping(address: string, timeoutSec = 2): Promise<boolean> {
    try {
      await this.exec('ping', ['-c', '1', '-W', String(timeoutSec), address]);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs a command inside the namespace. */
  exec(cmd: string, args: string[]): Promise<string> {
    return run('ip', ['netns', 'exec', this.netns, cmd, ...args]);
  }

  /** Kills the server by PID and deletes the namespace by name (its veth pair goes with it). Safe to repeat. */
  async stop(): Promise<void> {
    const child = this.server;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGKILL');
      await Promise.race([exited, sleep(5_000, undefined, { ref: false })]);
    }
    await run('ip', ['netns', 'delete', this.netns]).catch(() => undefined);
    await run('ip', ['link', 'delete', this.hostInterface]).catch(() => undefined);
  }
}
