/**
 * SQLite's WAL is copied back into the database file by the background thread, not the shop's
 * connection; the thread runs only while the shop writes (an idle shop does not carry it).
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { BACKSTOP_CHECKPOINT_PAGES, START_BYTES, startCheckpointer } from '../src/db/checkpointer';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { waitForCondition } from '../src/sandbox/line/wait-for';

describe('background WAL checkpoints (SQLite)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'line-shop-checkpoint-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves committed pages into the database file while the shop keeps writing, and closes cleanly', async () => {
    const file = join(dir, 'shop.db');
    const database = openDatabase(`sqlite:${file}`);
    await migrateToLatest(database.db);
    const before = statSync(file).size;
    // ~4 MB in 200 commits: far below the shop connection's own backstop (80 MB), so only the
    // background thread can have put it into the database file.
    for (let i = 0; i < 200; i++) {
      await database.db
        .insertInto('line_events')
        .values({
          webhook_event_id: `E${i}`,
          chat_id: 'U1',
          event_type: 'message',
          event_timestamp: i,
          payload: 'x'.repeat(20_000),
          status: 'done',
          received_at: i,
          processed_at: i,
        })
        .execute();
    }
    const watcher = watch(file);
    try {
      await waitForCondition(
        watcher,
        'change',
        () => (statSync(file).size >= before + 4_000_000 ? true : undefined),
        10_000,
        () => `database file still ${statSync(file).size} bytes (was ${before}): nothing checkpointed`,
      );
    } finally {
      watcher.close();
    }
    await database.close();

    const again = openDatabase(`sqlite:${file}`);
    try {
      const { n } = await again.db
        .selectFrom('line_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n)).toBe(200);
    } finally {
      await again.close();
    }
  });

  it('starts the thread only once the log is large, and the thread ends, emptying the log, when writes stop', async () => {
    const file = join(dir, 'shop.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    sqlite.exec('CREATE TABLE t (x TEXT)');
    const insert = sqlite.prepare('INSERT INTO t VALUES (?)');
    let rows = 0;
    const writeBytes = (bytes: number) => {
      for (let i = 0; i < bytes / 20_000; i++, rows++) insert.run('x'.repeat(20_000));
    };
    const threads = new EventEmitter();
    const seen: boolean[] = [];
    const checkpointer = startCheckpointer(file, {
      quietMs: 1_000,
      onThread: (running) => {
        seen.push(running);
        threads.emit('change');
      },
    });
    const walSize = () => statSync(`${file}-wal`).size;
    const until = (running: boolean, timeoutMs: number) =>
      waitForCondition(
        threads,
        'change',
        () => (checkpointer.running === running ? true : undefined),
        timeoutMs,
        () => `thread running: ${checkpointer.running}, -wal ${walSize()} bytes`,
      );
    try {
      writeBytes(START_BYTES / 4);
      // Several of the shop thread's looks at the log (every 250 ms): still small, no thread.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(checkpointer.running).toBe(false);
      expect(seen).toEqual([]);

      writeBytes(START_BYTES);
      await until(true, 2_000);
      // Nothing written for the quiet time: everything checkpointed, the file emptied, the thread gone.
      await until(false, 10_000);
      expect(walSize()).toBe(0);
      expect(sqlite.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: rows });

      // The next burst starts it again.
      writeBytes(START_BYTES * 1.25);
      await until(true, 2_000);
      expect(seen).toEqual([true, false, true]);
    } finally {
      await checkpointer.stop();
      sqlite.close();
    }
    expect(checkpointer.running).toBe(false);
  });
});
