/** SQLite's WAL is copied back into the database file by the background thread, not the shop's connection. */
import { mkdtempSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
