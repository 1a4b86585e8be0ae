/**
 * The shop conversation end to end: the LINE simulator sends signed webhooks to the real app,
 * the shop answers through the Messaging API, and every message must pass LINE's limits.
 */
import type { messagingApi } from '@line/bot-sdk';
import { encodePostback } from '../src/messages/postback';
import { validateMessages } from '../src/sandbox/line';
import { dialects } from './support/databases';
import { startTestShop, type TestShop } from './support/shop-harness';

const USER = 'U1234567890abcdef1234567890abcdef';

type AnyMessage = messagingApi.Message & Record<string, unknown>;

describe.each(dialects)('conversation on %s', (dialect) => {
  let shop: TestShop;
  let seen = 0;

  beforeEach(async () => {
    shop = await startTestShop(dialect);
    seen = 0;
    shop.sim.addUser(USER, { displayName: '小明' });
  });
  afterEach(async () => {
    await shop.close();
  });

  /** Waits for the shop's next answer (all messages of one reply) and checks LINE's limits. */
  async function nextAnswer(count = 1): Promise<AnyMessage[]> {
    const entries = await shop.sim.waitForMessages(USER, seen + count, { timeoutMs: 5000 });
    const fresh = entries.slice(seen).map((e) => e.message as AnyMessage);
    seen = entries.length;
    // Product images are served over http by the test shop; LINE itself would require https.
    expect(validateMessages(fresh, { allowHttpImages: true })).toEqual([]);
    return fresh;
  }
  const json = (m: unknown) => JSON.stringify(m);
  const productId = async (sku: string) =>
    (await shop.database.db.selectFrom('products').select('id').where('sku', '=', sku).executeTakeFirstOrThrow()).id;
  const categoryId = async (name: string) =>
    (await shop.database.db.selectFrom('categories').select('id').where('name', '=', name).executeTakeFirstOrThrow())
      .id;
  const cartQuantities = async () =>
    Object.fromEntries(
      (
        await shop.database.db
          .selectFrom('cart_items')
          .innerJoin('carts', 'carts.id', 'cart_items.cart_id')
          .innerJoin('products', 'products.id', 'cart_items.product_id')
          .select(['products.sku', 'cart_items.quantity'])
          .where('carts.line_user_id', '=', USER)
          .where('carts.status', '=', 'open')
          .execute()
      ).map((r) => [r.sku, r.quantity]),
    );

  it('greets a new follower with what the shop sells and a way to start', async () => {
    expect((await shop.sim.follow(USER)).status).toBe(200);
    const [greeting, categories] = await nextAnswer(2);
    expect(greeting).toMatchObject({ type: 'text' });
    expect(json(greeting)).toContain('歡迎光臨');
    expect(categories).toMatchObject({ type: 'flex' });
    expect(json(categories)).toContain('台灣茶葉');
    expect((categories as AnyMessage).quickReply).toBeDefined();
    // The reply token was used: a free reply, not a push.
    const reply = await shop.sim.waitForCall((c) => c.path === '/v2/bot/message/reply');
    expect(reply.status).toBe(200);
    expect(shop.sim.callsTo('/v2/bot/message/push')).toHaveLength(0);
  });

  it('browses categories then products as a carousel with price, stock hint and add button', async () => {
    await shop.sim.sendText(USER, '商品');
    const [cats] = await nextAnswer();
    expect(json(cats)).toContain(
      encodePostback({ action: 'category', categoryId: await categoryId('台灣茶葉'), page: 1 }),
    );
    await shop.sim.postback(
      USER,
      encodePostback({ action: 'category', categoryId: await categoryId('台灣茶葉'), page: 1 }),
    );
    const [carousel] = await nextAnswer();
    const c = carousel as messagingApi.FlexMessage;
    expect(c.contents.type).toBe('carousel');
    const bubbles = (c.contents as messagingApi.FlexCarousel).contents;
    expect(bubbles).toHaveLength(5);
    const text = json(c);
    expect(text).toContain('NT$680');
    expect(text).toContain('阿里山高山烏龍');
    expect(text).toContain(encodePostback({ action: 'add', productId: await productId('TEA-OOLONG-150') }));
    // 文山包種茶 has no stock: shown as sold out, with no add button.
    const soldOut = bubbles.find((b) => json(b).includes('文山包種茶'));
    expect(json(soldOut)).toContain('已售完');
    expect(json(soldOut)).not.toContain('"action":"add"');
    expect(json(soldOut)).not.toContain(
      encodePostback({ action: 'add', productId: await productId('TEA-BAOZHONG-150') }),
    );
    expect(text).toContain(`${shop.config.publicBaseUrl}/media/products/oolong.png`);
  });

  it('pages a category of more than 12 products with a "more" bubble', async () => {
    const db = shop.database.db;
    const cat = await db
      .insertInto('categories')
      .values({ name: '大量', sort_order: 9 })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 1; i <= 25; i++) {
      await db
        .insertInto('products')
        .values({
          sku: `BULK-${i}`,
          category_id: cat.id,
          name: `商品${i}`,
          description: '',
          image_url: null,
          price: 100 + i,
          stock: 5,
          created_at: 1,
          updated_at: 1,
        })
        .execute();
    }
    const pages: string[][] = [];
    for (let page = 1; page <= 3; page++) {
      await shop.sim.postback(USER, encodePostback({ action: 'category', categoryId: cat.id, page }));
      const [m] = await nextAnswer();
      const bubbles = ((m as messagingApi.FlexMessage).contents as messagingApi.FlexCarousel).contents;
      expect(bubbles.length).toBeLessThanOrEqual(12);
      pages.push(bubbles.map((b) => (json(b).match(/商品\d+/) ?? ['more'])[0] as string));
    }
    expect(pages[0]).toHaveLength(12);
    expect(pages[0]![11]).toBe('more');
    expect(pages[1]![11]).toBe('more');
    expect(pages[2]).toEqual(['商品23', '商品24', '商品25']);
    expect(new Set(pages.flat().filter((p) => p !== 'more')).size).toBe(25);
  });

  it('keeps a cart: add, +1, −1, remove, empty, with subtotal and total', async () => {
    const oolong = await productId('TEA-OOLONG-150');
    const gaiwan = await productId('WARE-GAIWAN');
    await shop.sim.postback(USER, encodePostback({ action: 'add', productId: oolong }));
    const [notice, cart] = await nextAnswer(2);
    expect(json(notice)).toContain('已將「阿里山高山烏龍」加入購物車');
    expect(json(cart)).toContain('NT$680');
    await shop.sim.postback(USER, encodePostback({ action: 'add', productId: gaiwan }));
    await nextAnswer(2);
    await shop.sim.postback(USER, encodePostback({ action: 'inc', productId: oolong }));
    const [afterInc] = await nextAnswer();
    expect(json(afterInc)).toContain('NT$1,810'); // 680×2 + 450
    expect(json(afterInc)).toContain('NT$1,360');
    expect(await cartQuantities()).toEqual({ 'TEA-OOLONG-150': 2, 'WARE-GAIWAN': 1 });
    await shop.sim.postback(USER, encodePostback({ action: 'dec', productId: oolong }));
    await nextAnswer();
    await shop.sim.postback(USER, encodePostback({ action: 'remove', productId: gaiwan }));
    const [afterRemove] = await nextAnswer();
    expect(json(afterRemove)).toContain('NT$680');
    expect(await cartQuantities()).toEqual({ 'TEA-OOLONG-150': 1 });
    await shop.sim.sendText(USER, '購物車');
    const [view] = await nextAnswer();
    expect(json(view)).toContain(encodePostback({ action: 'checkout' }));
    await shop.sim.postback(USER, encodePostback({ action: 'empty' }));
    const [ask] = await nextAnswer();
    expect(json(ask)).toContain('確定要清空購物車嗎');
    expect(await cartQuantities()).toEqual({ 'TEA-OOLONG-150': 1 });
    const confirm = json(ask).match(/action=empty&confirm=1&v=[\w-]+/)?.[0] as string;
    await shop.sim.postback(USER, confirm);
    const [emptied] = await nextAnswer();
    expect(json(emptied)).toContain('已清空購物車');
    expect(await cartQuantities()).toEqual({});
  });

  it('never lets the cart hold more than is available, and refuses sold-out products', async () => {
    const green = await productId('BAG-GREEN-20'); // 3 in stock
    for (let i = 0; i < 3; i++) {
      await shop.sim.postback(USER, encodePostback({ action: 'add', productId: green }));
      await nextAnswer(2);
    }
    await shop.sim.postback(USER, encodePostback({ action: 'add', productId: green }));
    const [limited] = await nextAnswer(2);
    expect(json(limited)).toContain('庫存有限');
    await shop.sim.postback(USER, encodePostback({ action: 'inc', productId: green }));
    const [incLimited] = await nextAnswer(2);
    expect(json(incLimited)).toContain('最多只能買 3 件');
    expect(await cartQuantities()).toEqual({ 'BAG-GREEN-20': 3 });
    await shop.sim.postback(USER, encodePostback({ action: 'add', productId: await productId('TEA-BAOZHONG-150') }));
    const [soldOut] = await nextAnswer();
    expect(json(soldOut)).toContain('已經售完');
  });

  it('answers stale and forged buttons sensibly', async () => {
    const oolong = await productId('TEA-OOLONG-150');
    // −1 on a line that is not in the cart (a button from an old cart bubble).
    await shop.sim.postback(USER, encodePostback({ action: 'dec', productId: oolong }));
    const gone = await nextAnswer(2);
    expect(json(gone)).toContain('不在購物車裡');
    expect(json(gone)).toContain('購物車是空的');
    // A product taken off the shelf since the carousel was sent.
    await shop.database.db.updateTable('products').set({ active: 0 }).where('id', '=', oolong).execute();
    await shop.sim.postback(USER, encodePostback({ action: 'add', productId: oolong }));
    const [offShelf] = await nextAnswer();
    expect(json(offShelf)).toContain('已經下架');
    // A category that no longer exists, a product id that never existed, junk data.
    await shop.sim.postback(USER, encodePostback({ action: 'category', categoryId: 99999, page: 1 }));
    expect(json(await nextAnswer(2))).toContain('分類已經不存在');
    await shop.sim.postback(USER, encodePostback({ action: 'add', productId: 99999 }));
    expect(json(await nextAnswer())).toContain('已經下架');
    await shop.sim.postback(USER, 'action=drop_tables&x=1');
    const [junk] = await nextAnswer();
    expect(json(junk)).toContain('按鈕已經失效');
    expect((junk as AnyMessage).quickReply).toBeDefined();
  });

  it.each<[string, string, number]>([
    ['選單', '想看哪一類', 1],
    ['help', '客服中心', 1],
    ['訂單', '訂單', 1],
    // Searched, nothing found: said so, with the categories to choose from.
    ['今天天氣如何', '找不到', 2],
  ])('answers the text %s helpfully, never with silence', async (input, expected, count) => {
    await shop.sim.sendText(USER, input);
    const answer = await nextAnswer(count);
    expect(json(answer)).toContain(expected);
    expect((answer[answer.length - 1] as AnyMessage).quickReply).toBeDefined();
  });

  it('answers a sticker or image with help instead of silence', async () => {
    await shop.sim.sendEvents([
      {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        webhookEventId: '01STICKER0000000000000000A',
        deliveryContext: { isRedelivery: false },
        source: { type: 'user', userId: USER },
        replyToken: 'sticker-reply-token-unknown-to-sim',
        message: { id: '9', type: 'sticker', packageId: '1', stickerId: '1', stickerResourceType: 'STATIC' },
      } as never,
    ]);
    // The simulator does not know this reply token, so LINE refuses the reply: the shop pushes.
    const [answer] = await nextAnswer();
    expect(json(answer)).toContain('看不懂');
    const push = await shop.sim.waitForCall((c) => c.path === '/v2/bot/message/push');
    expect(push.status).toBe(200);
    expect(shop.sim.callsTo('/v2/bot/message/reply').map((c) => c.status)).toEqual([400]);
  });
});
