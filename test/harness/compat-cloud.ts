// A real `nubis up` for the compatibility tests, on SQLite in a temporary state dir or, when
// NUBIS_TEST_DATABASE names a PostgreSQL server, on a fresh database there; with the `openstack`
// CLI set up as its admin (clouds.yaml) and as any other user.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenStackCli } from './openstack-cli.js';
import { killGuests } from './guest-processes.js';
import { startNubis, type ExitStatus, type NubisProcess } from './nubis-process.js';
import { freshPostgresDatabase, type TestDatabase } from './postgres-database.js';

export interface CompatCloud {
  readonly nubis: NubisProcess;
  /** `openstack --os-cloud nubis …` with OS_CLIENT_CONFIG_FILE=<state>/clouds.yaml. */
  readonly admin: OpenStackCli;
  /** The CLI with exactly these OS_* variables (an openrc, an application credential…). */
  cliWith(env: Record<string, string>): OpenStackCli;
  /** The CLI authenticated by environment variables as a user, scoped to a project. */
  cliAs(user: string, password: string, project: string, domain?: string): OpenStackCli;
  /** A plain HTTP call to the server (for checks the CLI cannot make). */
  http(method: string, path: string, headers?: Record<string, string>, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** Stops the server (SIGTERM) and returns its exit status; then removes what was created. */
  close(): Promise<ExitStatus>;
}

/** `env`: extra environment for the server (e.g. NUBIS_COMPUTE_DRIVER=fake). */
export async function startCompatCloud(opts: { env?: Record<string, string> } = {}): Promise<CompatCloud> {
  const stateDir = mkdtempSync(join(tmpdir(), 'nbcompat-'));
  let db: TestDatabase | undefined;
  let nubis: NubisProcess;
  try {
    const pgServer = process.env.NUBIS_TEST_DATABASE;
    db = pgServer ? await freshPostgresDatabase(pgServer) : undefined;
    nubis = await startNubis({ stateDir, database: db?.url, env: opts.env });
  } catch (err) {
    await db?.drop().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  const running = nubis;
  // A CLI call that hangs is explained by what the server logged meanwhile.
  const serverLog = () => `\n--- nubis log (last lines) ---\n${running.output().split('\n').slice(-40).join('\n')}`;
  const cliWith = (env: Record<string, string>) => new OpenStackCli(env, [], serverLog);

  return {
    nubis: running,
    admin: new OpenStackCli({ OS_CLIENT_CONFIG_FILE: join(stateDir, 'clouds.yaml') }, ['--os-cloud', 'nubis'], serverLog),
    cliWith,
    cliAs(user, password, project, domain = 'Default') {
      return cliWith({
        OS_AUTH_URL: running.authUrl, OS_IDENTITY_API_VERSION: '3', OS_REGION_NAME: 'RegionOne',
        OS_USERNAME: user, OS_PASSWORD: password, OS_USER_DOMAIN_NAME: domain,
        OS_PROJECT_NAME: project, OS_PROJECT_DOMAIN_NAME: domain,
      });
    },
    async http(method, path, headers = {}, body) {
      const res = await fetch(`${running.baseUrl}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let parsed: unknown;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = text; }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      try {
        return await running.stop();
      } finally {
        // Guests outlive `nubis up` by design; the ones this test started go with its state dir.
        killGuests(stateDir);
        await db?.drop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  };
}
