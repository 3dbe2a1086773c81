// The control plane's typed handle on one host's compute agent: each method is a bus call to
// topic `compute.<host>` whose method name and argument object mirror ComputeDriver.
import type { Bus } from '../../platform/bus/bus.js';
import type { ConsoleAddress, GuestNic, GuestSpec, GuestVolume, ImageRef, ObservedGuest, SnapshotTarget } from './driver.js';

export const agentTopic = (host: string): string => `compute.${host}`;
/** Where agents send their reports (hostReport, reconcile); served by the conductor. */
export const CONDUCTOR_TOPIC = 'conductor';

/** Long operations (downloads, boots, snapshots) get long timeouts; queries short ones. */
const LONG = { timeoutMs: 30 * 60_000 };
const SHORT = { timeoutMs: 30_000 };

export class AgentClient {
  constructor(private readonly bus: Bus, readonly host: string) {}

  private call<T>(method: string, args: unknown, long = true): Promise<T> {
    return this.bus.call<T>(agentTopic(this.host), method, args, long ? LONG : SHORT);
  }

  spawn(spec: GuestSpec) { return this.call<void>('spawn', { spec }); }
  destroy(uuid: string) { return this.call<void>('destroy', { uuid }); }
  powerOff(uuid: string, timeoutSec: number) { return this.call<void>('powerOff', { uuid, timeoutSec }); }
  powerOn(spec: GuestSpec) { return this.call<void>('powerOn', { spec }); }
  reboot(spec: GuestSpec, hard: boolean) { return this.call<void>('reboot', { spec, hard }); }
  pause(uuid: string) { return this.call<void>('pause', { uuid }); }
  unpause(uuid: string) { return this.call<void>('unpause', { uuid }); }
  suspend(uuid: string) { return this.call<void>('suspend', { uuid }); }
  resume(spec: GuestSpec) { return this.call<void>('resume', { spec }); }
  snapshot(uuid: string, target: SnapshotTarget) { return this.call<{ size: number }>('snapshot', { uuid, target }); }
  rebuild(spec: GuestSpec, powerOn: boolean) { return this.call<void>('rebuild', { spec, powerOn }); }
  resize(spec: GuestSpec, powerOn: boolean) { return this.call<void>('resize', { spec, powerOn }); }
  confirmResize(uuid: string) { return this.call<void>('confirmResize', { uuid }); }
  revertResize(spec: GuestSpec, powerOn: boolean) { return this.call<void>('revertResize', { spec, powerOn }); }
  rescue(spec: GuestSpec, rescueImage: ImageRef) { return this.call<void>('rescue', { spec, rescueImage }); }
  unrescue(spec: GuestSpec) { return this.call<void>('unrescue', { spec }); }
  consoleOutput(uuid: string, lines?: number) { return this.call<string>('consoleOutput', { uuid, lines }, false); }
  vncAddress(uuid: string) { return this.call<ConsoleAddress>('vncAddress', { uuid }, false); }
  diagnostics(uuid: string) { return this.call<Record<string, unknown>>('diagnostics', { uuid }, false); }
  observe() { return this.call<ObservedGuest[]>('observe', {}, false); }
  attachInterface(uuid: string, nic: GuestNic) { return this.call<void>('attachInterface', { uuid, nic }, false); }
  /** Long: the guest may take its time to release the device. */
  detachInterface(uuid: string, nic: GuestNic) { return this.call<void>('detachInterface', { uuid, nic }); }
  attachVolume(uuid: string, volume: GuestVolume) { return this.call<void>('attachVolume', { uuid, volume }); }
  /** Long: the guest may take its time to release the disk. */
  detachVolume(uuid: string, volumeId: string) { return this.call<void>('detachVolume', { uuid, volumeId }); }
  extendVolume(uuid: string, volumeId: string, sizeBytes: number) { return this.call<void>('extendVolume', { uuid, volumeId, sizeBytes }, false); }
}
