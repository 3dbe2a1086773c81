import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/** Each slice types its own tables and narrows this with `db as Kysely<ItsTables>`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;

export interface Database {
  readonly db: AnyDb;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles the SQL at each prepare():
 * on a token validation that compiling cost more than running the queries. Statements are kept
 * by SQL text and reused (Kysely holds the one connection for a whole query, so a statement is
 * never used twice at once); the cache is simply emptied when it grows past `max` texts.
 */
function reusePreparedStatements(sqlite: SQLite.Database, max = 1000): void {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      if (cache.size >= max) cache.clear();
      stmt = prepare(source);
      cache.set(source, stmt);
    }
    return stmt;
  }) as SQLite.Database['prepare'];
}

/**
 * Opens the database named by `url`: `postgres://…` for PostgreSQL, `sqlite:PATH`, a plain
 * file path, or `:memory:` for SQLite.
 */
export function openDatabase(url: string): Database {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // Booleans and timestamps are stored as integers and ISO text, so both engines return the
    // same JS types; BIGINT (count(*)) comes back as a string in pg, turn it into a number.
    pg.types.setTypeParser(20, (v) => Number(v));
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  reusePreparedStatements(sqlite);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
