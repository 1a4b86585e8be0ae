/** Outbox delivery: stale reply tokens become pushes, retries with a stable retry key, dead letters. */
import { enqueueMessage, retryKeyFor, SETTLED_REPLY_MESSAGES } from '../src/line/outbox-repository';
import { dialects } from './support/databases';
import { startTestShop, type TestShop } from './support/shop-harness';

const USER = 'U00000000000000000000000000000bbb';
const hello = [{ type: 'text', text: '您的訂單已出貨' }];

describe.each(dialects)('outbox on %s', (dialect) => {
  let shop: TestShop;
  let clock: number;
  beforeEach(async () => {
    clock = Date.now();
    shop = await startTestShop(dialect, { startJobs: false, now: () => clock });
  });
  afterEach(async () => {
    await shop.close();
  });

  const row = async (key: string) =>
    shop.database.db
      .selectFrom('outbox')
      .selectAll()
      .where('retry_key', '=', retryKeyFor(key))
      .executeTakeFirstOrThrow();

  it('derives a UUID retry key from what is sent, and enqueues the same thing once', async () => {
    expect(retryKeyFor('receipt:1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(retryKeyFor('receipt:1')).toBe(retryKeyFor('receipt:1'));
    expect(retryKeyFor('receipt:1')).not.toBe(retryKeyFor('receipt:2'));
    const db = shop.database.db;
    expect(
      await enqueueMessage(db, { lineUserId: USER, messages: hello, kind: 'notice', logicalKey: 'k1' }, clock),
    ).toBeDefined();
    expect(
      await enqueueMessage(db, { lineUserId: USER, messages: hello, kind: 'notice', logicalKey: 'k1' }, clock),
    ).toBeUndefined();
    expect(await db.selectFrom('outbox').selectAll().execute()).toHaveLength(1);
  });

  it('pushes when the reply token is stale, with the row’s retry key', async () => {
    await enqueueMessage(
      shop.database.db,
      {
        lineUserId: USER,
        messages: hello,
        kind: 'reply',
        logicalKey: 'stale',
        replyToken: 'old-token',
        replyUntil: clock - 1,
      },
      clock,
    );
    expect(await shop.runtime.outboxSender.tick()).toBe(true);
    const [push] = shop.sim.callsTo('/v2/bot/message/push');
    expect(push?.headers['x-line-retry-key']).toBe(retryKeyFor('stale'));
    expect(shop.sim.callsTo('/v2/bot/message/reply')).toHaveLength(0);
    expect(await row('stale')).toMatchObject({ status: 'sent', sent_by: 'push' });
  });

  it('keeps no copy of a reply once it is delivered; other kinds keep their messages', async () => {
    const db = shop.database.db;
    // No reply token: the reply goes out as a push, like one whose token ran out.
    await enqueueMessage(db, { lineUserId: USER, messages: hello, kind: 'reply', logicalKey: 'r1' }, clock);
    await enqueueMessage(db, { lineUserId: USER, messages: hello, kind: 'receipt', logicalKey: 'n1' }, clock);
    expect(await shop.runtime.outboxSender.tick()).toBe(true);
    expect(shop.sim.callsTo('/v2/bot/message/push').map((c) => c.body)).toEqual([
      expect.objectContaining({ messages: hello }),
      expect.objectContaining({ messages: hello }),
    ]);
    expect(await row('r1')).toMatchObject({ status: 'sent', messages: SETTLED_REPLY_MESSAGES });
    expect(await row('n1')).toMatchObject({ status: 'sent', messages: JSON.stringify(hello) });
  });

  it('retries 5xx and 429 with backoff, reusing the key, and treats 409 as delivered', async () => {
    await enqueueMessage(
      shop.database.db,
      { lineUserId: USER, messages: hello, kind: 'receipt', logicalKey: 'r1' },
      clock,
    );
    shop.sim.failNext('/v2/bot/message/push', { status: 500, times: 1 });
    await shop.runtime.outboxSender.tick();
    expect(await row('r1')).toMatchObject({ status: 'pending', attempts: 1 });
    // Not due yet: nothing is sent before the backoff has passed.
    expect(await shop.runtime.outboxSender.tick()).toBe(false);
    clock += 1_000;
    shop.sim.failNext('/v2/bot/message/push', { status: 429, times: 1 });
    await shop.runtime.outboxSender.tick();
    expect(await row('r1')).toMatchObject({ status: 'pending', attempts: 2 });
    clock += 2_000;
    await shop.runtime.outboxSender.tick();
    expect(await row('r1')).toMatchObject({ status: 'sent', attempts: 3 });
    const keys = shop.sim.callsTo('/v2/bot/message/push').map((c) => c.headers['x-line-retry-key']);
    expect(keys).toEqual([retryKeyFor('r1'), retryKeyFor('r1'), retryKeyFor('r1')]);
    expect(shop.sim.botMessages(USER)).toHaveLength(1);

    // A crash after LINE accepted but before we recorded it: the retry answers 409, which counts as sent.
    await shop.database.db.updateTable('outbox').set({ status: 'pending', next_attempt_at: clock }).execute();
    await shop.runtime.outboxSender.tick();
    expect(shop.sim.callsTo('/v2/bot/message/push').at(-1)?.status).toBe(409);
    expect(await row('r1')).toMatchObject({ status: 'sent' });
    expect(shop.sim.botMessages(USER)).toHaveLength(1);
  });

  it('dead-letters a message LINE refuses, and one that keeps failing', async () => {
    const db = shop.database.db;
    await enqueueMessage(
      db,
      { lineUserId: USER, messages: [{ type: 'text', text: '' }], kind: 'bad', logicalKey: 'bad' },
      clock,
    );
    await shop.runtime.outboxSender.tick();
    expect(await row('bad')).toMatchObject({ status: 'dead', attempts: 1 });
    expect((await row('bad')).last_error).toContain('400');

    await enqueueMessage(db, { lineUserId: USER, messages: hello, kind: 'receipt', logicalKey: 'flaky' }, clock);
    shop.sim.failNext('/v2/bot/message/push', { status: 503, times: 100 });
    for (let i = 0; i < 8; i++) {
      await shop.runtime.outboxSender.tick();
      clock += 10 * 60_000;
    }
    expect(await row('flaky')).toMatchObject({ status: 'dead', attempts: 8 });
  });
});
