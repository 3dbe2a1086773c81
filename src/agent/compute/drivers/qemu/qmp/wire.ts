// The QMP wire: one Unix-socket connection to a QEMU monitor. QEMU sends a greeting, waits for
// `qmp_capabilities`, then answers each command with a reply carrying the command's `id`, and
// interleaves asynchronous events. Replies are matched by id, never by order, so an event or a
// late reply to a timed-out command can never be taken for the answer to another command.
import { createConnection, type Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

/** A command QEMU refused (`{"error": {"class", "desc"}}`). */
export class QmpCommandError extends Error {
  constructor(readonly command: string, readonly errorClass: string, desc: string) {
    super(`QMP ${command}: ${errorClass}: ${desc}`);
    this.name = 'QmpCommandError';
  }
}

interface Pending { command: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }

export interface ConnectOptions {
  /** How long to wait for the connection, the greeting and the capabilities reply. */
  timeoutMs?: number;
}

export class QmpWire {
  private nextId = 1;
  private buf = '';
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: QmpEvent) => void>();
  private greeting: ((v: unknown) => void) | null = null;
  private open = true;
  /** Resolves once the connection is gone (QEMU quit, crashed, or `close()`). */
  readonly closed: Promise<void>;

  private constructor(private readonly sock: Socket) {
    this.closed = new Promise((resolve) => sock.once('close', () => { this.onClose(); resolve(); }));
    sock.on('error', () => undefined); // 'close' follows and fails what is pending
    sock.on('data', (d: Buffer) => this.onData(d));
  }

  /** Dials the socket, reads the greeting and negotiates capabilities. */
  static async connect(path: string, opts: ConnectOptions = {}): Promise<QmpWire> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const sock = createConnection(path);
    const wire = new QmpWire(sock);
    const timer = setTimeout(() => sock.destroy(new Error('timeout')), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('error', (e) => reject(new Error(`QMP ${path}: ${e.message}`)));
      });
      await new Promise((resolve, reject) => {
        wire.greeting = resolve;
        void wire.closed.then(() => reject(new Error(`QMP ${path}: closed before its greeting`)));
      });
      await wire.execute('qmp_capabilities', undefined, timeoutMs);
      return wire;
    } catch (e) {
      sock.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  get isOpen(): boolean { return this.open; }

  /** Runs one command; resolves with its `return` value, rejects with QmpCommandError or on timeout/close. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = 30_000): Promise<T> {
    if (!this.open) return Promise.reject(new Error(`QMP ${command}: connection closed`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`QMP ${command}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.sock.write(JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id }) + '\n');
    });
  }

  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void { this.sock.destroy(); }

  private onData(d: Buffer): void {
    this.buf += d.toString('utf8');
    let nl;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try { msg = JSON.parse(line) as Record<string, unknown>; } catch { continue; }
      this.dispatch(msg);
    }
  }

  private dispatch(msg: Record<string, unknown>): void {
    if ('QMP' in msg) { this.greeting?.(msg.QMP); this.greeting = null; return; }
    if (typeof msg.event === 'string') {
      for (const l of this.listeners) l({ event: msg.event, data: msg.data as Record<string, unknown> | undefined });
      return;
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return; // a reply to a command that already timed out
    this.pending.delete(msg.id as number);
    clearTimeout(p.timer);
    if ('error' in msg) {
      const err = (msg.error ?? {}) as { class?: string; desc?: string };
      p.reject(new QmpCommandError(p.command, err.class ?? 'GenericError', err.desc ?? 'unknown error'));
    } else {
      p.resolve(msg.return);
    }
  }

  private onClose(): void {
    this.open = false;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      // `quit` is answered by the socket closing as often as by a reply.
      if (p.command === 'quit') p.resolve({}); else p.reject(new Error(`QMP ${p.command}: connection closed`));
      this.pending.delete(id);
    }
  }
}
