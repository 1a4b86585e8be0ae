/**
 * A conversation that understands customers (issue 16), end to end: the LINE simulator sends signed
 * webhooks to the real app on both databases. Typed search, the shop's answers, hand-off to a
 * person, unanswered questions, mark-as-read only for what the bot handled, loading while the bank
 * makes a pay link.
 */
import type { messagingApi } from '@line/bot-sdk';
import { DEMO_SHOP_PROFILE } from '../../src/config';
import { encodePostback } from '../../src/messages/postback';
import { validateMessages } from '../../src/sandbox/line';
import type { UserChatEntry } from '../../src/sandbox/line/state/chat-log';
import {
  endHandoffByMerchant,
  listActiveHandoffs,
  listUnansweredQuestions,
  markMerchantAlertSent,
  pendingMerchantAlerts,
  recordMerchantActivity,
} from '../../src/shop/people-service';
import { buy, waitUntil } from '../checkout/helpers';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';

const USER = 'U2234567890abcdef1234567890abcdef';
type AnyMessage = messagingApi.Message & Record<string, unknown>;
const json = (m: unknown) => JSON.stringify(m);

describe.each(dialects)('talking to customers on %s', (dialect) => {
  let shop: TestShop;
  let seen = 0;
  /** The shop's clock: moved forward to let a hand-off go idle. */
  let clock = Date.now();

  beforeEach(async () => {
    clock = Date.now();
    shop = await startTestShop(dialect, {
      now: () => clock,
      env: { HANDOFF_IDLE_MINUTES: '30', SHOP_PROFILE: DEMO_SHOP_PROFILE },
    });
    seen = 0;
    shop.sim.addUser(USER, { displayName: '小華' });
  });
  afterEach(async () => {
    await shop.close();
  });

  async function nextAnswer(count = 1): Promise<AnyMessage[]> {
    const entries = await shop.sim.waitForMessages(USER, seen + count, { timeoutMs: 5000 });
    const fresh = entries.slice(seen).map((e) => e.message as AnyMessage);
    seen = entries.length;
    expect(validateMessages(fresh, { allowHttpImages: true })).toEqual([]);
    return fresh;
  }
  /** Types text and returns the mark-as-read token its webhook event carried. */
  async function type(text: string): Promise<string> {
    await shop.sim.sendText(USER, text);
    const mine = shop.sim.chat(USER).filter((e): e is UserChatEntry => e.from === 'user' && e.text === text);
    return mine[mine.length - 1]?.markAsReadToken as string;
  }
  const readTokensSent = () =>
    shop.sim.callsTo('/v2/bot/chat/markAsRead').map((c) => (c.body as { markAsReadToken: string }).markAsReadToken);
  /** Waits until every event of the chat is handled and every outbox row settled (no sleeps). */
  async function settled(): Promise<void> {
    await waitUntil(async () => {
      const events = await shop.database.db
        .selectFrom('line_events')
        .select('webhook_event_id')
        .where('chat_id', '=', USER)
        .where('status', '=', 'pending')
        .execute();
      const out = await shop.database.db
        .selectFrom('outbox')
        .select('id')
        .where('line_user_id', '=', USER)
        .where('status', '=', 'pending')
        .execute();
      return events.length === 0 && out.length === 0;
    });
  }
  /** The mark-as-read rows' outcomes. */
  const readRows = () =>
    shop.database.db
      .selectFrom('outbox')
      .select(['status', 'sent_by', 'attempts', 'last_error'])
      .where('kind', '=', 'mark_read')
      .orderBy('id')
      .execute();

  it('a typed word finds products as a carousel and marks the message read', async () => {
    const token = await type('烏龍');
    const [intro, carousel] = await nextAnswer(2);
    expect(intro).toMatchObject({ type: 'text' });
    expect(json(intro)).toContain('找到 3 件「烏龍」');
    expect(carousel).toMatchObject({ type: 'flex', contents: { type: 'carousel' } });
    expect(json(carousel)).toContain('阿里山高山烏龍');
    expect(json(carousel)).toContain('烏龍茶包');
    await shop.sim.waitForCall((c) => c.path === '/v2/bot/chat/markAsRead');
    expect(readTokensSent()).toEqual([token]);
    expect(shop.sim.readUpTo(USER)).not.toBeNull();
  });

  it('mark-as-read is retried on 5xx like a push, and given up on a 400', async () => {
    shop.sim.failNext('/v2/bot/chat/markAsRead', { status: 500 });
    const token = await type('烏龍');
    await nextAnswer(2);
    // The failure recorded (due again a second later), then the clock moves past that backoff.
    await waitUntil(async () => (await readRows())[0]?.attempts === 1);
    clock += 2_000;
    const retried = await shop.sim.waitForCall((c) => c.path === '/v2/bot/chat/markAsRead' && c.status === 200);
    expect(retried.body).toEqual({ markAsReadToken: token });
    await waitUntil(async () => (await readRows())[0]?.status === 'sent');
    expect(await readRows()).toEqual([expect.objectContaining({ status: 'sent', sent_by: 'mark_read', attempts: 2 })]);

    shop.sim.failNext('/v2/bot/chat/markAsRead', { status: 400 });
    await type('茶具');
    await nextAnswer();
    await shop.sim.waitForCall((c) => c.path === '/v2/bot/chat/markAsRead' && c.status === 400);
    await settled();
    expect((await readRows()).map((r) => r.status)).toEqual(['sent', 'dead']);
  });

  it('one hit shows that product; Simplified and 臺 find it too', async () => {
    await type('铁观音');
    const [intro, product] = await nextAnswer(2);
    expect(json(intro)).toContain('找到「铁观音」');
    expect(product).toMatchObject({ type: 'flex', contents: { type: 'bubble' } });
    expect(json(product)).toContain('木柵鐵觀音');
    await type('臺茶18號');
    expect(json(await nextAnswer(2))).toContain('日月潭紅玉紅茶');
  });

  it('a category name opens that category', async () => {
    await type('台灣茶葉');
    const [carousel] = await nextAnswer();
    expect(carousel).toMatchObject({ type: 'flex', altText: '台灣茶葉：商品列表' });
  });

  it('nothing found: says so, offers the categories, counts the question for the merchant, leaves it unread', async () => {
    const first = await type('你們有賣咖啡嗎');
    const [sorry, categories] = await nextAnswer(2);
    expect(json(sorry)).toContain('找不到「你們有賣咖啡嗎」');
    expect(json(categories)).toContain('想看哪一類');
    const second = await type('你們有賣咖啡嗎？');
    await nextAnswer(2);
    await type('我的手機 0912-345-678 能訂嗎');
    await nextAnswer(2);
    await settled();
    const questions = await listUnansweredQuestions(shop.database.db);
    expect(questions.map((q) => [q.question, q.timesAsked])).toEqual([
      ['你們有賣咖啡嗎？', 2],
      ['我的手機 ＊＊＊ 能訂嗎', 1],
    ]);
    expect(readTokensSent()).not.toContain(first);
    expect(readTokensSent()).not.toContain(second);
  });

  it.each([
    ['運費怎麼算', '運費'],
    ['請問可以退貨嗎', '7 天鑑賞期'],
    ['可以刷卡嗎', '信用卡'],
    ['你們的電話', '02-2345-6789'],
  ])('the FAQ answers "%s"', async (typed, expected) => {
    const token = await type(typed);
    const [answer] = await nextAnswer();
    expect(answer).toMatchObject({ type: 'text' });
    expect(json(answer)).toContain(expected);
    await shop.sim.waitForCall((c) => c.path === '/v2/bot/chat/markAsRead');
    expect(readTokensSent()).toContain(token);
  });

  it.each<[string, string, number]>([
    // A command, typed in Simplified.
    ['购物车', '購物車是空的', 1],
    // 客服 alone opens help; asking for a person (客服人員) hands off.
    ['客服', '客服中心', 1],
    ['客服人員', '通知店家', 1],
    // A FAQ keyword wins over a category or product word in the same sentence.
    ['茶具的運費', '運費', 1],
    // A category name opens it; a product word searches.
    ['茶具', '茶具：商品列表', 1],
    ['蓋碗', '白瓷蓋碗', 2],
  ])('routes "%s" in order: command → person → FAQ → category → search', async (typed, expected, count) => {
    await type(typed);
    expect(json(await nextAnswer(count))).toContain(expected);
  });

  it('你好 gets a greeting with what the shop can do; 客服 shows contact details, FAQ buttons and 找真人客服', async () => {
    await type('你好！');
    expect(json(await nextAnswer())).toContain('找真人客服');
    await type('客服');
    const [help] = await nextAnswer();
    expect(help).toMatchObject({ type: 'flex' });
    for (const part of [
      '02-2345-6789',
      '週一至週五',
      '運費怎麼算',
      'action=faq&id=returns',
      'action=person',
      'tel:0223456789',
    ]) {
      expect(json(help)).toContain(part);
    }
    // A FAQ button answers; a stale FAQ id says so and shows help again.
    await shop.sim.postback(USER, encodePostback({ action: 'faq', id: 'returns' }));
    expect(json(await nextAnswer())).toContain('鑑賞期');
    await shop.sim.postback(USER, encodePostback({ action: 'faq', id: 'gone' }));
    expect(json(await nextAnswer(2))).toContain('已經更新');
  });

  it('hand-off: told when a person answers, bot silent on text but buttons work, merchant alerted, ended in the console', async () => {
    const ask = await type('我要找真人');
    const [started] = await nextAnswer();
    expect(json(started)).toContain('通知店家');
    expect(json(started)).toContain('週一至週五 10:00–18:00');
    expect(json(started)).toContain('action=bot');
    const alerts = await pendingMerchantAlerts(shop.database.db);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'handoff_started', lineUserId: USER })]);
    expect(await listActiveHandoffs(shop.database.db, clock, 30 * 60_000)).toHaveLength(1);

    // Typed text goes to the person: no answer, not marked read. The button after it is answered,
    // and events of a chat are handled in order, so the text was handled (silently) by then.
    const quiet = await type('包裝可以寫卡片嗎');
    await shop.sim.postback(USER, encodePostback({ action: 'browse' }));
    const [categories] = await nextAnswer();
    expect(json(categories)).toContain('想看哪一類');
    await settled();
    expect(shop.sim.botMessages(USER)).toHaveLength(seen);
    expect(readTokensSent()).not.toContain(ask);
    expect(readTokensSent()).not.toContain(quiet);
    expect(await listUnansweredQuestions(shop.database.db)).toEqual([]);

    // The merchant answers in the Official Account chat; the bot is not told.
    shop.sim.merchantSend(USER, '可以的，請把卡片內容傳給我們');
    await nextAnswer();
    expect(await recordMerchantActivity(shop.database.db, USER, clock)).toBe(true);

    // Tapping 找真人客服 again: told it is on its way, no second alert.
    await shop.sim.postback(USER, encodePostback({ action: 'person' }));
    expect(json(await nextAnswer())).toContain('已經通知店家了');
    expect(await pendingMerchantAlerts(shop.database.db)).toHaveLength(1);
    expect(await markMerchantAlertSent(shop.database.db, alerts[0]?.id as number, clock)).toBe(true);
    expect(await pendingMerchantAlerts(shop.database.db)).toEqual([]);

    // The merchant ends it in the console: the bot answers typed text again.
    expect(await endHandoffByMerchant(shop.database.db, USER, clock)).toBe(true);
    expect(await listActiveHandoffs(shop.database.db, clock, 30 * 60_000)).toEqual([]);
    await type('烏龍');
    expect(json(await nextAnswer(2))).toContain('阿里山高山烏龍');
  }, 20_000);

  it('a hand-off with no merchant activity for HANDOFF_IDLE_MINUTES ends by itself', async () => {
    await shop.sim.postback(USER, encodePostback({ action: 'person' }));
    await nextAnswer();
    clock += 10 * 60_000;
    await recordMerchantActivity(shop.database.db, USER, clock);
    // 29 minutes after the merchant's activity: still with the person.
    clock += 29 * 60_000;
    await type('還在嗎');
    await shop.sim.postback(USER, encodePostback({ action: 'cart' }));
    expect(json(await nextAnswer())).toContain('購物車');
    // 30 minutes: the bot is back, and says so.
    clock += 60_000;
    await type('運費');
    const [back, answer] = await nextAnswer(2);
    expect(json(back)).toContain('真人客服時段已結束');
    expect(json(answer)).toContain('運費');
    const row = await shop.database.db.selectFrom('handoffs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ended_by: 'timeout', ended_at: row.last_merchant_at + 30 * 60_000 });
  });

  it('回到小幫手 ends the hand-off from the customer side', async () => {
    await type('找真人客服');
    await nextAnswer();
    await shop.sim.postback(USER, encodePostback({ action: 'bot' }));
    expect(json(await nextAnswer())).toContain('小幫手回來');
    await type('茶具');
    expect(json(await nextAnswer())).toContain('白瓷蓋碗');
  });

  it('shows the loading animation while the bank makes the pay link', async () => {
    const product = await shop.database.db
      .selectFrom('products')
      .select('id')
      .where('sku', '=', 'TEA-TGY-150')
      .executeTakeFirstOrThrow();
    await buy(shop, USER, product.id, 'C');
    const loading = shop.sim.callsTo('/v2/bot/chat/loading/start');
    expect(loading).toEqual([expect.objectContaining({ status: 202, body: { chatId: USER, loadingSeconds: 20 } })]);
  });
});
