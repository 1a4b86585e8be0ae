/**
 * The webhook's group commit shares the database with the event worker: the worker waits for the
 * write in progress, not for webhooks to stop arriving (under steady load they never do, and
 * event handling starved while acks went on: issue 17).
 */

import type { NewInboxEvent } from '../src/line/inbox-repository';
import { InboxWriter } from '../src/line/inbox-writer';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

const event = (i: number): NewInboxEvent => ({
  webhookEventId: `01WRITERTEST${String(i).padStart(14, '0')}`,
  chatId: 'U00000000000000000000000000000bbb',
  eventType: 'postback',
  timestamp: 1_000 + i,
  payload: '{}',
  status: 'pending',
});

describe.each(dialects)('inbox writer on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('lets the worker in after the batch being written, while webhooks keep arriving', async () => {
    const WRITES = 20;
    let batches = 0;
    const stores: Promise<void>[] = [];
    // Each write brings another webhook in while it is stored, as a steady stream of LINE's does.
    const writer = new InboxWriter(
      database.db,
      () => 5_000,
      () => {
        batches++;
        if (stores.length < WRITES) stores.push(writer.store([event(stores.length)]));
      },
    );
    stores.push(writer.store([event(0)]));
    await writer.whenIdle();
    const batchesBeforeTurn = batches;
    // The worker's turn came after one batch, not after the stream ended.
    expect(batchesBeforeTurn).toBe(1);
    while (batches < WRITES) await writer.whenIdle();
    await Promise.all(stores);
    const stored = await database.db
      .selectFrom('line_events')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(WRITES);
  });
});

describe.each(dialects)('inbox writer pacing on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  const storedCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('line_events')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('holds new batches while more events wait for the worker than the limit, and lets them in as it catches up', async () => {
    const writer = new InboxWriter(
      database.db,
      () => 5_000,
      () => {},
      { backlogLimit: 2, maxHoldMs: 600_000 },
    );
    await writer.store([event(0), event(1), event(2)]);
    expect(writer.backlog).toBe(3);
    let answered = false;
    const held = writer.store([event(3)]).then(() => {
      answered = true;
    });
    // The worker takes its turn meanwhile (the held batch does not block it) …
    await writer.whenIdle();
    expect(answered).toBe(false);
    expect(await storedCount()).toBe(3);
    // … and once it has handled one event the backlog is within the limit: the batch goes in.
    writer.handled(1);
    await held;
    expect(answered).toBe(true);
    expect(await storedCount()).toBe(4);
    expect(writer.backlog).toBe(3);
    // The worker found the inbox empty: nothing is counted as waiting any more.
    writer.drained();
    expect(writer.backlog).toBe(0);
  });

  it('never holds a request longer than maxHoldMs: LINE is answered in time even when the worker cannot keep up', async () => {
    const writer = new InboxWriter(database.db, Date.now, () => {}, { backlogLimit: 0, maxHoldMs: 40 });
    await writer.store([event(0)]);
    const started = Date.now();
    await writer.store([event(1)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(await storedCount()).toBe(2);
  });
});
