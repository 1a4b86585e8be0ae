/** Shared steps for checkout tests: a customer, a product, and finding things in the chat. */
import { randomBytes } from 'node:crypto';
import { deliveryToken } from '../support/delivery';
import type { TestShop } from '../support/shop-harness';

export function newUser(): string {
  return `U${randomBytes(16).toString('hex')}`;
}

/** A product with stock set to `stock` (nothing reserved). */
export async function productWithStock(
  shop: TestShop,
  stock: number,
  index = 0,
): Promise<{ id: number; price: number; name: string }> {
  const rows = await shop.database.db
    .selectFrom('products')
    .selectAll()
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
  const p = rows[index];
  if (!p) throw new Error('no product');
  await shop.database.db.updateTable('products').set({ stock, reserved: 0 }).where('id', '=', p.id).execute();
  return { id: p.id, price: p.price, name: p.name };
}

export async function product(shop: TestShop, id: number) {
  return shop.database.db
    .selectFrom('products')
    .select(['stock', 'reserved'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export async function ordersOf(shop: TestShop, userId: string) {
  return shop.database.db.selectFrom('orders').selectAll().where('line_user_id', '=', userId).orderBy('id').execute();
}

type Msg = Record<string, unknown>;

/** All URI actions in a message (pay buttons). */
export function uris(message: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Msg;
      if (o.type === 'uri' && typeof o.uri === 'string') out.push(o.uri);
      Object.values(o).forEach(walk);
    }
  };
  walk(message);
  return out;
}

/** All postback data in a message (buttons and quick replies). */
export function postbacks(message: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Msg;
      if (o.type === 'postback' && typeof o.data === 'string') out.push(o.data);
      Object.values(o).forEach(walk);
    }
  };
  walk(message);
  return out;
}

export function altText(message: unknown): string {
  const m = message as Msg;
  return String(m.altText ?? m.text ?? '');
}

/** The delivery page's form fields for `method` (a valid recipient). */
export function deliveryForm(method: 'home' | 'cvs' | 'pickup' = 'pickup'): Record<string, string> {
  const base = { method, name: '王小明', phone: '0912-345-678' };
  if (method === 'home') return { ...base, city: '臺北市', district: '大安區', address: '和平東路一段12號3樓' };
  return base;
}

/** Submits the delivery page (POST /delivery) for the customer's next checkout, as the browser would. */
export async function submitDelivery(
  shop: TestShop,
  userId: string,
  fields: Record<string, string>,
  token = deliveryToken(shop.config.line.channelSecret, userId),
) {
  return shop.runtime.app.inject({
    method: 'POST',
    url: '/delivery',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ t: token, ...fields }).toString(),
  });
}

/**
 * Goes through the delivery step (門市自取 by default, free) and resolves with the postback of the
 * order confirmation's pay button — what the customer taps next. The confirmation is read from the
 * outbox (it is pushed); with `delivered` (default) this waits until it reached the chat, so
 * message counts taken afterwards include it. Shops without running jobs pass `delivered: false`.
 */
export async function checkoutData(
  shop: TestShop,
  userId: string,
  payType: 'C' | 'A',
  fields: Record<string, string> = deliveryForm(),
  options: { delivered?: boolean } = {},
): Promise<string> {
  return payButtonOf(await confirmationMessage(shop, userId, fields, options), payType);
}

/** The postback of a pay button (💳 信用卡 / 🏧 ATM 轉帳) of an order confirmation. */
export function payButtonOf(confirmation: unknown, payType: 'C' | 'A'): string {
  const data = postbacks(confirmation).find((d) => d.startsWith(`action=checkout&payType=${payType}&`));
  if (!data) throw new Error('no pay button in the order confirmation');
  return data;
}

/** Submits the delivery page and resolves with the order confirmation it queued (see checkoutData). */
export async function confirmationMessage(
  shop: TestShop,
  userId: string,
  fields: Record<string, string> = deliveryForm(),
  options: { delivered?: boolean; token?: string } = {},
): Promise<unknown> {
  const res = await submitDelivery(shop, userId, fields, options.token);
  if (res.statusCode !== 303) throw new Error(`delivery page answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  const row = await shop.database.db
    .selectFrom('outbox')
    .select(['id', 'messages'])
    .where('line_user_id', '=', userId)
    .where('kind', '=', 'delivery_confirmation')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) throw new Error('no order confirmation queued');
  if (options.delivered !== false) {
    await waitUntil(async () => {
      const r = await shop.database.db
        .selectFrom('outbox')
        .select('status')
        .where('id', '=', row.id)
        .executeTakeFirst();
      return r?.status !== 'pending';
    });
  }
  return (JSON.parse(row.messages) as unknown[])[0];
}

/** Waits for the bot's (count)th message and returns it. */
export async function nth(shop: TestShop, userId: string, count: number) {
  const entries = await shop.sim.waitForMessages(userId, count, { timeoutMs: 10_000 });
  return (entries[count - 1] as { message: unknown }).message;
}

/** Adds a product, checks out with the pay type; resolves with the pay-link message and the order. */
export async function buy(shop: TestShop, userId: string, productId: number, payType: 'C' | 'A', times = 1) {
  const before = shop.sim.botMessages(userId).length;
  for (let i = 0; i < times; i++) await shop.sim.postback(userId, `action=add&productId=${productId}`);
  const afterAdds = before + (await countAfter(shop, userId, before, times));
  // The order confirmation is one more message.
  const pay = await checkoutData(shop, userId, payType);
  await shop.sim.waitForMessages(userId, afterAdds + 1, { timeoutMs: 10_000 });
  await shop.sim.postback(userId, pay);
  const payLink = await nth(shop, userId, afterAdds + 2);
  const [order] = (await ordersOf(shop, userId)).slice(-1);
  if (!order) throw new Error('no order');
  return { payLink, order, messagesBefore: afterAdds + 1 };
}

async function countAfter(shop: TestShop, userId: string, before: number, adds: number): Promise<number> {
  // Each add answers with cart messages (1 or 2); wait until all adds are answered.
  await shop.sim.waitForMessages(userId, before + adds, { timeoutMs: 10_000 });
  await waitUntil(async () => {
    const events = await shop.database.db
      .selectFrom('line_events')
      .select('status')
      .where('chat_id', '=', userId)
      .where('status', '=', 'pending')
      .execute();
    return events.length === 0;
  });
  const outbox = await shop.database.db
    .selectFrom('outbox')
    .select('status')
    .where('line_user_id', '=', userId)
    .where('status', '=', 'pending')
    .execute();
  if (outbox.length > 0) await waitUntil(async () => (await pendingOutbox(shop, userId)) === 0);
  return shop.sim.botMessages(userId).length - before;
}

async function pendingOutbox(shop: TestShop, userId: string): Promise<number> {
  const rows = await shop.database.db
    .selectFrom('outbox')
    .select('id')
    .where('line_user_id', '=', userId)
    .where('status', '=', 'pending')
    .execute();
  return rows.length;
}

/** Polls a condition on the database (event-driven work finishing); fails after 10 s. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

export async function orderStatus(shop: TestShop, orderNo: string): Promise<string | undefined> {
  const row = await shop.database.db
    .selectFrom('orders')
    .select('status')
    .where('order_no', '=', orderNo)
    .executeTakeFirst();
  return row?.status;
}

/** Runs `act` (a tap or a bank event) and resolves with the first bot message that follows it. */
export async function next(shop: TestShop, userId: string, act: () => Promise<unknown>): Promise<unknown> {
  const before = shop.sim.botMessages(userId).length;
  await act();
  return nth(shop, userId, before + 1);
}

/** Adds one unit and waits for the cart answer (one reply: its messages arrive together). */
export async function addOne(shop: TestShop, userId: string, productId: number): Promise<void> {
  const before = shop.sim.botMessages(userId).length;
  await shop.sim.postback(userId, `action=add&productId=${productId}`);
  await shop.sim.waitForMessages(userId, before + 1);
}
