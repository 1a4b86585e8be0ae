/**
 * The kysely factory: SQLite (better-sqlite3, WAL, foreign keys on) or PostgreSQL (pg), chosen by
 * DATABASE_URL. Only `src/db` and the repositories import kysely.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type KyselyConfig, PostgresAdapter, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import type pg from 'pg';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer, WAL_SIZE_LIMIT_BYTES } from './checkpointer';
import type { DB } from './types';

export type Dialect = 'sqlite' | 'postgres';
export type Executor = Kysely<DB> | Transaction<DB>;

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** A human description without credentials, for start-up output and logs. */
  describe: string;
  close(): Promise<void>;
}

/**
 * The pg driver, loaded only when the shop runs on PostgreSQL: an embedded (SQLite) shop never
 * needs it, and loading it anyway cost idle memory (issue 17).
 */
function loadPg(): typeof pg {
  // A plain require on purpose: `import()` would make openDatabase async for every caller.
  return require('pg') as typeof pg;
}

/** int8 (COUNT, bigint time columns) arrives as a string from pg; our values fit a double. */
function pgTypes(driver: typeof pg) {
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === 20) return (v: string) => Number(v);
      return driver.types.getTypeParser(oid, format as 'text');
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+)(:[^@]*)?@/, '//$1:***@');
}

export interface OpenOptions {
  poolSize?: number;
  /** Kysely's query log hook (the benchmarks time statements with it). */
  log?: KyselyConfig['log'];
}

export function openDatabase(databaseUrl: string, options: OpenOptions = {}): Database {
  if (databaseUrl.startsWith('postgres')) {
    const driver = loadPg();
    const pool = new driver.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes(driver),
    });
    // A dropped connection must not crash the process. pg-pool listens for an idle client's
    // 'error' (and re-emits it here); a client that is checked out emits it with no listener, so
    // each client gets its own. The query on it fails with the error, and the pool discards the
    // client when it comes back (no longer queryable) and opens a new one for the next query.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: options.log });
    return { db, dialect: 'postgres', describe: `PostgreSQL ${redactUrl(databaseUrl)}`, close: () => db.destroy() };
  }
  const file = databaseUrl === 'sqlite::memory:' ? ':memory:' : databaseUrl.slice('sqlite:'.length);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoints run on their own thread (see checkpointer.ts); this connection only as a backstop.
  const checkpointer = file === ':memory:' ? undefined : startCheckpointer(file);
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log: options.log });
  return {
    db,
    dialect: 'sqlite',
    describe: `SQLite ${file}`,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Kysely's SQLite driver prepares every query anew, and preparing was the largest single cost in
 * the webhook benchmark. The shop runs a small, fixed set of statements, so keep them prepared.
 * better-sqlite3 runs statements synchronously, so one statement object is never used twice at once.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const statements = new Map<string, SQLite.Statement>();
  const cached = {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      let stmt = statements.get(sql);
      if (!stmt) {
        // A bound on memory in case some caller builds SQL with varying text (e.g. IN lists).
        if (statements.size >= 2000) statements.clear();
        stmt = sqlite.prepare(sql);
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
  return cached as unknown as SQLite.Database;
}

export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
