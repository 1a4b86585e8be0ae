/**
 * /healthz reflects whether an event can be stored: a database that still answers SELECTs but
 * refuses writes makes it 503, and it recovers when writes work again. One log line per change.
 * SQLite: `PRAGMA query_only` on the app's own connection (tests run as root, where chmod does not
 * stop writes). PostgreSQL: the database set to `default_transaction_read_only` (what a failover to
 * a read-only replica looks like), with the existing sessions ended so new ones pick it up.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../src/app';
import { openDatabase } from '../src/db/database';
import { StorageHealth } from '../src/db/health';
import { migrateToLatest } from '../src/db/migrator';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

async function adminOn(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe.each(dialects)('/healthz on %s', (dialect) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let clock = 0;
  let lines: Array<{ level: number; msg: string }>;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    lines = [];
    clock = 0;
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    app = await buildApp({
      db: database.db,
      channelSecret: 'health-secret',
      now: () => 1_700_000_000_000,
      onEventsStored: () => {},
      logger,
      healthClock: () => clock,
    });
  });
  afterEach(async () => {
    await app.close();
    if (dialect === 'postgres') {
      await adminOn(
        process.env.LINE_SHOP_TEST_PG as string,
        `ALTER DATABASE ${dbName()} RESET default_transaction_read_only`,
      );
    }
    await database.drop();
  });

  const dbName = () => new URL(database.url).pathname.slice(1);
  const health = () => app.inject({ method: 'GET', url: '/healthz' });
  const healthLines = () => lines.filter((l) => l.msg.startsWith('health:'));

  /** Makes the database refuse writes (true) or take them again (false), reads still working. */
  async function readOnly(on: boolean): Promise<void> {
    if (dialect === 'sqlite') {
      await sql.raw(`PRAGMA query_only = ${on ? 'ON' : 'OFF'}`).execute(database.db);
      return;
    }
    const admin = process.env.LINE_SHOP_TEST_PG as string;
    await adminOn(
      admin,
      `ALTER DATABASE ${dbName()} ${on ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`,
    );
    await adminOn(
      admin,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName()}' AND pid <> pg_backend_pid()`,
    );
    // The pool drops the ended sessions as it meets them; go on once a new one has the setting.
    const want = on ? 'on' : 'off';
    for (let i = 0; i < 20; i++) {
      try {
        const r = await sql<{ default_transaction_read_only: string }>`SHOW default_transaction_read_only`.execute(
          database.db,
        );
        if (r.rows[0]?.default_transaction_read_only === want) return;
      } catch {
        // an ended session; the pool opens a new one
      }
    }
    throw new Error(`the pool never saw default_transaction_read_only = ${want}`);
  }

  it('goes 503 when the database refuses writes, with one log line, and recovers', async () => {
    expect((await health()).statusCode).toBe(200);
    const probe = await database.db.selectFrom('health_probe').selectAll().execute();
    expect(probe).toEqual([{ id: 1, checked_at: 1_700_000_000_000 }]);
    expect(healthLines()).toEqual([]);

    await readOnly(true);
    // Reads still work: the old check (a SELECT) would have said OK.
    await database.db.selectFrom('categories').select('id').execute();
    // The answer is cached for a moment: no write per request.
    expect((await health()).statusCode).toBe(200);

    clock += 2000;
    const burst = await Promise.all(Array.from({ length: 20 }, () => health()));
    expect(burst.map((r) => r.statusCode)).toEqual(Array(20).fill(503));
    expect(burst[0]?.json()).toEqual({ status: 'unavailable', reason: 'database cannot be written' });
    clock += 2000;
    expect((await health()).statusCode).toBe(503);
    expect(healthLines()).toHaveLength(1);
    expect(healthLines()[0]?.level).toBe(50);
    expect(healthLines()[0]?.msg).toMatch(/^health: the database cannot store events \(.*read.?only.*\)/i);

    await readOnly(false);
    clock += 2000;
    expect((await health()).statusCode).toBe(200);
    clock += 2000;
    expect((await health()).statusCode).toBe(200);
    expect(healthLines().map((l) => l.msg)).toEqual([
      expect.stringMatching(/^health: the database cannot store events/),
      'health: the database takes writes again; /healthz answers 200',
    ]);
  });
});

/**
 * A really full disk, on SQLite: a 4 MB tmpfs (room for the migrated schema) holding the database, filled up by another file.
 * Needs `mount` (root with CAP_SYS_ADMIN, as on the project's machines and CI); skipped elsewhere.
 */
const diskDir = mkdtempSync(join(tmpdir(), 'health-disk-'));
const canMount = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', diskDir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
afterAll(() => {
  if (canMount) execFileSync('umount', [diskDir]);
  rmSync(diskDir, { recursive: true, force: true });
});

(canMount ? it : it.skip)('goes 503 on SQLite when the disk is full, and recovers when space is freed', async () => {
  const url = `sqlite:${join(diskDir, 'shop.db')}`;
  const migrated = openDatabase(url);
  await migrateToLatest(migrated.db);
  // Closing checkpoints and empties the WAL; once the disk is full the next commit cannot grow it.
  // (A WAL with room left from earlier commits is reused after a checkpoint, and writes then still
  // succeed on a full disk: then the shop can indeed still store events, and /healthz rightly says so.)
  await migrated.close();
  const database = openDatabase(url);
  let clock = 0;
  const lines: string[] = [];
  const app = await buildApp({
    db: database.db,
    channelSecret: 'health-secret',
    now: () => 1_700_000_000_000,
    onEventsStored: () => {},
    logger: pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s).msg) }),
    healthClock: () => clock,
  });
  const filler = join(diskDir, 'filler');
  try {
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(4096));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    // Reads still work: the old check (a SELECT) would have said OK.
    await database.db.selectFrom('categories').select('id').execute();
    expect((await app.inject('/healthz')).statusCode).toBe(503);
    expect(lines).toEqual([
      expect.stringMatching(/^health: the database cannot store events \(database or disk is full\)/),
    ]);
    unlinkSync(filler);
    clock += 2000;
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  } finally {
    await app.close();
    await database.close();
  }
});

/**
 * A database that does not answer (here: the probe row locked by another session) is unhealthy
 * after the probe's timeout, and the checks meanwhile do not queue more writes behind the stuck one.
 * PostgreSQL only: better-sqlite3 waits synchronously, so on SQLite a lock is a pause, not a hang.
 */
(dialects.includes('postgres') ? it : it.skip)(
  'on postgres: a probe that hangs counts as unhealthy, once',
  async () => {
    const database = await createTestDatabase('postgres');
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      let clock = 0;
      const changes: boolean[] = [];
      const health = new StorageHealth(database.db, {
        now: () => 1_700_000_000_000,
        clock: () => clock,
        timeoutMs: 300,
        onChange: (s) => changes.push(s.ok),
      });
      expect(await health.check()).toEqual({ ok: true });
      await locker.query('BEGIN');
      await locker.query('SELECT * FROM health_probe WHERE id = 1 FOR UPDATE');
      clock += 2000;
      expect(await health.check()).toEqual({ ok: false, error: 'no answer within 300 ms' });
      clock += 2000;
      expect(await health.check()).toEqual({
        ok: false,
        error: 'the previous probe is still waiting for the database',
      });
      const waiting = await locker.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      expect(waiting.rows[0].n).toBe(1); // one probe blocked, not one per check
      await locker.query('ROLLBACK');
      // The blocked write finishes once the lock is gone; a round trip per try lets its answer in.
      for (let i = 0; i < 50 && !(await health.check()).ok; i++) {
        await database.db.selectFrom('health_probe').select('id').execute();
        clock += 2000;
      }
      expect(await health.check()).toEqual({ ok: true });
      expect(changes).toEqual([false, true]);
    } finally {
      await locker.end();
      await database.drop();
    }
  },
);
