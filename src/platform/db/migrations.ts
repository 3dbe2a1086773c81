import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { AnyDb } from './database.js';

/** A named schema change owned by one service, e.g. `identity/0001-initial`. */
export interface NamedMigration extends Migration {
  readonly name: string;
}

/**
 * Applies every migration not yet applied, in name order. Migrations use only the portable
 * subset of Kysely's schema builder (text, integer, bigint), so SQLite and PostgreSQL get
 * identical schemas.
 */
export async function migrate(db: AnyDb, migrations: readonly NamedMigration[]): Promise<string[]> {
  const provider: MigrationProvider = {
    getMigrations: async () => Object.fromEntries(migrations.map((m) => [m.name, m])),
  };
  // Services add migrations independently, so a new service's 0001 may sort before another's 0002.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
