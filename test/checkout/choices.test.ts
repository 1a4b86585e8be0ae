/**
 * Taps bound to what the customer saw: a pay-type choice checks out exactly the cart it showed,
 * and destructive taps (取消訂單, 清空購物車) ask first and re-check when confirmed.
 */
import { formatPrice } from '../../src/messages/copy';
import { validateMessages } from '../../src/sandbox/line';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import {
  addOne,
  altText,
  buy,
  confirmationMessage,
  newUser,
  next,
  nth,
  orderStatus,
  ordersOf,
  postbacks,
  product,
  productWithStock,
} from './helpers';

/** Taps `data` and resolves with every message of the one reply it gets (`count` of them). */
async function answer(shop: TestShop, user: string, data: string, count: number): Promise<unknown[]> {
  const before = shop.sim.botMessages(user).length;
  await shop.sim.postback(user, data);
  const entries = await shop.sim.waitForMessages(user, before + count, { timeoutMs: 10_000 });
  const fresh = entries.slice(before).map((e) => (e as { message: unknown }).message);
  expect(validateMessages(fresh as never[], { allowHttpImages: true })).toEqual([]);
  return fresh;
}

function payButton(chooser: unknown, payType: 'C' | 'A'): string {
  const data = postbacks(chooser).find((d) => d.includes(`payType=${payType}`));
  if (!data) throw new Error('no pay button');
  return data;
}

describe.each(dialects)('choices bound to what was shown, on %s', (dialect) => {
  let shop: TestShop;
  beforeEach(async () => {
    shop = await startTestShop(dialect);
  });
  afterEach(async () => {
    await shop.close();
  });

  it('an old pay button after the cart changed creates no order, reserves nothing and shows the new summary', async () => {
    const user = newUser();
    const a = await productWithStock(shop, 5, 0);
    const b = await productWithStock(shop, 5, 1);
    await addOne(shop, user, a.id);
    const chooser = await confirmationMessage(shop, user);
    expect(altText(chooser)).toContain(formatPrice(a.price));
    const oldAtm = payButton(chooser, 'A');
    await addOne(shop, user, b.id);

    const [notice, fresh] = await answer(shop, user, oldAtm, 2);
    expect(altText(notice)).toContain('還沒有建立訂單');
    expect(altText(fresh)).toContain(formatPrice(a.price + b.price));
    expect(await ordersOf(shop, user)).toEqual([]);
    expect(await product(shop, a.id)).toEqual({ stock: 5, reserved: 0 });
    expect(await product(shop, b.id)).toEqual({ stock: 5, reserved: 0 });
    expect(shop.bank.orders()).toHaveLength(0);

    // The new summary's button is bound to the cart as it is now: it checks out A + B.
    await next(shop, user, () => shop.sim.postback(user, payButton(fresh, 'A')));
    const [order] = await ordersOf(shop, user);
    expect(order?.total).toBe(a.price + b.price);
    expect(order?.pay_type).toBe('A');
  });

  it('the same cart: the pay button creates the order for what was shown', async () => {
    const user = newUser();
    const a = await productWithStock(shop, 5, 0);
    await addOne(shop, user, a.id);
    await addOne(shop, user, a.id);
    const chooser = await confirmationMessage(shop, user);
    const link = await next(shop, user, () => shop.sim.postback(user, payButton(chooser, 'C')));
    expect(altText(link)).toContain(formatPrice(a.price * 2));
    const [order] = await ordersOf(shop, user);
    expect(order).toMatchObject({ total: a.price * 2, pay_type: 'C' });
    expect(await product(shop, a.id)).toEqual({ stock: 5, reserved: 2 });
  });

  it('a price changed since the choice was shown: nothing ordered, the new price shown', async () => {
    const user = newUser();
    const a = await productWithStock(shop, 5, 0);
    await addOne(shop, user, a.id);
    const chooser = await confirmationMessage(shop, user);
    await shop.database.db
      .updateTable('products')
      .set({ price: a.price + 100 })
      .where('id', '=', a.id)
      .execute();
    const [notice, fresh] = await answer(shop, user, payButton(chooser, 'C'), 2);
    expect(altText(notice)).toContain('價格');
    expect(altText(fresh)).toContain(formatPrice(a.price + 100));
    expect(await ordersOf(shop, user)).toEqual([]);
  });

  it('a pay button from a cart already checked out never orders a new cart with the same items', async () => {
    const user = newUser();
    const a = await productWithStock(shop, 5, 0);
    await addOne(shop, user, a.id);
    const chooser = await confirmationMessage(shop, user);
    await next(shop, user, () => shop.sim.postback(user, payButton(chooser, 'C')));
    await addOne(shop, user, a.id); // a new cart, same contents
    const [notice] = await answer(shop, user, payButton(chooser, 'C'), 2);
    expect(altText(notice)).toContain('還沒有建立訂單');
    expect(await ordersOf(shop, user)).toHaveLength(1);
    // A pay button without any version (sent before versions existed) is treated as stale too.
    // (It is answered with the delivery step: the delivery comes before any payment.)
    const [old] = await answer(shop, user, 'action=checkout&payType=A', 2);
    expect(altText(old)).toContain('還沒有建立訂單');
    expect(await ordersOf(shop, user)).toHaveLength(1);
  });

  it('取消訂單 asks first; 保留訂單 keeps it; 確定取消 cancels; a repeated confirm says it is already cancelled', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 3);
    const { order } = await buy(shop, user, p.id, 'C');
    const [ask] = await answer(shop, user, `action=cancel&orderNo=${order.order_no}`, 1);
    expect(altText(ask)).toBe(`確定取消訂單 ${order.order_no}？`);
    expect(JSON.stringify(ask)).toContain(formatPrice(order.total));
    expect(await orderStatus(shop, order.order_no)).toBe('awaiting_payment');
    expect(await product(shop, p.id)).toEqual({ stock: 3, reserved: 1 });
    const [yes, keep] = postbacks(ask);
    expect(yes).toBe(`action=cancel&orderNo=${order.order_no}&confirm=1`);
    expect(keep).toBe(`action=order&orderNo=${order.order_no}`);

    const [detail] = await answer(shop, user, keep as string, 1);
    expect(altText(detail)).toContain('待付款');
    expect(await orderStatus(shop, order.order_no)).toBe('awaiting_payment');

    const [done] = await answer(shop, user, yes as string, 1);
    expect(altText(done)).toContain('已取消');
    expect(await orderStatus(shop, order.order_no)).toBe('cancelled');
    expect(await product(shop, p.id)).toEqual({ stock: 3, reserved: 0 });
    const [again] = await answer(shop, user, yes as string, 1);
    expect(altText(again)).toContain(`已取消訂單 ${order.order_no}`);
  });

  it('a confirm tap for an order paid meanwhile cancels nothing and says why', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 3);
    const { order, messagesBefore } = await buy(shop, user, p.id, 'C');
    const [ask] = await answer(shop, user, `action=cancel&orderNo=${order.order_no}`, 1);
    await shop.bank.pay(order.order_no);
    await nth(shop, user, messagesBefore + 3); // the receipt
    const [stale] = await answer(shop, user, postbacks(ask)[0] as string, 1);
    expect(altText(stale)).toContain('已付款');
    expect(altText(stale)).toContain('無法取消');
    expect(await orderStatus(shop, order.order_no)).toBe('paid');
    expect(await product(shop, p.id)).toEqual({ stock: 2, reserved: 0 });
  });

  it('清空購物車 asks first; a confirm after the cart changed empties nothing', async () => {
    const user = newUser();
    const a = await productWithStock(shop, 5, 0);
    const b = await productWithStock(shop, 5, 1);
    await addOne(shop, user, a.id);
    const [ask] = await answer(shop, user, 'action=empty', 1);
    expect(altText(ask)).toContain('清空購物車');
    expect(JSON.stringify(ask)).toContain(formatPrice(a.price));
    const [yes, keep] = postbacks(ask);
    expect(keep).toBe('action=cart');
    const lines = async () =>
      shop.database.db
        .selectFrom('cart_items')
        .innerJoin('carts', 'carts.id', 'cart_items.cart_id')
        .select('cart_items.product_id')
        .where('carts.line_user_id', '=', user)
        .where('carts.status', '=', 'open')
        .execute();
    expect(await lines()).toHaveLength(1);

    await addOne(shop, user, b.id);
    const [notice] = await answer(shop, user, yes as string, 2);
    expect(altText(notice)).toContain('還沒有清空');
    expect(await lines()).toHaveLength(2);

    const [ask2] = await answer(shop, user, 'action=empty', 1);
    const [emptied] = await answer(shop, user, postbacks(ask2)[0] as string, 1);
    expect(altText(emptied)).toContain('已清空購物車');
    expect(await lines()).toHaveLength(0);
    const [already] = await answer(shop, user, postbacks(ask2)[0] as string, 1);
    expect(altText(already)).toContain('已經是空的');
  });
});
