// A simulated host for scheduler and scale tests: guests are entries in a map, power changes are
// immediate (or after `spawnMs`), nothing touches the machine. Never the answer to "does it work".
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComputeDriver, ConsoleAddress, GuestNic, GuestSpec, GuestVolume, HostInventory, ObservedGuest } from '../../driver.js';
import { POWER, type PowerState } from '../../../../compute/vm-states.js';

export interface FakeHostSize { vcpus: number; memoryMb: number; diskGb: number; spawnMs: number }

interface FakeGuest { spec: GuestSpec; power: PowerState; log: string[]; resizeBackup?: GuestSpec; rescued?: boolean }

export class FakeDriver implements ComputeDriver {
  readonly name = 'fake' as const;
  readonly capabilities = { vncConsole: false, suspendToDisk: true, rescue: true };
  private readonly guests = new Map<string, FakeGuest>();
  /** Tests make the next spawns fail (for retry and fault handling). */
  failNextSpawns = 0;
  /** Tests make the next volume attaches fail (for the attach rollback). */
  failNextVolumeAttaches = 0;

  constructor(private readonly host: string, private readonly size: FakeHostSize) {}

  async inventory(): Promise<HostInventory> {
    return {
      vcpus: this.size.vcpus, memoryMb: this.size.memoryMb, localGb: this.size.diskGb, freeDiskGb: this.size.diskGb,
      hypervisorType: 'fake', hypervisorVersion: 1000, hostIp: '127.0.0.1',
      cpuInfo: { arch: 'x86_64', model: 'fake', vendor: 'nubis', topology: { sockets: 1, cores: this.size.vcpus, threads: 1 }, features: [] },
      capabilities: { hw_architecture: 'x86_64', img_hv_type: 'fake' },
    };
  }

  private get(uuid: string): FakeGuest {
    const g = this.guests.get(uuid);
    if (!g) throw new Error(`instance ${uuid} is not on fake host ${this.host}`);
    return g;
  }

  private boot(g: FakeGuest): void {
    g.power = POWER.RUNNING;
    g.log.push(`NUBIS-GUEST-READY hostname=${g.spec.hostname} ips= uuid=${g.spec.uuid}`);
  }

  async spawn(spec: GuestSpec): Promise<void> {
    if (this.size.spawnMs > 0) await sleep(this.size.spawnMs);
    if (this.failNextSpawns > 0) {
      this.failNextSpawns--;
      throw new Error(`fake host ${this.host} was told to fail this spawn`);
    }
    const g: FakeGuest = { spec, power: POWER.NOSTATE, log: [] };
    this.guests.set(spec.uuid, g);
    this.boot(g);
  }

  async destroy(uuid: string): Promise<void> { this.guests.delete(uuid); }
  async powerOff(uuid: string): Promise<void> { this.get(uuid).power = POWER.SHUTDOWN; }
  async powerOn(spec: GuestSpec): Promise<void> { const g = this.get(spec.uuid); g.spec = spec; this.boot(g); }
  async reboot(spec: GuestSpec): Promise<void> { const g = this.get(spec.uuid); g.spec = spec; this.boot(g); }
  async pause(uuid: string): Promise<void> { this.get(uuid).power = POWER.PAUSED; }
  async unpause(uuid: string): Promise<void> { this.get(uuid).power = POWER.RUNNING; }
  async suspend(uuid: string): Promise<void> { this.get(uuid).power = POWER.SUSPENDED; }
  async resume(spec: GuestSpec): Promise<void> { this.get(spec.uuid).power = POWER.RUNNING; }
  async snapshot(uuid: string): Promise<{ size: number }> { this.get(uuid); return { size: 0 }; }

  async rebuild(spec: GuestSpec, powerOn: boolean): Promise<void> {
    const g = this.get(spec.uuid);
    g.spec = spec;
    if (powerOn) this.boot(g); else g.power = POWER.SHUTDOWN;
  }

  async resize(spec: GuestSpec, powerOn: boolean): Promise<void> {
    const g = this.get(spec.uuid);
    g.resizeBackup = g.spec;
    g.spec = spec;
    if (powerOn) this.boot(g); else g.power = POWER.SHUTDOWN;
  }

  async confirmResize(uuid: string): Promise<void> { delete this.get(uuid).resizeBackup; }

  async revertResize(spec: GuestSpec, powerOn: boolean): Promise<void> {
    const g = this.get(spec.uuid);
    g.spec = spec;
    delete g.resizeBackup;
    if (powerOn) this.boot(g); else g.power = POWER.SHUTDOWN;
  }

  async rescue(spec: GuestSpec): Promise<void> { const g = this.get(spec.uuid); g.rescued = true; this.boot(g); }
  async unrescue(spec: GuestSpec): Promise<void> { const g = this.get(spec.uuid); g.rescued = false; this.boot(g); }

  async consoleOutput(uuid: string, lines?: number): Promise<string> {
    const log = this.get(uuid).log;
    return (lines !== undefined && lines >= 0 ? log.slice(-lines) : log).join('\n') + (log.length ? '\n' : '');
  }

  async vncAddress(): Promise<ConsoleAddress> { throw new Error('the fake driver has no VNC console'); }

  async diagnostics(uuid: string): Promise<Record<string, unknown>> {
    const g = this.get(uuid);
    return { state: g.power === POWER.RUNNING ? 'running' : 'shutdown', driver: 'fake', hypervisor: 'fake', hypervisor_os: 'linux',
      uptime: 0, num_cpus: g.spec.vcpus, num_nics: g.spec.nics.length, num_disks: 1, memory_details: { maximum: g.spec.memoryMb, used: 0 },
      cpu_details: [], nic_details: [], disk_details: [], config_drive: g.spec.configDrive !== null };
  }

  async attachInterface(uuid: string, nic: GuestNic): Promise<void> {
    const g = this.get(uuid);
    if (!g.spec.nics.some((n) => n.tap === nic.tap)) g.spec = { ...g.spec, nics: [...g.spec.nics, nic] };
  }

  async detachInterface(uuid: string, nic: GuestNic): Promise<void> {
    const g = this.get(uuid);
    g.spec = { ...g.spec, nics: g.spec.nics.filter((n) => n.tap !== nic.tap) };
  }

  async attachVolume(uuid: string, volume: GuestVolume): Promise<void> {
    const g = this.get(uuid);
    if (this.failNextVolumeAttaches > 0) {
      this.failNextVolumeAttaches--;
      throw new Error(`fake host ${this.host} was told to fail this volume attach`);
    }
    const volumes = g.spec.volumes ?? [];
    if (!volumes.some((v) => v.volumeId === volume.volumeId)) g.spec = { ...g.spec, volumes: [...volumes, volume] };
  }

  async detachVolume(uuid: string, volumeId: string): Promise<void> {
    const g = this.get(uuid);
    g.spec = { ...g.spec, volumes: (g.spec.volumes ?? []).filter((v) => v.volumeId !== volumeId) };
  }

  async extendVolume(uuid: string, volumeId: string, sizeBytes: number): Promise<void> {
    this.get(uuid).log.push(`NUBIS-DISK-EXTENDED volume=${volumeId} bytes=${sizeBytes}`);
  }

  /** The volumes the guest has now (tests). */
  volumesOf(uuid: string): GuestVolume[] { return this.guests.get(uuid)?.spec.volumes ?? []; }

  /** The NICs the guest has now (tests). */
  nicsOf(uuid: string): GuestNic[] { return this.guests.get(uuid)?.spec.nics ?? []; }
  /** The spec the guest was last (re)started with (tests). */
  specOf(uuid: string): GuestSpec | undefined { return this.guests.get(uuid)?.spec; }

  async observe(): Promise<ObservedGuest[]> {
    return [...this.guests.entries()].map(([uuid, g]) => ({ uuid, power: g.power, attached: true }));
  }

  /** Simulates a guest that shut itself down (for the power-state sync). */
  simulateShutdown(uuid: string): void { this.get(uuid).power = POWER.SHUTDOWN; }
  /** Simulates a guest process that vanished. */
  simulateVanish(uuid: string): void { this.guests.delete(uuid); }
}
