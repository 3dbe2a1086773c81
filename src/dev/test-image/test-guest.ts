import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a test boots the test guest under QEMU (TCG; KVM does not run guests on these machines). */
export interface TestGuestSpec {
  /** A scratch directory the caller owns and removes: serial log and QMP socket go there. */
  dir: string;
  /** Direct kernel boot (the aki/ari style)… */
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  /** …and/or virtio disks, the first one bootable (the whole-disk style). */
  disks?: string[];
  /** virtio NICs on existing tap devices (QEMU brings no script; the caller sets the taps up). */
  nics?: Array<{ tap: string; mac: string }>;
  /** Runs QEMU inside this network namespace (`ip netns exec`), where the taps live. */
  netns?: string;
  /** `tcg` (default) or `kvm` (for the KVM trial boot). */
  accel?: 'tcg' | 'kvm';
}

/** A QEMU process running the test guest; `stop()` kills it by its PID and is safe to repeat. */
export class TestGuest {
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(private readonly child: ChildProcess, readonly serialLog: string, readonly qmpSocket: string) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => { this.exitCode = code; resolve(code); }));
  }

  static start(spec: TestGuestSpec): TestGuest {
    const serialLog = join(spec.dir, 'serial.log');
    const qmpSocket = join(spec.dir, 'qmp.sock');
    const args = [
      '-accel', spec.accel ?? 'tcg', '-m', '256', '-nodefaults', '-display', 'none', '-no-reboot',
      '-serial', `file:${serialLog}`,
      '-qmp', `unix:${qmpSocket},server=on,wait=off`,
    ];
    if (spec.kernel) args.push('-kernel', spec.kernel, '-append', spec.cmdline ?? 'console=ttyS0');
    if (spec.initrd) args.push('-initrd', spec.initrd);
    (spec.disks ?? []).forEach((file, i) => {
      const fmt = file.endsWith('.qcow2') ? 'qcow2' : 'raw';
      args.push('-blockdev', `driver=file,filename=${file},node-name=f${i}`,
        '-blockdev', `driver=${fmt},file=f${i},node-name=d${i}`,
        '-device', `virtio-blk-pci,drive=d${i},id=disk${i}${i === 0 && !spec.kernel ? ',bootindex=0' : ''}`);
    });
    // romfile= : no PXE option ROM needed (direct kernel boot), so ipxe-qemu need not be installed.
    (spec.nics ?? []).forEach(({ tap, mac }, i) => {
      args.push('-netdev', `tap,id=n${i},ifname=${tap},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n${i},mac=${mac},romfile=`);
    });
    // `ip netns exec` execs QEMU itself, so the child's PID stays QEMU's and stop() kills QEMU.
    const [cmd, argv]: [string, string[]] = spec.netns
      ? ['ip', ['netns', 'exec', spec.netns, 'qemu-system-x86_64', ...args]]
      : ['qemu-system-x86_64', args];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.resume();
    return new TestGuest(child, serialLog, qmpSocket);
  }

  get pid(): number | undefined { return this.child.pid; }

  console(): string {
    try { return readFileSync(this.serialLog, 'utf8'); } catch { return ''; }
  }

  /** Resolves with the first console line matching `re`; rejects after `timeoutMs` or if QEMU exits. */
  async waitForLine(re: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.console().split(/\r?\n/).find((l) => re.test(l));
      if (line !== undefined) return line;
      if (this.exitCode !== undefined) throw new Error(`QEMU exited (${this.exitCode}) before ${re}; console:\n${this.console().slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no console line ${re} within ${timeoutMs} ms; console:\n${this.console().slice(-2000)}`);
      await sleep(200);
    }
  }

  /** Runs one QMP command on a fresh connection and returns its `return` value. */
  async qmp(execute: string, args?: Record<string, unknown>): Promise<unknown> {
    const sock: Socket = createConnection(this.qmpSocket);
    try {
      let buf = '';
      const replies: unknown[] = [];
      const waiters: Array<() => void> = [];
      sock.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const msg = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
          buf = buf.slice(nl + 1);
          if (!('event' in msg)) { replies.push(msg); waiters.shift()?.(); }
        }
      });
      const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`QMP ${execute}: no reply`)), 10_000);
        const take = () => { clearTimeout(timer); resolve(replies.shift() as Record<string, unknown>); };
        if (replies.length) take(); else waiters.push(take);
      });
      await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
      await next(); // greeting
      sock.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
      await next();
      sock.write(JSON.stringify(args ? { execute, arguments: args } : { execute }) + '\n');
      const reply = await next();
      if ('error' in reply) throw new Error(`QMP ${execute}: ${JSON.stringify(reply.error)}`);
      return reply.return;
    } finally {
      sock.destroy();
    }
  }

  /** Resolves with QEMU's exit code, or `undefined` if it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<number | null | undefined> {
    // ref: false, so a pending timer never keeps the test process alive once QEMU has exited.
    return Promise.race([this.exited, sleep(timeoutMs, undefined, { ref: false })]);
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined || this.child.pid === undefined) return;
    process.kill(this.child.pid, 'SIGKILL');
    await this.exited;
  }
}
