/**
 * The inbox under failure: a crash between storing and processing, events of one user in
 * timestamp order, and two instances sharing one database without handling anything twice.
 */
import { encodePostback } from '../src/messages/postback';
import { dialects } from './support/databases';
import { startTestShop, type TestShop } from './support/shop-harness';

const USER = 'U00000000000000000000000000000aaa';

describe.each(dialects)('inbox on %s', (dialect) => {
  let shop: TestShop;
  afterEach(async () => {
    await shop.close();
  });

  const statuses = async () =>
    (await shop.database.db.selectFrom('line_events').select(['status']).execute()).map((r) => r.status).sort();

  it('processes events stored before a crash when the shop starts again', async () => {
    // An instance that accepts webhooks but dies before its worker runs.
    shop = await startTestShop(dialect, { startJobs: false });
    const oolong = (
      await shop.database.db
        .selectFrom('products')
        .select('id')
        .where('sku', '=', 'TEA-OOLONG-150')
        .executeTakeFirstOrThrow()
    ).id;
    expect((await shop.sim.postback(USER, encodePostback({ action: 'add', productId: oolong }))).status).toBe(200);
    expect((await shop.sim.sendText(USER, '購物車')).status).toBe(200);
    expect(await statuses()).toEqual(['pending', 'pending']);
    await shop.stop();

    // The restarted shop picks them up and answers.
    const restarted = await shop.startAnotherInstance({ startJobs: true });
    shop.sim.setWebhookUrl(`${restarted.url}/line/webhook`);
    const answers = await shop.sim.waitForMessages(USER, 3, { timeoutMs: 5000 });
    expect(JSON.stringify(answers)).toContain('已將「阿里山高山烏龍」加入購物車');
    expect(await statuses()).toEqual(['done', 'done']);
    const cart = await shop.database.db.selectFrom('cart_items').select('quantity').execute();
    expect(cart).toEqual([{ quantity: 1 }]);
  });

  it('handles one user’s events in timestamp order even when they arrive out of order', async () => {
    shop = await startTestShop(dialect, { startJobs: false });
    const db = shop.database.db;
    const id = async (sku: string) =>
      (await db.selectFrom('products').select('id').where('sku', '=', sku).executeTakeFirstOrThrow()).id;
    const base = Date.now();
    const ev = (n: number, data: string) => ({
      type: 'postback' as const,
      mode: 'active' as const,
      timestamp: base + n,
      webhookEventId: `01ORDER${String(n).padStart(19, '0')}`,
      deliveryContext: { isRedelivery: false },
      source: { type: 'user' as const, userId: USER },
      replyToken: `unknown-token-${n}`,
      postback: { data },
    });
    const gaiwan = await id('WARE-GAIWAN');
    // add, add, remove — delivered in reverse. Processed in order the cart ends empty;
    // processed as received it would end with 1 or 2.
    await shop.sim.sendEvents([ev(3, encodePostback({ action: 'remove', productId: gaiwan }))]);
    await shop.sim.sendEvents([ev(2, encodePostback({ action: 'add', productId: gaiwan }))]);
    await shop.sim.sendEvents([ev(1, encodePostback({ action: 'add', productId: gaiwan }))]);
    shop.runtime.startJobs();
    await shop.sim.waitForMessages(USER, 5, { timeoutMs: 5000 });
    expect(await db.selectFrom('cart_items').selectAll().execute()).toEqual([]);
    const texts = shop.sim.botMessages(USER).map((m) => JSON.stringify(m));
    expect(texts[0]).toContain('共 1 件');
    expect(texts[2]).toContain('共 2 件');
  });

  it('lets two instances share the inbox without handling any event twice', async () => {
    shop = await startTestShop(dialect, { startJobs: false });
    const second = await shop.startAnotherInstance({ startJobs: false });
    const db = shop.database.db;
    const users = Array.from({ length: 8 }, (_, i) => `U${String(i).padStart(32, '0')}`);
    const oolong = (
      await db.selectFrom('products').select('id').where('sku', '=', 'TEA-OOLONG-150').executeTakeFirstOrThrow()
    ).id;
    for (let round = 0; round < 3; round++) {
      for (const u of users) await shop.sim.postback(u, encodePostback({ action: 'add', productId: oolong }));
    }
    // Both instances work the same backlog at the same time.
    shop.runtime.startJobs();
    second.runtime.startJobs();
    await Promise.all(users.map((u) => shop.sim.waitForMessages(u, 6, { timeoutMs: 10_000 })));
    const rows = await db
      .selectFrom('cart_items')
      .innerJoin('carts', 'carts.id', 'cart_items.cart_id')
      .select(['carts.line_user_id', 'cart_items.quantity'])
      .execute();
    expect(rows).toHaveLength(8);
    for (const r of rows) expect(r.quantity).toBe(3);
    expect(await statuses()).toEqual(Array(24).fill('done'));
    // Exactly one answer (notice + cart) per event: nothing sent twice.
    for (const u of users) expect(shop.sim.botMessages(u)).toHaveLength(6);
  });

  it('keeps each user’s replies in order while one batch’s replies travel and the next is handled', async () => {
    shop = await startTestShop(dialect, { startJobs: false });
    const other = 'U00000000000000000000000000000bbb';
    // More events for one user than a batch takes (128), so they span batches; LINE answers slowly,
    // so a batch is handled while the previous one's replies are still on their way.
    const events: Record<string, Array<{ timestamp: number; webhookEventId: string; replyToken: string }>> = {
      [USER]: [],
      [other]: [],
    };
    for (let i = 0; i < 150; i++) {
      for (const u of i < 20 ? [USER, other] : [USER]) {
        const r = await shop.sim.sendText(u, '購物車');
        events[u]?.push(
          ...(r.events as unknown as Array<{ timestamp: number; webhookEventId: string; replyToken: string }>),
        );
      }
    }
    // The shop's order: by timestamp, then webhookEventId (events of one millisecond).
    const inOrder = (u: string) =>
      (events[u] ?? [])
        .sort((a, b) => a.timestamp - b.timestamp || (a.webhookEventId < b.webhookEventId ? -1 : 1))
        .map((e) => e.replyToken);
    const sent: Record<string, string[]> = { [USER]: inOrder(USER), [other]: inOrder(other) };
    shop.sim.setLatency(20, '/v2/bot/message/reply');
    shop.runtime.startJobs();
    const answered = (token: string | undefined) =>
      shop.sim.waitForCall((c) => (c.body as { replyToken?: string })?.replyToken === token, { timeoutMs: 20_000 });
    await Promise.all([answered(sent[USER]?.at(-1)), answered(sent[other]?.at(-1))]);
    const replied = (u: string) =>
      shop.sim
        .callsTo('/v2/bot/message/reply')
        .map((c) => (c.body as { replyToken: string }).replyToken)
        .filter((t) => sent[u]?.includes(t));
    expect(replied(USER)).toEqual(sent[USER]);
    expect(replied(other)).toEqual(sent[other]);
    expect(await statuses()).toEqual(Array(170).fill('done'));
  });
});
