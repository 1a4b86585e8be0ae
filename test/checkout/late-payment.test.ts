/**
 * A cancelled order paid through its old link (issue 11, item 7), end to end on every database:
 * the chat, the browser's result page and the merchant CLI say the same thing.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { attentionNote } from '../../src/cli/attention';
import { formatPrice } from '../../src/messages/copy';
import { validateMessages } from '../../src/sandbox/line';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import {
  addOne,
  altText,
  buy,
  newUser,
  nth,
  ordersOf,
  postbacks,
  product,
  productWithStock,
  waitUntil,
} from './helpers';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The merchant's CLI on the test database (a real child process, as the merchant runs it). */
async function ordersCli(shop: TestShop, ...args: string[]): Promise<string> {
  const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/cli/orders.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: shop.database.url, LINE_CHANNEL_SECRET: '', LOG_LEVEL: 'silent' },
  });
  return stdout;
}

/** The page the customer's browser gets back from the bank's card page for this token. */
async function resultPage(shop: TestShop, payToken: string): Promise<string> {
  const res = await fetch(`${shop.url}/payments/qpay/return`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ShopNo: shop.config.qpay?.shopNo ?? '', PayToken: payToken }).toString(),
  });
  expect(res.status).toBe(200);
  return res.text();
}

async function openCart(shop: TestShop, user: string) {
  return shop.database.db
    .selectFrom('cart_items')
    .innerJoin('carts', 'carts.id', 'cart_items.cart_id')
    .select(['cart_items.product_id', 'cart_items.quantity'])
    .where('carts.line_user_id', '=', user)
    .where('carts.status', '=', 'open')
    .execute();
}

/** Taps and waits for `count` more bot messages; returns them. */
async function tap(shop: TestShop, user: string, data: string, count = 1): Promise<unknown[]> {
  const before = shop.sim.botMessages(user).length;
  await shop.sim.postback(user, data);
  const all = await shop.sim.waitForMessages(user, before + count, { timeoutMs: 10_000 });
  return all.slice(before).map((e) => (e as { message: unknown }).message);
}

/** Card order → declined → 重新付款 (new link) → 取消訂單 → 確定取消 → 再買一次. Returns the order. */
async function cancelAfterRetryAndRebuy(shop: TestShop, user: string, productId: number) {
  const { order, messagesBefore } = await buy(shop, user, productId, 'C');
  await shop.bank.fail(order.order_no);
  await nth(shop, user, messagesBefore + 2);
  const [link2] = await tap(shop, user, `action=pay&orderNo=${order.order_no}`);
  expect(altText(link2)).toContain(order.order_no);
  const [ask] = await tap(shop, user, `action=cancel&orderNo=${order.order_no}`);
  await tap(shop, user, postbacks(ask)[0] as string);
  await tap(shop, user, `action=rebuy&orderNo=${order.order_no}`, 2);
  return order;
}

describe.each(dialects)('late payment of a closed order on %s', (dialect) => {
  let shop: TestShop;
  beforeEach(async () => {
    shop = await startTestShop(dialect);
  });
  afterEach(async () => {
    await shop.close();
  });

  it('cancelled, bought again, then the old link paid: reinstated, told in chat, cart adjusted, page and CLI agree', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 3);
    const order = await cancelAfterRetryAndRebuy(shop, user, p.id);
    expect(await openCart(shop, user)).toEqual([{ product_id: p.id, quantity: 1 }]);
    expect(await product(shop, p.id)).toEqual({ stock: 3, reserved: 0 });

    const before = shop.sim.botMessages(user).length;
    const payment = await shop.bank.pay(`${order.order_no}-2`); // the link from 重新付款
    const entries = await shop.sim.waitForMessages(user, before + 2, { timeoutMs: 10_000 });
    const [notice, receipt] = entries.slice(before).map((e) => (e as { message: unknown }).message);
    expect(validateMessages([notice, receipt] as never[])).toEqual([]);
    const sentence = `您已取消的訂單 ${order.order_no} 已收到付款，訂單恢復並將出貨。`;
    expect(altText(notice)).toBe(sentence);
    expect(JSON.stringify(notice)).toContain('已從購物車拿掉這筆訂單的商品');
    expect(altText(receipt)).toContain('已付款');

    const [o] = await ordersOf(shop, user);
    expect(o).toMatchObject({ status: 'paid', attention: 'paid_after_cancelled' });
    expect(await product(shop, p.id)).toEqual({ stock: 2, reserved: 0 });
    // The goods are on their way: the copy 再買一次 put in the cart is gone.
    expect(await openCart(shop, user)).toEqual([]);

    const html = await resultPage(shop, payment.payToken);
    expect(html).toContain('已收到付款，訂單恢復');
    expect(html).toContain(sentence);
    expect(html).not.toContain('付款沒有成功');

    const show = await ordersCli(shop, 'show', order.order_no);
    expect(show).toContain('reinstated as paid');
    expect(show).toContain(sentence);
    const list = await ordersCli(shop, 'list');
    expect(list).toContain('paid after it was cancelled: reinstated as paid, goods re-sold — ship it');
  }, 60_000);

  it('cancelled, the goods sold to someone else, then the old link paid: refunded through the bank, told, page and CLI agree', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 1);
    const order = await cancelAfterRetryAndRebuy(shop, user, p.id);
    // Another customer takes the last unit.
    const other = newUser();
    await addOne(shop, other, p.id);
    await buy(shop, other, p.id, 'C', 0);
    expect(await product(shop, p.id)).toEqual({ stock: 1, reserved: 1 });

    const before = shop.sim.botMessages(user).length;
    const payment = await shop.bank.pay(`${order.order_no}-2`);
    const entries = await shop.sim.waitForMessages(user, before + 2, { timeoutMs: 10_000 });
    const [told, refunded] = entries.slice(before).map((e) => (e as { message: unknown }).message);
    expect(validateMessages([told, refunded] as never[])).toEqual([]);
    expect(altText(told)).toContain('訂單無法恢復');
    expect(altText(told)).toContain('將全額退回您的信用卡');
    expect(altText(refunded)).toContain(`已將 ${formatPrice(order.total)} 全額退款`);

    await waitUntil(async () => (await ordersOf(shop, user))[0]?.attention?.startsWith('refunded:') === true);
    const [o] = await ordersOf(shop, user);
    expect(o).toMatchObject({
      status: 'cancelled',
      attention: 'refunded:paid_after_cancelled:bank_refund',
      refunded_amount: order.total,
    });
    expect(shop.bank.order(`${order.order_no}-2`)?.refunds.map((r) => r.amount)).toEqual([order.total * 100]);
    expect(await product(shop, p.id)).toEqual({ stock: 1, reserved: 1 }); // nothing oversold
    // The receipt never went out for this order.
    const kinds = await shop.database.db
      .selectFrom('outbox')
      .select('kind')
      .where('line_user_id', '=', user)
      .where('kind', '=', 'receipt')
      .execute();
    expect(kinds).toEqual([]);

    const html = await resultPage(shop, payment.payToken);
    expect(html).toContain('訂單無法恢復，已為您退款');
    expect(html).toContain(altText(refunded).slice(0, 30));
    // What `orders -- list/show` print for it (the CLI itself runs in the first test).
    expect(attentionNote(o as never)).toBe(
      `paid after it was cancelled, goods gone: ${formatPrice(order.total)} refunded automatically`,
    );
  }, 60_000);

  it('ATM transfer after the order was cancelled and the goods are gone: flagged REFUND NEEDED, the customer told the shop will contact them', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 1);
    const { order } = await buy(shop, user, p.id, 'A');
    const [ask] = await tap(shop, user, `action=cancel&orderNo=${order.order_no}`);
    await tap(shop, user, postbacks(ask)[0] as string);
    await shop.database.db.updateTable('products').set({ stock: 0 }).where('id', '=', p.id).execute();
    const before = shop.sim.botMessages(user).length;
    await shop.bank.pay(order.order_no);
    const told = await nth(shop, user, before + 1);
    expect(validateMessages([told] as never[])).toEqual([]);
    expect(altText(told)).toContain('訂單無法恢復');
    expect(altText(told)).toContain(`店家會盡快與您聯繫，將 ${formatPrice(order.total)} 全額退還給您`);
    await waitUntil(async () => (await ordersOf(shop, user))[0]?.attention !== null);
    const [o] = await ordersOf(shop, user);
    expect(o).toMatchObject({ status: 'cancelled', attention: 'refund_needed:paid_after_cancelled:merchant' });
    const list = await ordersCli(shop, 'list');
    expect(list).toContain(
      `⚠ REFUND NEEDED: paid after it was cancelled, goods gone — transfer ${formatPrice(order.total)}`,
    );
  }, 60_000);
});
