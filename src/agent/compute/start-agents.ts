// Starts this process's compute agents from config: one real QEMU host, any number of fake
// hosts (`<host>-fake-<n>`), or none (a controller, or tests that set hosts up themselves).
import type { Platform } from '../../platform/platform.js';
import { ComputeAgent } from './compute-agent.js';
import type { ComputeDriver } from './driver.js';
import { FakeDriver } from './drivers/fake/fake-driver.js';
import { createQemuDriver } from './drivers/qemu/qemu-driver.js';
import { kvmBootsGuests } from './drivers/qemu/kvm-trial.js';

export interface RunningAgents {
  readonly agents: ComputeAgent[];
  stop(): Promise<void>;
}

export async function startComputeAgents(platform: Platform): Promise<RunningAgents> {
  const c = platform.config.compute;
  const drivers: Array<[string, ComputeDriver]> = [];
  let closeDriver: (() => void) | undefined;
  if (c.driver === 'fake') {
    for (let i = 1; i <= c.fakeHosts; i++) {
      drivers.push([`${c.host}-fake-${i}`, new FakeDriver(`${c.host}-fake-${i}`,
        { vcpus: c.fakeHostVcpus, memoryMb: c.fakeHostMemoryMb, diskGb: c.fakeHostDiskGb, spawnMs: c.fakeSpawnMs })]);
    }
  } else if (c.driver === 'qemu') {
    let accel = c.accel;
    if (accel === 'kvm') {
      const trial = await kvmBootsGuests(platform.config.stateDir);
      if (!trial.ok) platform.log.warn({ reason: trial.reason }, 'accel kvm is configured but a trial guest does not boot under KVM: using tcg');
      accel = trial.ok ? 'kvm' : 'tcg';
    }
    const qemu = createQemuDriver({ stateDir: platform.config.stateDir, host: c.host, accel,
      reservedHostMemoryMb: c.reservedHostMemoryMb, shutdownTimeoutSec: c.shutdownTimeoutSeconds });
    // Base images no guest uses any more go (Nova's image cache manager does this every 40 min).
    const cleaner = setInterval(() => { try { qemu.cleanImageCache(); } catch (err) { platform.log.warn({ err: String(err) }, 'image cache cleaning failed'); } }, 40 * 60_000);
    cleaner.unref();
    closeDriver = () => { clearInterval(cleaner); qemu.close(); };
    drivers.push([c.host, qemu]);
  }
  const agents: ComputeAgent[] = [];
  try {
    for (const [host, driver] of drivers) {
      const agent = new ComputeAgent(host, driver, platform.bus, c, platform.log);
      await agent.start();
      agents.push(agent);
    }
  } catch (err) {
    await Promise.allSettled(agents.map((a) => a.stop()));
    closeDriver?.();
    throw err;
  }
  return {
    agents,
    async stop() {
      await Promise.allSettled(agents.map((a) => a.stop()));
      closeDriver?.();
    },
  };
}
