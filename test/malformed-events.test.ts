/**
 * One malformed event must never stop the other chats (issue 11, item 1): a signed webhook with
 * fields of the wrong type is acknowledged, the bad events are recorded as ignored with the
 * reason, other users are answered; events already stored by an older version are set aside on
 * restart; an exception while handling one event counts against that event only.
 */
import type { webhook } from '@line/bot-sdk';
import { EventWorker, MAX_EVENT_ATTEMPTS } from '../src/line/event-worker';
import { failedEvents } from '../src/line/inbox-repository';
import { encodePostback } from '../src/messages/postback';
import type { WebhookEvent } from '../src/sandbox/line/webhook/event-builders';
import { createConversation } from '../src/shop/conversation';
import { GENERIC_PROFILE } from '../src/shop/profile';
import { dialects } from './support/databases';
import { recordingLogger } from './support/recording-logger';
import { startTestShop, type TestShop } from './support/shop-harness';

const GOOD = 'U00000000000000000000000000000aaa';
const BAD = 'U00000000000000000000000000000bad';

let seq = 0;
/** A whole, well-formed event (as LINE sends it) with a reply token the simulator does not know. */
function event(userId: string, over: Record<string, unknown>): WebhookEvent {
  seq++;
  return {
    type: 'message',
    mode: 'active',
    timestamp: Date.now() + seq,
    webhookEventId: `01MALFORMED${String(seq).padStart(15, '0')}`,
    deliveryContext: { isRedelivery: false },
    source: { type: 'user', userId },
    replyToken: `unknown-token-${seq}`,
    ...over,
  };
}
const postback = (userId: string, data: unknown) => event(userId, { type: 'postback', postback: { data } });
const typed = (userId: string, text: unknown) =>
  event(userId, { message: { type: 'text', id: String(seq), text, quoteToken: 'q' } });

describe.each(dialects)('malformed events on %s', (dialect) => {
  let shop: TestShop;
  afterEach(async () => {
    await shop.close();
  });

  const rows = async () =>
    shop.database.db
      .selectFrom('line_events')
      .select(['webhook_event_id', 'chat_id', 'status', 'ignored_reason', 'attempts'])
      .execute();
  const byId = async () => Object.fromEntries((await rows()).map((r) => [r.webhook_event_id, r]));

  it('acknowledges a signed batch, ignores each bad event with its reason, and answers the good one', async () => {
    shop = await startTestShop(dialect);
    const bad: Record<string, Record<string, unknown>> = {
      arrayData: postback(BAD, [1]),
      objectData: postback(BAD, { action: 'cart' }),
      numberText: typed(BAD, 42),
      noUserId: event(BAD, { source: { type: 'user' }, message: { type: 'text', id: '1', text: '商品' } }),
      stringTime: { ...typed(BAD, '商品'), timestamp: 'yesterday' },
      numberType: { ...typed(BAD, '商品'), type: 7 },
      noDelivery: { ...postback(BAD, 'action=cart'), deliveryContext: undefined },
    };
    const good = typed(GOOD, '購物車');
    const r = await shop.sim.sendEvents([...Object.values(bad), 'not an event', good] as never);
    expect(r.status).toBe(200);

    // The well-formed event of another user in the same body is answered.
    const [answer] = await shop.sim.waitForMessages(GOOD, 1, { timeoutMs: 5000 });
    expect(JSON.stringify(answer?.message)).toContain('購物車');

    const stored = await byId();
    expect(stored[good.webhookEventId]?.status).toBe('done');
    const reasonOf = (e: Record<string, unknown> | undefined) => stored[String(e?.webhookEventId)]?.ignored_reason;
    expect(reasonOf(bad.arrayData)).toBe('/postback/data must be string');
    // An object is not read as a query string: no cart for BAD.
    expect(reasonOf(bad.objectData)).toBe('/postback/data must be string');
    expect(reasonOf(bad.numberText)).toBe('/message/text must be string');
    expect(reasonOf(bad.noUserId)).toBe("/source must have required property 'userId'");
    expect(reasonOf(bad.stringTime)).toBe('/timestamp must be integer');
    expect(reasonOf(bad.numberType)).toBe('/type must be string');
    expect(reasonOf(bad.noDelivery)).toBe("event must have required property 'deliveryContext'");
    const statuses = (await rows()).map((x) => x.status);
    expect(statuses.filter((s) => s === 'ignored')).toHaveLength(8); // the seven and the string
    expect(statuses.filter((s) => s === 'pending')).toHaveLength(0);
    expect(shop.sim.botMessages(BAD)).toHaveLength(0);
  });

  it('sets aside bad events stored by an older version and goes on after a restart', async () => {
    // An instance whose worker never ran; the rows below are what the old webhook stored as pending.
    shop = await startTestShop(dialect, { startJobs: false });
    const now = Date.now();
    const old = (id: string, chat: string, type: string, payload: unknown) => ({
      webhook_event_id: id,
      chat_id: chat,
      event_type: type,
      event_timestamp: now,
      payload: JSON.stringify(payload),
      status: 'pending' as const,
      received_at: now,
    });
    const arrayData = postback(BAD, [1]);
    const numberText = typed(BAD, 42);
    await shop.database.db
      .insertInto('line_events')
      .values([
        old(arrayData.webhookEventId, BAD, 'postback', arrayData),
        old(numberText.webhookEventId, BAD, 'message', numberText),
        { ...old('01NOTJSON', BAD, 'message', null), payload: '{"type":' },
      ])
      .execute();
    expect((await shop.sim.sendEvents([typed(GOOD, '購物車')])).status).toBe(200);
    await shop.stop();

    const restarted = await shop.startAnotherInstance({ startJobs: true });
    shop.sim.setWebhookUrl(`${restarted.url}/line/webhook`);
    await shop.sim.waitForMessages(GOOD, 1, { timeoutMs: 5000 });
    // A later event of the same (bad) user is handled too: its chat is not blocked.
    expect((await shop.sim.sendText(BAD, '購物車')).status).toBe(200);
    await shop.sim.waitForMessages(BAD, 1, { timeoutMs: 5000 });
    const stored = await byId();
    expect(stored[arrayData.webhookEventId]).toMatchObject({
      status: 'ignored',
      ignored_reason: '/postback/data must be string',
    });
    expect(stored[numberText.webhookEventId]).toMatchObject({
      status: 'ignored',
      ignored_reason: '/message/text must be string',
    });
    expect(stored['01NOTJSON']).toMatchObject({
      status: 'ignored',
      ignored_reason: 'stored payload is not valid JSON',
    });
  });

  it('counts an exception against its event only, gives it up after the limit, and says so once', async () => {
    shop = await startTestShop(dialect, { startJobs: false });
    const log = recordingLogger();
    const conversation = createConversation({ profile: GENERIC_PROFILE, publicBaseUrl: shop.url });
    const isBad = (e: webhook.Event) => e.source?.type === 'user' && e.source.userId === BAD;
    // The shop's own conversation, except that BAD's event throws, in grouping and in handling.
    const worker = new EventWorker({
      db: shop.database.db,
      handle: async (ctx, e) => {
        if (isBad(e)) throw new Error('handler bug');
        return conversation.handle(ctx, e);
      },
      needsOwnTransaction: (e) => {
        if (isBad(e)) throw new TypeError('grouping bug');
        return conversation.needsOwnTransaction(e);
      },
      outbox: shop.runtime.outboxSender,
      now: Date.now,
      logger: log,
      owner: 'test-worker',
      apology: conversation.apology,
    });
    const badTap = await shop.sim.postback(BAD, encodePostback({ action: 'cart' }));
    await shop.sim.sendText(GOOD, '購物車');
    const badId = String(badTap.events[0]?.webhookEventId);

    await worker.tick();
    // The other user is answered in the same round; the bad event has one attempt counted.
    expect(shop.sim.botMessages(GOOD)).toHaveLength(1);
    expect((await byId())[badId]).toMatchObject({ status: 'pending', attempts: 1 });

    for (let i = 1; i < MAX_EVENT_ATTEMPTS; i++) await worker.tick();
    expect((await byId())[badId]).toMatchObject({ status: 'failed', attempts: MAX_EVENT_ATTEMPTS });
    expect(await worker.tick()).toBe(false);
    // Visible to the merchant: listed as a dead letter with its error, logged once by id only.
    const dead = await failedEvents(shop.database.db, 10);
    expect(dead.map((d) => d.webhook_event_id)).toEqual([badId]);
    expect(dead[0]?.last_error).toContain('bug');
    const deadLines = log.entries.filter((l) => l.msg?.startsWith('DEAD LETTER'));
    expect(deadLines).toHaveLength(1);
    expect(deadLines[0]?.obj).toEqual({ eventId: badId, eventType: 'postback', attempts: MAX_EVENT_ATTEMPTS });
    // The customer is told once (an apology, pushed).
    await shop.runtime.outboxSender.tick();
    expect(shop.sim.botMessages(BAD)).toHaveLength(1);
  });
});
