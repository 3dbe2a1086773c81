import { createCloud } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { lockStateDir } from '../platform/state-lock.js';
import { parseArgs } from './args.js';

export const UP_USAGE = `nubis up [--state-dir DIR] [--listen HOST:PORT] [--database URL] [--bus URL]
         [--public-url URL] [--config FILE] [--log-level LEVEL]
  Runs the all-in-one cloud in the foreground (API, conductor, scheduler and this host's agents).
  --state-dir   state directory (default /var/lib/nubis)
  --listen      address to listen on (default 127.0.0.1:8080)
  --database    sqlite:PATH (default STATE_DIR/nubis.db) or postgres://USER:PASS@HOST:PORT/DB
  --bus         local (default, in-process) or nats://HOST:PORT
  --public-url  base URL put in the service catalog (default http://LISTEN)`;

export async function up(argv: string[]): Promise<void> {
  const { flags } = parseArgs(argv, ['state-dir', 'listen', 'database', 'bus', 'public-url', 'config', 'log-level']);
  const config = loadConfig({
    stateDir: flags['state-dir'], listen: flags.listen, database: flags.database, bus: flags.bus,
    publicUrl: flags['public-url'], config: flags.config, logLevel: flags['log-level'],
  });
  // The state dir holds password hashes, keys and guest disks: nothing in it is for others.
  process.umask(0o077);
  const lock = lockStateDir(config.stateDir);
  let cloud;
  try {
    cloud = await createCloud(config, { seedFlavors: true });
    await cloud.app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await cloud?.close().catch(() => undefined);
    lock.release();
    throw err;
  }

  const created = cloud.bootstrap.created;
  process.stdout.write([
    '',
    `Nubis is up. Auth URL: ${config.publicUrl}/identity`,
    created
      ? `Admin credentials (new): ${created.cloudsYaml} (cloud "nubis") and ${created.openrc}`
      : `Admin credentials: ${config.stateDir}/clouds.yaml (cloud "nubis") and ${config.stateDir}/admin-openrc.sh`,
    `Try: OS_CLIENT_CONFIG_FILE=${config.stateDir}/clouds.yaml openstack --os-cloud nubis token issue`,
    `Dashboard: ${config.publicUrl}/ (user admin, domain Default, the password in admin-openrc.sh)`,
    '',
  ].join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`second ${signal}: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    cloud.platform.log.info({ signal }, 'shutting down');
    // In-flight requests finish and the database closes before the process ends.
    cloud.close()
      .then(() => { lock.release(); process.exit(0); })
      .catch((err) => { cloud.platform.log.error({ err }, 'shutdown failed'); lock.release(); process.exit(1); });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
