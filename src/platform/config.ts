import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadComputeConfig, type ComputeConfig, type ComputeFileConfig } from './config.compute.js';
import { loadNetworkConfig, type NetworkConfig, type NetworkFileConfig } from './config.network.js';
import { loadVolumeConfig, type VolumeConfig, type VolumeFileConfig } from './config.volume.js';

export interface Config {
  /** Where state lives: database, clouds.yaml, images, instances. */
  stateDir: string;
  host: string;
  port: number;
  /** Base URL clients use to reach this server; put into the catalog. */
  publicUrl: string;
  /** `sqlite:PATH` (default: the state dir's nubis.db) or `postgres://…`. */
  database: string;
  /** `local` (in-process) or `nats://…`. */
  bus: string;
  tokenExpirationSeconds: number;
  /** Operator's policy overrides (JSON object of rule name → rule). */
  policyFile: string;
  logLevel: string;
  /** Images a project may own (Glance's unified limit `image_count_total`); -1 is unlimited. */
  imageQuotaImages: number;
  /** Bytes of image data a project may store (`image_size_total`, in bytes here); -1 is unlimited. */
  imageQuotaBytes: number;
  /** disk_format imported images are converted to for the compute hosts (`qcow2`, `raw`), or null to keep it. */
  imageConvertTo: string | null;
  compute: ComputeConfig;
  network: NetworkConfig;
  volume: VolumeConfig;
}

/** What may be given on the command line; unset fields fall through to env, file, defaults. */
export interface ConfigFlags {
  stateDir?: string;
  listen?: string;
  database?: string;
  bus?: string;
  publicUrl?: string;
  config?: string;
  logLevel?: string;
}

type FileConfig = Partial<{
  state_dir: string; listen: string; public_url: string; database: string; bus: string;
  token_expiration: number; policy_file: string; log_level: string;
  image_quota_images: number; image_quota_bytes: number; image_convert_to: string;
  compute: ComputeFileConfig;
  network: NetworkFileConfig;
  volume: VolumeFileConfig;
}>;

function parseListen(listen: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(listen);
  const port = Number(m?.[2]);
  if (!m || !m[1] || port < 1 || port > 65535) {
    throw new Error(`--listen expects HOST:PORT (e.g. 127.0.0.1:8080), got "${listen}"`);
  }
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

function readConfigFile(path: string | undefined): FileConfig {
  if (!path || !existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as FileConfig;
  } catch (err) {
    throw new Error(`cannot read config file ${path}: ${(err as Error).message}`);
  }
}

function quota(name: string, value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < -1) throw new Error(`${name} must be a whole number, or -1 for unlimited`);
  return n;
}

function convertTo(value: string | undefined): string | null {
  if (value === undefined || value === '' || value === 'keep') return null;
  if (value !== 'qcow2' && value !== 'raw') throw new Error(`image_convert_to must be qcow2, raw or keep, got "${value}"`);
  return value;
}

/** Defaults, then the config file, then NUBIS_* environment variables, then flags. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const earlyStateDir = flags.stateDir ?? env.NUBIS_STATE_DIR;
  const file = readConfigFile(flags.config ?? env.NUBIS_CONFIG ??
    (existsSync('/etc/nubis/nubis.json') ? '/etc/nubis/nubis.json' : undefined));
  const stateDir = resolve(earlyStateDir ?? file.state_dir ?? '/var/lib/nubis');
  const listen = parseListen(flags.listen ?? env.NUBIS_LISTEN ?? file.listen ?? '127.0.0.1:8080');
  const hostForUrl = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  const urlHost = hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl;
  const expiration = Number(env.NUBIS_TOKEN_EXPIRATION ?? file.token_expiration ?? 86400);
  if (!Number.isInteger(expiration) || expiration < 60) {
    throw new Error('token expiration must be a whole number of seconds, at least 60');
  }
  const compute = loadComputeConfig(file.compute, env);
  return {
    stateDir,
    host: listen.host,
    port: listen.port,
    publicUrl: (flags.publicUrl ?? env.NUBIS_PUBLIC_URL ?? file.public_url ?? `http://${urlHost}:${listen.port}`)
      .replace(/\/+$/, ''),
    database: flags.database ?? env.NUBIS_DATABASE ?? file.database ?? `sqlite:${join(stateDir, 'nubis.db')}`,
    bus: flags.bus ?? env.NUBIS_BUS ?? file.bus ?? 'local',
    tokenExpirationSeconds: expiration,
    policyFile: env.NUBIS_POLICY_FILE ?? file.policy_file ?? join(stateDir, 'policy.json'),
    logLevel: flags.logLevel ?? env.NUBIS_LOG_LEVEL ?? file.log_level ?? 'info',
    imageQuotaImages: quota('image_quota_images', env.NUBIS_IMAGE_QUOTA_IMAGES ?? file.image_quota_images ?? 100),
    imageQuotaBytes: quota('image_quota_bytes', env.NUBIS_IMAGE_QUOTA_BYTES ?? file.image_quota_bytes ?? 100 * 1024 ** 3),
    imageConvertTo: convertTo(env.NUBIS_IMAGE_CONVERT_TO ?? file.image_convert_to),
    compute,
    network: loadNetworkConfig(file.network, env, compute.host),
    volume: loadVolumeConfig(stateDir, file.volume, env, compute.host),
  };
}
