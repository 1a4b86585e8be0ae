/**
 * One shop instance as its own process, exactly as server.ts wires it (createRuntime on the
 * configured database), minus the sandbox start-up: the orchestrator owns the LINE simulator.
 * Reports its address, then its RSS every 200 ms; exits cleanly on 'stop' (so --cpu-prof writes).
 */

import type { LogEvent } from 'kysely';
import { Agent, setGlobalDispatcher } from 'undici';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { silentLogger } from '../../src/logger';
import { createRuntime } from '../../src/runtime';
import { reportRss } from './report-to-parent';

/** BENCH_SQL_STATS=1: time spent per statement text (printed on stop), from kysely's query log. */
const sqlStats = new Map<string, { n: number; ms: number }>();

function recordQuery(event: LogEvent): void {
  const sql = event.query.sql;
  const s = sqlStats.get(sql) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += event.queryDurationMillis;
  sqlStats.set(sql, s);
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

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  setGlobalDispatcher(
    new Agent({ connectTimeout: 5_000, headersTimeout: 10_000, bodyTimeout: 10_000, keepAliveTimeout: 30_000 }),
  );
  const database = openDatabase(config.databaseUrl, process.env.BENCH_SQL_STATS === '1' ? { log: recordQuery } : {});
  const runtime = await createRuntime({ config, database, logger: silentLogger });
  // BENCH_LISTEN_PORT: a port chosen up front, so PUBLIC_BASE_URL (the bank's BackendURL) is known.
  const url = await runtime.app.listen({ port: Number(process.env.BENCH_LISTEN_PORT ?? 0), host: '127.0.0.1' });
  // BENCH_NO_JOBS=1: the webhook alone (events are stored and acknowledged, not handled).
  if (process.env.BENCH_NO_JOBS !== '1') runtime.startJobs();
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
