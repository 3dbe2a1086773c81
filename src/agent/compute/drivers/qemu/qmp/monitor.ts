// One QMP connection per guest socket, dialled on demand: nothing is connected at start, so an
// agent that restarted re-attaches to running guests the first time it needs them. QEMU's QMP
// server serves one client at a time; keeping the connection open is what makes us that client.
import { QmpWire } from './wire.js';

export class MonitorPool {
  private readonly wires = new Map<string, QmpWire>();
  private readonly dialling = new Map<string, Promise<QmpWire>>();

  constructor(private readonly connectTimeoutMs = 5000) {}

  /** The open connection to `socketPath`, dialling it if there is none (concurrent callers share one dial). */
  get(socketPath: string): Promise<QmpWire> {
    const open = this.wires.get(socketPath);
    if (open?.isOpen) return Promise.resolve(open);
    const inFlight = this.dialling.get(socketPath);
    if (inFlight) return inFlight;
    const dial = QmpWire.connect(socketPath, { timeoutMs: this.connectTimeoutMs }).then((wire) => {
      this.wires.set(socketPath, wire);
      void wire.closed.then(() => { if (this.wires.get(socketPath) === wire) this.wires.delete(socketPath); });
      return wire;
    }).finally(() => this.dialling.delete(socketPath));
    this.dialling.set(socketPath, dial);
    return dial;
  }

  /** True if a connection to `socketPath` is open now (no dialling). */
  isAttached(socketPath: string): boolean {
    return this.wires.get(socketPath)?.isOpen ?? false;
  }

  /** Closes the connection to one guest (it is going away, or its QEMU is being replaced). */
  drop(socketPath: string): void {
    this.wires.get(socketPath)?.close();
    this.wires.delete(socketPath);
  }

  closeAll(): void {
    for (const path of [...this.wires.keys()]) this.drop(path);
  }
}
