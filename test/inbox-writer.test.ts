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
