/** Old handled events and delivered messages are cleared away; anything still needing attention stays. */
import { Housekeeper } from '../src/jobs/housekeeping';
import { storeEvents } from '../src/line/inbox-repository';
import { enqueueMessage, markSent } from '../src/line/outbox-repository';
import { finishNotification, recordToken } from '../src/shop/bank-notification-repository';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

describe.each(dialects)('housekeeping on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('deletes handled events and sent messages past the retention period, and nothing else', async () => {
    const db = database.db;
    const event = (id: string, status: 'pending' | 'ignored') => ({
      webhookEventId: id,
      chatId: 'U1',
      eventType: 'message',
      timestamp: 1,
      payload: '{}',
      status,
    });
    // Stored 40 days ago: an ignored one (processed then) and a pending one (never handled).
    await storeEvents(db, [event('old-ignored', 'ignored'), event('old-pending', 'pending')], NOW - 40 * DAY);
    await storeEvents(db, [event('new-ignored', 'ignored')], NOW - 2 * DAY);
    const m = (key: string) => ({
      lineUserId: 'U1',
      messages: [{ type: 'text', text: key }],
      kind: 'notice',
      logicalKey: key,
    });
    const oldSent = await enqueueMessage(db, m('old-sent'), NOW - 40 * DAY);
    await markSent(db, [oldSent?.id as number], 'push', NOW - 40 * DAY);
    await enqueueMessage(db, m('old-undelivered'), NOW - 40 * DAY);
    const newSent = await enqueueMessage(db, m('new-sent'), NOW - DAY);
    await markSent(db, [newSent?.id as number], 'reply', NOW - DAY);

    const housekeeper = new Housekeeper(db, () => NOW, 30 * DAY);
    expect(await housekeeper.tick()).toBe(false);

    const events = await db.selectFrom('line_events').select('webhook_event_id').orderBy('webhook_event_id').execute();
    expect(events.map((e) => e.webhook_event_id)).toEqual(['new-ignored', 'old-pending']);
    const outbox = await db.selectFrom('outbox').select('kind').select('status').orderBy('id').execute();
    expect(outbox).toEqual([
      { kind: 'notice', status: 'pending' },
      { kind: 'notice', status: 'sent' },
    ]);
  });

  it('deletes verified and refused bank notifications past the retention period; unconfirmed ones stay', async () => {
    const db = database.db;
    const token = (name: string) => name.padEnd(64, '0');
    // Recorded and processed 40 days ago: paid, failed, refused (a forged flood), late; one never confirmed.
    for (const [name, status] of [
      ['a1', 'paid'],
      ['b2', 'failed'],
      ['c3', 'rejected'],
      ['d4', 'late'],
    ] as const) {
      await recordToken(db, token(name), 'notify', NOW - 40 * DAY, '203.0.113.7');
      await finishNotification(db, token(name), status, null, null, NOW - 40 * DAY);
    }
    await recordToken(db, token('e5'), 'notify', NOW - 40 * DAY, '203.0.113.7');
    // Processed two days ago: kept.
    await recordToken(db, token('f6'), 'return', NOW - 2 * DAY, '198.51.100.1');
    await finishNotification(db, token('f6'), 'rejected', null, null, NOW - 2 * DAY);

    expect(await new Housekeeper(db, () => NOW, 30 * DAY).tick()).toBe(false);

    const left = await db
      .selectFrom('bank_notifications')
      .select(['pay_token', 'status'])
      .orderBy('pay_token')
      .execute();
    expect(left).toEqual([
      { pay_token: token('e5'), status: 'received' },
      { pay_token: token('f6'), status: 'rejected' },
    ]);
  });
});
