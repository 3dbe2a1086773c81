// Block storage settings: the backends this process's storage agent serves, where backups go, the
// default volume type, quota defaults. From the config file's `volume` object and NUBIS_VOLUME_*.
import { join } from 'node:path';

export interface FileBackendConfig {
  /** The backend's name: what a volume type's `volume_backend_name` extra spec selects. */
  name: string;
  driver: 'file';
  /** Where volume and snapshot files live. */
  dir: string;
  /** `qcow2` (thin, default) or `raw` volume files. */
  format: 'qcow2' | 'raw';
  /** Provisioned space may be this many times the real capacity (Cinder's max_over_subscription_ratio). */
  overSubscriptionRatio: number;
  /** Percent of the capacity kept free (Cinder's reserved_percentage). */
  reservedPercentage: number;
  /** Capacity to report in GB; 0 = the filesystem's size. */
  capacityGb: number;
  availabilityZone: string;
}

export type BackendConfig = FileBackendConfig;

export const VOLUME_QUOTA_RESOURCES = ['volumes', 'gigabytes', 'snapshots', 'backups', 'backup_gigabytes', 'per_volume_gigabytes', 'groups'] as const;
export type VolumeQuotaResource = typeof VOLUME_QUOTA_RESOURCES[number];

export interface VolumeConfig {
  /** Backends of this process's storage agent; empty runs no storage agent (a controller). */
  backends: BackendConfig[];
  /** This machine's storage host name (Cinder's `host`, the part before `@backend`). */
  host: string;
  /** Where backups are stored (Cinder's posix backup driver's backup_posix_path). */
  backupDir: string;
  /** Backups are cut into chunks of this many bytes; an incremental backup stores only changed ones. */
  backupChunkBytes: number;
  /** The volume type used when a request names none (Cinder's `__DEFAULT__`). */
  defaultVolumeType: string;
  /** Availability zone of volumes when a request names none. */
  defaultAvailabilityZone: string;
  /** Quota defaults (Cinder's quota_volumes, quota_gigabytes…); -1 is unlimited. */
  quotaDefaults: Record<VolumeQuotaResource, number>;
  /** How often the storage agent reports capacity (its heartbeat). */
  reportSeconds: number;
  /** A storage service silent for longer is `down`. */
  serviceDownSeconds: number;
}

export type VolumeFileConfig = Partial<Omit<VolumeConfig, 'quotaDefaults' | 'backends'>> & {
  quotaDefaults?: Partial<Record<VolumeQuotaResource, number>>;
  backends?: Array<Partial<FileBackendConfig>>;
};

export function fileBackend(stateDir: string, name = 'file', zone = 'nova'): FileBackendConfig {
  return { name, driver: 'file', dir: join(stateDir, 'volumes'), format: 'qcow2', overSubscriptionRatio: 20,
    reservedPercentage: 0, capacityGb: 0, availabilityZone: zone };
}

export function loadVolumeConfig(stateDir: string, file: VolumeFileConfig = {}, env: NodeJS.ProcessEnv = process.env, computeHost: string): VolumeConfig {
  const zone = file.defaultAvailabilityZone ?? 'nova';
  const backends = (file.backends ?? [{}]).map((b, i) => ({ ...fileBackend(stateDir, i === 0 ? 'file' : `file${i + 1}`, zone), ...b }) as BackendConfig);
  const config: VolumeConfig = {
    host: computeHost, backupDir: join(stateDir, 'backups'), backupChunkBytes: 4 * 1024 * 1024,
    defaultVolumeType: '__DEFAULT__', defaultAvailabilityZone: zone, reportSeconds: 10, serviceDownSeconds: 60,
    ...file,
    backends,
    quotaDefaults: { volumes: 10, gigabytes: 1000, snapshots: 10, backups: 10, backup_gigabytes: 1000, per_volume_gigabytes: -1, groups: 10,
      ...(file.quotaDefaults ?? {}) },
  };
  // `none`: no storage agent in this process (API-only tests, controllers).
  if (env.NUBIS_VOLUME_BACKENDS === 'none') config.backends = [];
  for (const b of config.backends) {
    if (b.driver !== 'file') throw new Error(`volume backend ${b.name}: driver must be file, got "${String(b.driver)}"`);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(b.name)) throw new Error(`volume backend name "${b.name}" may hold only letters, digits, _ . -`);
    if (b.format !== 'qcow2' && b.format !== 'raw') throw new Error(`volume backend ${b.name}: format must be qcow2 or raw`);
    if (!(b.overSubscriptionRatio >= 1)) throw new Error(`volume backend ${b.name}: overSubscriptionRatio must be at least 1`);
  }
  if (new Set(config.backends.map((b) => b.name)).size !== config.backends.length) throw new Error('volume backend names must be unique');
  return config;
}
