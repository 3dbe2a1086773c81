// A host's compute agent: serves the conductor's calls on `compute.<host>` by driving its
// ComputeDriver, reports inventory as its heartbeat, and periodically shows the conductor what
// really runs here (reconciliation), removing the guests the conductor says are not ours.
import type { Bus, Subscription } from '../../platform/bus/bus.js';
import type { ComputeConfig } from '../../platform/config.compute.js';
import type { Logger } from '../../platform/logger.js';
import { KeyedQueue } from '../../platform/keyed-queue.js';
import { agentTopic, CONDUCTOR_TOPIC } from './agent-client.js';
import type { ComputeDriver } from './driver.js';


export class ComputeAgent {
  private subscription?: Subscription;
  private timers: NodeJS.Timeout[] = [];
  /** One operation per guest at a time (QMP and files are not shared between operations). */
  private readonly operations = new KeyedQueue();
  private syncing = false;

  constructor(readonly host: string, readonly driver: ComputeDriver, private readonly bus: Bus,
    private readonly config: ComputeConfig, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.serve(agentTopic(this.host), (method, args) => this.handle(method, args ?? {}));
    await this.report();
    await this.sync();
    const every = (s: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err) => this.log.warn({ err: String(err), host: this.host }, 'compute agent task failed')), s * 1000);
      t.unref();
      this.timers.push(t);
    };
    every(this.config.heartbeatSeconds, () => this.report());
    every(this.config.syncPowerStateSeconds, () => this.sync());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.subscription?.unsubscribe();
    await this.operations.idle();
  }

  /** Heartbeat + inventory. */
  async report(): Promise<void> {
    const inventory = await this.driver.inventory();
    await this.bus.call(CONDUCTOR_TOPIC, 'hostReport', {
      host: this.host, inventory,
      reserved: { vcpus: this.config.reservedHostVcpus, memoryMb: this.config.reservedHostMemoryMb, diskGb: this.config.reservedHostDiskGb },
    });
  }

  /** Shows the conductor what runs here; removes what it says is orphaned. Never restarts a guest. */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const observed = await this.driver.observe();
      const { destroy } = await this.bus.call<{ destroy: string[] }>(CONDUCTOR_TOPIC, 'reconcile', { host: this.host, observed });
      for (const uuid of destroy) {
        if (this.operations.busy(uuid)) continue; // an operation on it is running right now
        this.log.info({ uuid, host: this.host }, 'removing a guest the database does not know (or deleted)');
        await this.operations.run(uuid, () => this.driver.destroy(uuid));
      }
    } finally {
      this.syncing = false;
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async handle(method: string, a: any): Promise<unknown> {
    const d = this.driver;
    const uuid: string = a.uuid ?? a.spec?.uuid;
    switch (method) {
      case 'observe': return d.observe();
      case 'consoleOutput': return d.consoleOutput(a.uuid, a.lines);
      case 'vncAddress': return d.vncAddress(a.uuid);
      case 'diagnostics': return d.diagnostics(a.uuid);
    }
    const ops: Record<string, () => Promise<unknown>> = {
      spawn: () => d.spawn(a.spec),
      destroy: () => d.destroy(a.uuid),
      powerOff: () => d.powerOff(a.uuid, a.timeoutSec ?? this.config.shutdownTimeoutSeconds),
      powerOn: () => d.powerOn(a.spec),
      reboot: () => d.reboot(a.spec, Boolean(a.hard)),
      pause: () => d.pause(a.uuid),
      unpause: () => d.unpause(a.uuid),
      suspend: () => d.suspend(a.uuid),
      resume: () => d.resume(a.spec),
      snapshot: () => d.snapshot(a.uuid, a.target),
      rebuild: () => d.rebuild(a.spec, Boolean(a.powerOn)),
      resize: () => d.resize(a.spec, Boolean(a.powerOn)),
      confirmResize: () => d.confirmResize(a.uuid),
      revertResize: () => d.revertResize(a.spec, Boolean(a.powerOn)),
      rescue: () => d.rescue(a.spec, a.rescueImage),
      unrescue: () => d.unrescue(a.spec),
      attachInterface: () => d.attachInterface(a.uuid, a.nic),
      detachInterface: () => d.detachInterface(a.uuid, a.nic),
      attachVolume: () => d.attachVolume(a.uuid, a.volume),
      detachVolume: () => d.detachVolume(a.uuid, a.volumeId),
      extendVolume: () => d.extendVolume(a.uuid, a.volumeId, a.sizeBytes),
    };
    const op = ops[method];
    if (!op) throw new Error(`compute agent has no method ${method}`);
    if (typeof uuid !== 'string') throw new Error(`${method}: no instance uuid given`);
    return this.operations.run(uuid, op);
  }
}
