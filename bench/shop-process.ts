/**
 * One shop instance as its own process, exactly as server.ts wires it (createRuntime on the
 * configured database), minus the sandbox start-up: the orchestrator owns the LINE simulator.
 * Reports its address, then its RSS every 200 ms; exits cleanly on 'stop' (so --cpu-prof writes).
 */

import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Agent, setGlobalDispatcher } from 'undici';
import { loadConfig } from '../src/config';
import { type Database, openDatabase } from '../src/db/database';
import type { DB } from '../src/db/types';
import { silentLogger } from '../src/logger';
import { createRuntime } from '../src/runtime';
import { reportRss } from './server-child';

/**
 * Experiment (BENCH_STMT_CACHE=1): the same SQLite setup as openDatabase, but with prepared
 * statements reused per SQL text. Kysely's SqliteDriver calls `prepare` on every query, and the
 * profile shows preparing as a top cost. Lets the bench show the before/after without touching src.
 */
const sqlStats = new Map<string, { n: number; ms: number }>();

/** BENCH_SQL_STATS=1: time each statement's executions (printed on stop). */
function timed(sql: string, stmt: SQLite.Statement): SQLite.Statement {
  const wrap =
    (fn: (...a: unknown[]) => unknown) =>
    (...a: unknown[]) => {
      const t = performance.now();
      try {
        return fn.apply(stmt, a);
      } finally {
        const s = sqlStats.get(sql) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t;
        sqlStats.set(sql, s);
      }
    };
  const target = stmt as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['all', 'run', 'get']) target[m] = wrap(target[m] as (...a: unknown[]) => unknown);
  return stmt;
}

function printSqlStats(): void {
  if (sqlStats.size === 0) return;
  const rows = [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
  console.error('\nSQL time by statement (BENCH_SQL_STATS):');
  for (const [sql, s] of rows)
    console.error(
      `${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}× ${((s.ms / s.n) * 1000).toFixed(0).padStart(6)} µs  ${sql.slice(0, 150)}`,
    );
}

function openSqliteWithStatementCache(file: string): Database {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const statements = new Map<string, SQLite.Statement>();
  const cached = {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      let stmt = statements.get(sql);
      if (!stmt) {
        if (statements.size >= 1000) statements.clear();
        stmt = sqlite.prepare(sql);
        if (process.env.BENCH_SQL_STATS === '1') stmt = timed(sql, stmt);
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cached as unknown as SQLite.Database }) });
  return { db, dialect: 'sqlite', describe: `SQLite ${file} (statement cache)`, close: () => db.destroy() };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  setGlobalDispatcher(
    new Agent({ connectTimeout: 5_000, headersTimeout: 10_000, bodyTimeout: 10_000, keepAliveTimeout: 30_000 }),
  );
  const database =
    process.env.BENCH_STMT_CACHE === '1' && config.databaseUrl.startsWith('sqlite:')
      ? openSqliteWithStatementCache(config.databaseUrl.slice('sqlite:'.length))
      : openDatabase(config.databaseUrl);
  const runtime = await createRuntime({ config, database, logger: silentLogger });
  // BENCH_LISTEN_PORT: a port chosen up front, so PUBLIC_BASE_URL (the bank's BackendURL) is known.
  const url = await runtime.app.listen({ port: Number(process.env.BENCH_LISTEN_PORT ?? 0), host: '127.0.0.1' });
  runtime.startJobs();
  reportRss(`${url}/line/webhook`, async () => {
    await runtime.stop();
    await database.close();
    printSqlStats();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
