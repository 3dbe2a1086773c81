import { PostgresAdapter, sql } from 'kysely';
import type { AnyDb } from './database.js';

/**
 * Makes transactions that call this with the same key run one after another, so a
 * check-then-write (a quota) cannot be passed by two racing requests at once. PostgreSQL: a
 * transaction-scoped advisory lock on the key. SQLite needs nothing: its one connection runs
 * a whole transaction before any other statement.
 */
export async function serializeOn(trx: AnyDb, key: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
}
