/**
 * What the outbox does when LINE took a message but the answer was lost (issue 11, item 3), with
 * the LINE simulator resetting the connection after it delivered. A conversational reply is sent
 * at most once: its spent token is not followed by a push of the same answer. A receipt is sent at
 * least once, pushed again with the same retry key, and LINE (the simulator) deduplicates it.
 */
import { enqueueMessage, retryKeyFor } from '../src/line/outbox-repository';
import { dialects } from './support/databases';
import { startTestShop, type TestShop } from './support/shop-harness';

const USER = 'U00000000000000000000000000000ccc';
const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

describe.each(dialects)('delivery guarantees on %s', (dialect) => {
  let shop: TestShop;
  let clock: number;
  beforeEach(async () => {
    clock = Date.now();
    shop = await startTestShop(dialect, { startJobs: false, now: () => clock });
  });
  afterEach(async () => {
    await shop.close();
  });

  // The messages (a handled text also queues its mark-as-read request, which these tests leave aside).
  const outbox = () =>
    shop.database.db.selectFrom('outbox').selectAll().where('kind', '!=', 'mark_read').orderBy('id').execute();

  it('does not push a conversational reply again after LINE took it and the answer was lost', async () => {
    shop.sim.dropResponseNext(REPLY);
    await shop.sim.sendText(USER, '購物車');
    await shop.runtime.eventWorker.tick();
    // LINE delivered it (the token is spent), but the shop never heard back.
    expect(shop.sim.botMessages(USER)).toHaveLength(1);
    expect(shop.sim.callsTo(REPLY)).toEqual([expect.objectContaining({ status: 200, dropped: true })]);
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'pending', in_doubt: 1, attempts: 1 })]);

    clock += 1_000;
    await shop.runtime.outboxSender.tick();
    // The retry finds the token spent and stops there: no push of the same answer.
    expect(shop.sim.callsTo(REPLY).map((c) => c.status)).toEqual([200, 400]);
    expect(shop.sim.callsTo(PUSH)).toHaveLength(0);
    expect(shop.sim.botMessages(USER)).toHaveLength(1);
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'sent', sent_by: 'unconfirmed' })]);
  });

  it('still delivers a reply whose first attempt failed without reaching the customer', async () => {
    // LINE answered 500 before delivering: outcome unknown, so the reply is tried again, and
    // since the token is unspent the customer gets the answer once.
    shop.sim.failNext(REPLY, { status: 500 });
    await shop.sim.sendText(USER, '購物車');
    await shop.runtime.eventWorker.tick();
    expect(shop.sim.botMessages(USER)).toHaveLength(0);
    clock += 1_000;
    await shop.runtime.outboxSender.tick();
    expect(shop.sim.botMessages(USER)).toHaveLength(1);
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'sent', sent_by: 'reply' })]);
  });

  it('treats a reply that was in flight when the process died as possibly delivered', async () => {
    const tap = await shop.sim.sendText(USER, '說明');
    const replyToken = String(tap.events[0]?.replyToken);
    const messages = [{ type: 'text', text: '說明' }];
    // The dead process had enqueued its answer, leased to itself, and sent it; then it died.
    await enqueueMessage(
      shop.database.db,
      {
        lineUserId: USER,
        messages,
        kind: 'reply',
        logicalKey: 'reply:in-flight',
        replyToken,
        replyUntil: clock + 50_000,
        claimFor: clock + 30_000,
      },
      clock,
    );
    await shop.runtime.line.reply(replyToken, JSON.stringify(messages));
    expect(shop.sim.botMessages(USER)).toHaveLength(1);

    // Its lease runs out; another sender takes the row over.
    clock += 31_000;
    await shop.runtime.outboxSender.tick();
    expect(shop.sim.callsTo(PUSH)).toHaveLength(0);
    expect(shop.sim.botMessages(USER)).toHaveLength(1);
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'sent', sent_by: 'unconfirmed', in_doubt: 1 })]);
  });

  it('pushes a receipt again with the same retry key after a lost answer, and LINE keeps one', async () => {
    const receipt = [{ type: 'text', text: '付款成功，訂單 251129ABCDEF' }];
    await enqueueMessage(
      shop.database.db,
      { lineUserId: USER, messages: receipt, kind: 'receipt', logicalKey: 'receipt:1' },
      clock,
    );
    shop.sim.dropResponseNext(PUSH);
    await shop.runtime.outboxSender.tick();
    expect(shop.sim.botMessages(USER)).toHaveLength(1);
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'pending', attempts: 1 })]);

    clock += 1_000;
    await shop.runtime.outboxSender.tick();
    const pushes = shop.sim.callsTo(PUSH);
    expect(pushes.map((c) => [c.status, c.headers['x-line-retry-key']])).toEqual([
      [200, retryKeyFor('receipt:1')],
      [409, retryKeyFor('receipt:1')],
    ]);
    expect(shop.sim.botMessages(USER)).toHaveLength(1);
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'sent', sent_by: 'push' })]);
  });
});
