// A fresh, empty database per test cloud or server on the test PostgreSQL that
// scripts/run-tests.sh starts (its URL is in NUBIS_TEST_DATABASE).
import pg from 'pg';

export interface TestDatabase {
  /** postgres://…/<fresh database> */
  readonly url: string;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 5000;

async function withClient(serverUrl: string, work: (c: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/**
 * pg's Pool.end() resolves before its connections have finished closing. Dropping the database
 * WITH (FORCE) at that moment terminates them while their clients still listen, and the client
 * turns the server's "terminating connection" into an uncaught error in the test process. So
 * wait (bounded) for them to go first; FORCE only clears what is left after that.
 */
async function dropWhenIdle(client: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const r = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    if (r.rows[0]!.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Creates a database with a unique name on the server `serverUrl` names: a copy of the migrated
 *  template when NUBIS_TEST_DATABASE_TEMPLATE names one (scripts/run-tests.sh makes it), else empty. */
export async function freshPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `nbtest_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const template = process.env.NUBIS_TEST_DATABASE_TEMPLATE;
  if (template !== undefined && !/^[a-z_][a-z0-9_]*$/.test(template)) throw new Error(`bad template name ${template}`);
  await withClient(serverUrl, async (c) => { await c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`); });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(serverUrl, (c) => dropWhenIdle(c, name)),
  };
}
