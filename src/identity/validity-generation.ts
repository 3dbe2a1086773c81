// The identity "validity generation": one counter that every write to an identity table moves
// forward (database triggers, so writes from any process, any code path, even a hand-run SQL
// statement, count). A token validation cached at generation G is still exact while the counter
// reads G; the moment a token is revoked, a user, project or domain disabled, a role granted or
// renamed, or an endpoint changed, the counter moves and every process recomputes. Reading it is
// one primary-key lookup instead of the joins and role expansion of a full validation.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { NamedMigration } from '../platform/db/migrations.js';
import type { IdentityDb } from './identity.tables.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Tables whose rows a token validation or its body depends on: all identity tables. Inserting a
 * token changes no other token's meaning, so that one write alone does not count. A new identity
 * table that tokens or the catalog read needs a migration adding it here.
 */
const WATCHED = ['domain', 'project', 'identity_user', 'identity_group', 'group_membership', 'role', 'implied_role',
  'role_assignment', 'region', 'service', 'endpoint', 'application_credential', 'application_credential_role'];

export const validityGenerationMigration: NamedMigration = {
  name: 'identity/0002-validity-generation',
  async up(db: Db) {
    await db.schema.createTable('identity_generation')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
    await db.insertInto('identity_generation').values({ id: 1, value: 0 }).execute();
    const bump = 'UPDATE "identity_generation" SET "value" = "value" + 1 WHERE "id" = 1';
    const triggers: [string, string][] = [...WATCHED.map((t) => [t, 'INSERT OR UPDATE OR DELETE'] as [string, string]),
      ['token', 'UPDATE OR DELETE']];
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql.raw(`CREATE FUNCTION "identity_generation_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN ${bump}; RETURN NULL; END $$`).execute(db);
      for (const [table, events] of triggers) {
        // Once per statement: a bulk delete moves the counter once.
        await sql.raw(`CREATE TRIGGER "${table}_generation" AFTER ${events} ON "${table}"
          FOR EACH STATEMENT EXECUTE FUNCTION "identity_generation_bump"()`).execute(db);
      }
    } else {
      // SQLite has row triggers only, one event each.
      for (const [table, events] of triggers) {
        for (const event of events.split(' OR ')) {
          await sql.raw(`CREATE TRIGGER "${table}_generation_${event.toLowerCase()}" AFTER ${event} ON "${table}"
            BEGIN ${bump}; END`).execute(db);
        }
      }
    }
  },
};

/** The current validity generation. */
export async function readGeneration(db: IdentityDb): Promise<number> {
  const { rows } = await sql<{ value: number | string }>`SELECT "value" FROM "identity_generation" WHERE "id" = 1`.execute(db);
  return Number(rows[0]?.value ?? -1);
}
