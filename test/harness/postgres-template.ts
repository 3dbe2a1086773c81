// Makes the migrated, empty database every PostgreSQL test database is copied from, so each test
// cloud skips running the migrations (half a second each, hundreds of clouds in the pass).
//   node dist/test/harness/postgres-template.js postgres://…/postgres   → prints the template's name
import pg from 'pg';
import { MIGRATIONS } from '../../src/app.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';

const TEMPLATE_NAME = 'nbtest_template';

async function main(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_NAME}`);
    await client.query(`CREATE DATABASE ${TEMPLATE_NAME}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE_NAME}`;
  const database = openDatabase(url.toString());
  try {
    await migrate(database.db, MIGRATIONS);
  } finally {
    // No connection may stay open: CREATE DATABASE … TEMPLATE refuses a template in use.
    await database.close();
  }
  process.stdout.write(`${TEMPLATE_NAME}\n`);
}

if (process.argv[2]) await main(process.argv[2]);
