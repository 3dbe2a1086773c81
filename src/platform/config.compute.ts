// Compute settings: the driver and host of this process's agent, the scheduler's ratios and
// weights, quota defaults, timers. Read from the config file's `compute` object and NUBIS_COMPUTE_*.
import { hostname } from 'node:os';

export interface ComputeConfig {
  /** `qemu` (real guests) or `fake` (simulated hosts, for scheduler and scale tests); `none` runs no agent. */
  driver: 'qemu' | 'fake' | 'none';
  /** This machine's compute host name. */
  host: string;
  /** QEMU accelerator: `tcg` (default; works everywhere) or `kvm` (only if a trial boot works). */
  accel: 'tcg' | 'kvm';
  /** Fake driver: how many hosts (`<host>-fake-<n>`) and the size of each. */
  fakeHosts: number;
  fakeHostVcpus: number;
  fakeHostMemoryMb: number;
  fakeHostDiskGb: number;
  /** Fake driver: how long a spawn takes, in ms (0 = at once). */
  fakeSpawnMs: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  reservedHostVcpus: number;
  reservedHostMemoryMb: number;
  reservedHostDiskGb: number;
  /** Pick at random among this many best-weighed hosts (avoids thundering herds). */
  schedulerHostSubsetSize: number;
  /** Hosts tried for one build before it ends in ERROR. */
  schedulerMaxAttempts: number;
  /** Weigher multipliers: positive spreads, negative stacks. */
  ramWeightMultiplier: number;
  cpuWeightMultiplier: number;
  diskWeightMultiplier: number;
  buildFailureWeightMultiplier: number;
  /** -1 = no limit (the num-instances filter is off). */
  maxInstancesPerHost: number;
  heartbeatSeconds: number;
  /** A service silent for longer is `down`. */
  serviceDownSeconds: number;
  /** How often agents compare guests with the database (power-state sync). */
  syncPowerStateSeconds: number;
  /** ACPI power-down wait before a hard stop. */
  shutdownTimeoutSeconds: number;
  consoleTokenTtlSeconds: number;
  /** Default quotas (os-quota-sets defaults); -1 is unlimited. */
  quotaDefaults: Record<QuotaResource, number>;
}

export const QUOTA_RESOURCES = ['instances', 'cores', 'ram', 'key_pairs', 'metadata_items', 'server_groups', 'server_group_members'] as const;
export type QuotaResource = typeof QUOTA_RESOURCES[number];

export type ComputeFileConfig = Partial<Omit<ComputeConfig, 'quotaDefaults'>> & { quotaDefaults?: Partial<Record<QuotaResource, number>> };

const DEFAULTS: Omit<ComputeConfig, 'host'> = {
  driver: 'qemu', accel: 'tcg',
  fakeHosts: 1, fakeHostVcpus: 64, fakeHostMemoryMb: 262144, fakeHostDiskGb: 4096, fakeSpawnMs: 0,
  cpuAllocationRatio: 16, ramAllocationRatio: 1.5, diskAllocationRatio: 1,
  reservedHostVcpus: 0, reservedHostMemoryMb: 512, reservedHostDiskGb: 0,
  schedulerHostSubsetSize: 1, schedulerMaxAttempts: 3,
  ramWeightMultiplier: 1, cpuWeightMultiplier: 1, diskWeightMultiplier: 1, buildFailureWeightMultiplier: 1_000_000,
  maxInstancesPerHost: -1,
  heartbeatSeconds: 10, serviceDownSeconds: 60, syncPowerStateSeconds: 30, shutdownTimeoutSeconds: 60,
  consoleTokenTtlSeconds: 600,
  quotaDefaults: { instances: 10, cores: 20, ram: 51200, key_pairs: 100, metadata_items: 128, server_groups: 10, server_group_members: 10 },
};

function num(name: string, v: unknown, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`compute.${name} must be a number >= ${min}, got "${String(v)}"`);
  return n;
}

export function loadComputeConfig(file: ComputeFileConfig = {}, env: NodeJS.ProcessEnv = process.env): ComputeConfig {
  const merged = { ...DEFAULTS, host: hostname(), ...file, quotaDefaults: { ...DEFAULTS.quotaDefaults, ...(file.quotaDefaults ?? {}) } };
  if (env.NUBIS_COMPUTE_DRIVER) merged.driver = env.NUBIS_COMPUTE_DRIVER as ComputeConfig['driver'];
  if (env.NUBIS_COMPUTE_HOST) merged.host = env.NUBIS_COMPUTE_HOST;
  if (env.NUBIS_QEMU_ACCEL) merged.accel = env.NUBIS_QEMU_ACCEL as ComputeConfig['accel'];
  if (env.NUBIS_FAKE_HOSTS) merged.fakeHosts = Number(env.NUBIS_FAKE_HOSTS);
  if (!['qemu', 'fake', 'none'].includes(merged.driver)) throw new Error(`compute.driver must be qemu, fake or none, got "${merged.driver}"`);
  if (!['tcg', 'kvm'].includes(merged.accel)) throw new Error(`compute.accel must be tcg or kvm, got "${merged.accel}"`);
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/.test(merged.host)) throw new Error(`compute.host "${merged.host}" is not a valid host name`);
  for (const k of ['fakeHosts', 'fakeHostVcpus', 'fakeHostMemoryMb', 'fakeHostDiskGb', 'schedulerHostSubsetSize', 'schedulerMaxAttempts',
    'heartbeatSeconds', 'serviceDownSeconds', 'syncPowerStateSeconds', 'consoleTokenTtlSeconds'] as const) merged[k] = num(k, merged[k], 1);
  for (const k of ['cpuAllocationRatio', 'ramAllocationRatio', 'diskAllocationRatio', 'reservedHostVcpus', 'reservedHostMemoryMb',
    'reservedHostDiskGb', 'fakeSpawnMs', 'shutdownTimeoutSeconds'] as const) merged[k] = num(k, merged[k], 0);
  for (const k of ['ramWeightMultiplier', 'cpuWeightMultiplier', 'diskWeightMultiplier', 'buildFailureWeightMultiplier', 'maxInstancesPerHost'] as const) {
    merged[k] = num(k, merged[k], -Infinity);
  }
  for (const [k, v] of Object.entries(merged.quotaDefaults)) merged.quotaDefaults[k as QuotaResource] = num(`quotaDefaults.${k}`, v, -1);
  return merged;
}
