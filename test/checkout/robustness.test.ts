/**
 * Checkout under concurrency, declines, expiry, forged/duplicated/lost notifications, crash points
 * and two instances — against the LINE and bank simulators, on every database.
 */
import { randomBytes } from 'node:crypto';
import { validateMessages } from '../../src/sandbox/line';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import {
  addOne,
  altText,
  buy,
  checkoutData,
  newUser,
  next,
  nth,
  orderStatus,
  ordersOf,
  postbacks,
  product,
  productWithStock,
  uris,
  waitUntil,
} from './helpers';

/** With the jobs stopped: a new customer adds one unit and checks out by card (events handled by hand). */
async function checkOutByHand(shop: TestShop) {
  const user = newUser();
  const p = await productWithStock(shop, 5);
  await shop.sim.postback(user, `action=add&productId=${p.id}`);
  await shop.runtime.eventWorker.tick();
  await shop.sim.postback(user, await checkoutData(shop, user, 'C', undefined, { delivered: false }));
  await shop.runtime.eventWorker.tick();
  return user;
}

async function notify(shop: TestShop, body: unknown) {
  const res = await fetch(`${shop.url}/payments/qpay/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function outboxKinds(shop: TestShop, user: string): Promise<string[]> {
  const rows = await shop.database.db
    .selectFrom('outbox')
    .select('kind')
    .where('line_user_id', '=', user)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.kind);
}

describe.each(dialects)('checkout robustness on %s', (dialect) => {
  let shop: TestShop;
  afterEach(async () => {
    await shop?.close();
  });

  it('50 concurrent checkouts for the last 5 units: exactly 5 orders, nothing oversold', async () => {
    shop = await startTestShop(dialect);
    const p = await productWithStock(shop, 5);
    const users = Array.from({ length: 50 }, () => newUser());
    await Promise.all(users.map((u) => addOne(shop, u, p.id)));
    const taps = await Promise.all(users.map((u) => checkoutData(shop, u, 'C')));
    const answers = await Promise.all(
      users.map((u, i) => next(shop, u, () => shop.sim.postback(u, taps[i] as string))),
    );
    const orders = await shop.database.db.selectFrom('orders').selectAll().execute();
    expect(orders).toHaveLength(5);
    expect(await product(shop, p.id)).toEqual({ stock: 5, reserved: 5 });
    await waitUntil(async () =>
      (await shop.database.db.selectFrom('orders').select('status').execute()).every(
        (o) => o.status === 'awaiting_payment',
      ),
    );
    // The 45 others were told exactly what changed, and their carts were trimmed.
    expect(answers.filter((m) => altText(m).includes('已售完'))).toHaveLength(45);
    expect(answers.filter((m) => uris(m).some((u) => u.includes('PayCard')))).toHaveLength(5);
    expect(shop.bank.orders()).toHaveLength(5);
  }, 60_000);

  it('declined card → told, retry gives a new pay link, then paid; stale buttons answer sensibly', async () => {
    shop = await startTestShop(dialect);
    const user = newUser();
    const p = await productWithStock(shop, 2);
    const { order, messagesBefore } = await buy(shop, user, p.id, 'C');
    await shop.bank.fail(order.order_no);
    const failed = await nth(shop, user, messagesBefore + 2);
    expect(altText(failed)).toContain('付款沒有成功');
    expect(validateMessages([failed])).toEqual([]);
    expect(postbacks(failed)).toContain(`action=pay&orderNo=${order.order_no}`);
    expect(await orderStatus(shop, order.order_no)).toBe('awaiting_payment');

    await shop.sim.postback(user, `action=pay&orderNo=${order.order_no}`);
    const link2 = await nth(shop, user, messagesBefore + 3);
    expect(uris(link2)[0]).toContain('PayCard');
    expect(shop.bank.order(`${order.order_no}-2`)).toBeDefined();
    await shop.bank.pay(`${order.order_no}-2`);
    const receipt = await nth(shop, user, messagesBefore + 4);
    expect(altText(receipt)).toContain('已付款');
    expect(await product(shop, p.id)).toEqual({ stock: 1, reserved: 0 });

    // Old buttons: pay again / cancel a paid order.
    await shop.sim.postback(user, `action=pay&orderNo=${order.order_no}`);
    expect(altText(await nth(shop, user, messagesBefore + 5))).toContain('已經付款完成');
    await shop.sim.postback(user, `action=cancel&orderNo=${order.order_no}`);
    expect(altText(await nth(shop, user, messagesBefore + 6))).toContain('無法取消');
    // Someone else's order number.
    await shop.sim.postback(newUser(), `action=order&orderNo=${order.order_no}`);
  });

  it('expiry: unpaid past the deadline → bank asked, expired, stock released; buy again refills the cart', async () => {
    let t = Date.now();
    shop = await startTestShop(dialect, { now: () => t });
    const user = newUser();
    const p = await productWithStock(shop, 3);
    const { order, messagesBefore } = await buy(shop, user, p.id, 'C', 2);
    expect(await product(shop, p.id)).toEqual({ stock: 3, reserved: 2 });
    t += 20 * 60_000 + 61_000;
    // The background sweeper may hold this order's lease when the explicit tick runs.
    await shop.runtime.expirySweeper?.tick();
    await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'expired');
    expect(await product(shop, p.id)).toEqual({ stock: 3, reserved: 0 });
    const notice = await nth(shop, user, messagesBefore + 2);
    expect(altText(notice)).toContain('已逾期');
    expect(validateMessages([notice])).toEqual([]);
    await next(shop, user, () => shop.sim.postback(user, `action=rebuy&orderNo=${order.order_no}`));
    const cart = await shop.database.db
      .selectFrom('cart_items')
      .innerJoin('carts', 'carts.id', 'cart_items.cart_id')
      .select('cart_items.quantity')
      .where('carts.line_user_id', '=', user)
      .where('carts.status', '=', 'open')
      .execute();
    expect(cart).toEqual([{ quantity: 2 }]);
    // A late payment of the expired order is recorded and, stock allowing, sold (flagged).
    const stale = await next(shop, user, () => shop.sim.postback(user, `action=pay&orderNo=${order.order_no}`));
    expect(altText(stale)).toContain('無法付款');
    expect(postbacks(stale)).toContain(`action=rebuy&orderNo=${order.order_no}`);
  });

  it('cancel while unpaid releases stock; a payment after that is recorded and flagged', async () => {
    shop = await startTestShop(dialect);
    const user = newUser();
    const p = await productWithStock(shop, 1);
    const { order, messagesBefore } = await buy(shop, user, p.id, 'C');
    await shop.sim.postback(user, `action=cancel&orderNo=${order.order_no}`);
    expect(altText(await nth(shop, user, messagesBefore + 2))).toContain('確定取消訂單');
    await shop.sim.postback(user, `action=cancel&orderNo=${order.order_no}&confirm=1`);
    expect(altText(await nth(shop, user, messagesBefore + 3))).toContain('已取消');
    expect(await product(shop, p.id)).toEqual({ stock: 1, reserved: 0 });
    await shop.bank.pay(order.order_no); // the customer had the bank page open
    await waitUntil(async () => (await ordersOf(shop, user))[0]?.attention !== null);
    const [o] = await ordersOf(shop, user);
    expect(o?.status).toBe('paid');
    expect(o?.attention).toBe('paid_after_cancelled');
    expect(await product(shop, p.id)).toEqual({ stock: 0, reserved: 0 });
  });

  it('notifications: forged, unknown, malformed, duplicated and mismatched change nothing wrongly', async () => {
    shop = await startTestShop(dialect);
    const user = newUser();
    const p = await productWithStock(shop, 5);
    const { order, messagesBefore } = await buy(shop, user, p.id, 'C');
    const shopNo = shop.config.qpay?.shopNo as string;

    expect(await notify(shop, { ShopNo: 'ZZ9999_999', PayToken: 'a'.repeat(64) })).toEqual({
      status: 400,
      body: { Status: 'F' },
    });
    expect(await notify(shop, { ShopNo: shopNo })).toEqual({ status: 400, body: { Status: 'F' } });
    // A body that is not JSON at all gets the same answer, not a framework error.
    for (const [type, payload] of [
      ['application/json', '{"ShopNo": '],
      ['text/plain', 'ShopNo=x'],
    ]) {
      const raw = await fetch(`${shop.url}/payments/qpay/notify`, {
        method: 'POST',
        headers: { 'content-type': type as string },
        body: payload as string,
      });
      expect(raw.status >= 400 && raw.status < 500).toBe(true);
      expect(await raw.json()).toEqual({ Status: 'F' });
    }
    expect(await shop.database.db.selectFrom('bank_notifications').selectAll().execute()).toEqual([]);
    expect(await notify(shop, { ShopNo: shopNo, PayToken: 'not-a-token' })).toEqual({
      status: 400,
      body: { Status: 'F' },
    });
    const unknown = randomBytes(32).toString('hex');
    expect(await notify(shop, { ShopNo: shopNo, PayToken: unknown })).toEqual({ status: 200, body: { Status: 'S' } });
    expect((await shop.runtime.payments?.confirmPayment(unknown, 'notify'))?.kind).toBe('rejected');
    expect(await orderStatus(shop, order.order_no)).toBe('awaiting_payment');

    // The bank says another amount than our order: never paid, flagged.
    await shop.database.db
      .updateTable('payments')
      .set({ amount: order.total + 1 })
      .where('order_id', '=', order.id)
      .execute();
    await shop.database.db
      .updateTable('orders')
      .set({ total: order.total + 1 })
      .where('id', '=', order.id)
      .execute();
    const pay = await shop.bank.pay(order.order_no);
    await waitUntil(async () => (await ordersOf(shop, user))[0]?.attention?.startsWith('mismatch') === true);
    expect(await orderStatus(shop, order.order_no)).toBe('awaiting_payment');
    // Put the real amount back; the token was rejected, so only reconciliation can complete it.
    await shop.database.db
      .updateTable('payments')
      .set({ amount: order.total })
      .where('order_id', '=', order.id)
      .execute();
    await shop.database.db
      .updateTable('orders')
      .set({ total: order.total, next_check_at: 0 })
      .where('id', '=', order.id)
      .execute();
    // The background reconciler may hold this order's lease when the explicit tick runs.
    await shop.runtime.reconciler?.tick();
    await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
    // Duplicates of the notification and of the return change nothing and send nothing more.
    for (let i = 0; i < 3; i++) await notify(shop, { ShopNo: shopNo, PayToken: pay.payToken });
    await shop.runtime.reconciler?.tick();
    await nth(shop, user, messagesBefore + 2);
    expect((await outboxKinds(shop, user)).filter((k) => k === 'receipt')).toHaveLength(1);
  });

  it('lost notifications: reconciliation alone completes the purchase', async () => {
    // The bank cannot reach us: BackendURL points at a closed port.
    shop = await startTestShop(dialect, { env: { PUBLIC_BASE_URL: 'http://127.0.0.1:9' } });
    const user = newUser();
    const p = await productWithStock(shop, 5);
    const { order, messagesBefore } = await buy(shop, user, p.id, 'A');
    await shop.bank.pay(order.order_no);
    expect(shop.bank.notifications()[0]?.attempts[0]?.ok).toBe(false);
    expect(await orderStatus(shop, order.order_no)).toBe('awaiting_payment');
    await shop.database.db.updateTable('orders').set({ next_check_at: 0 }).where('id', '=', order.id).execute();
    await shop.runtime.reconciler?.tick();
    await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
    const receipt = await nth(shop, user, messagesBefore + 3);
    expect(altText(receipt)).toContain(order.order_no);
  });

  it('crash after reserve (before the bank call): a new process creates the bank order once', async () => {
    shop = await startTestShop(dialect, { startJobs: false });
    const user = await checkOutByHand(shop);
    const [pending] = await ordersOf(shop, user);
    expect(pending?.status).toBe('pending');
    expect(shop.bank.orders()).toHaveLength(0);
    // "Killed": its jobs never ran. A new instance on the same database picks it up.
    await shop.startAnotherInstance({ startJobs: true });
    const before = shop.sim.botMessages(user).length;
    await waitUntil(async () => (await orderStatus(shop, pending?.order_no as string)) === 'awaiting_payment');
    // The new instance's outbox also sends the order confirmation the killed one never sent.
    await nth(shop, user, before + 2);
    expect(uris(shop.sim.botMessages(user).slice(before)).filter((u) => u.includes('PayCard'))).toHaveLength(1);
    expect(shop.bank.orders()).toHaveLength(1);
  });

  it('crash after OrderCreate (answer never recorded): recovery asks the bank and continues, no second bank order', async () => {
    let t = Date.now();
    let crash = true;
    shop = await startTestShop(dialect, {
      now: () => t,
      runtime: {
        failpoints: {
          afterBankCall: () => {
            if (crash) throw new Error('killed after OrderCreate');
          },
        },
      },
    });
    const user = newUser();
    const p = await productWithStock(shop, 5);
    await addOne(shop, user, p.id);
    const before = shop.sim.botMessages(user).length;
    await shop.sim.postback(user, await checkoutData(shop, user, 'A'));
    await waitUntil(async () => shop.bank.orders().length === 1);
    const [order] = await ordersOf(shop, user);
    await waitUntil(async () => {
      const pay = await shop.database.db.selectFrom('payments').select('locked_until').executeTakeFirst();
      return (pay?.locked_until ?? 0) > t + 5_000;
    });
    expect(order?.status).toBe('pending');
    crash = false;
    t += 61_000;
    // The background submitter may win the expired lease before this explicit tick does.
    await shop.runtime.orderSubmitter?.tick();
    await waitUntil(async () => (await orderStatus(shop, order?.order_no as string)) === 'awaiting_payment');
    expect(shop.bank.orders()).toHaveLength(1);
    // The order confirmation came first, then the ATM account.
    const atm = await nth(shop, user, before + 2);
    expect(JSON.stringify(atm)).toContain(shop.bank.orders()[0]?.atm?.atmPayNo);
  });

  it('crash after the bank said paid, before the receipt: the recorded token is confirmed on restart, once', async () => {
    shop = await startTestShop(dialect, { startJobs: false });
    const user = await checkOutByHand(shop);
    await shop.runtime.orderSubmitter?.tick();
    const [order] = await ordersOf(shop, user);
    await shop.bank.pay(order?.order_no as string); // notification recorded; nothing confirmed it
    const n = await shop.database.db.selectFrom('bank_notifications').selectAll().execute();
    expect(n.map((r) => r.status)).toEqual(['received']);
    const second = await shop.startAnotherInstance({ startJobs: true });
    await waitUntil(async () => (await orderStatus(shop, order?.order_no as string)) === 'paid');
    await waitUntil(async () => (await outboxKinds(shop, user)).includes('receipt'));
    expect((await outboxKinds(shop, user)).filter((k) => k === 'receipt')).toHaveLength(1);
    void second;
  });
});

describe.each(dialects.filter((d) => d === 'postgres'))('two instances on %s', (dialect) => {
  let shop: TestShop;
  afterEach(async () => {
    await shop?.close();
  });

  it('share the work: every order gets one bank order, one pay link and one receipt', async () => {
    shop = await startTestShop(dialect);
    await shop.startAnotherInstance({ startJobs: true });
    const p = await productWithStock(shop, 100);
    const users = Array.from({ length: 12 }, () => newUser());
    await Promise.all(users.map((u) => addOne(shop, u, p.id)));
    const start = new Map(users.map((u) => [u, shop.sim.botMessages(u).length]));
    const taps = await Promise.all(users.map((u) => checkoutData(shop, u, 'C')));
    await Promise.all(users.map((u, i) => next(shop, u, () => shop.sim.postback(u, taps[i] as string))));
    const orders = await shop.database.db.selectFrom('orders').selectAll().execute();
    expect(orders).toHaveLength(12);
    for (const o of orders) await shop.bank.pay(o.order_no);
    // Each customer: the order confirmation, the pay link, the receipt.
    await Promise.all(users.map((u) => shop.sim.waitForMessages(u, (start.get(u) ?? 0) + 3, { timeoutMs: 20_000 })));
    expect(shop.bank.orders()).toHaveLength(12);
    const kinds = await shop.database.db.selectFrom('outbox').select(['kind', 'line_user_id']).execute();
    expect(kinds.filter((k) => k.kind === 'pay_link')).toHaveLength(12);
    expect(kinds.filter((k) => k.kind === 'receipt')).toHaveLength(12);
    expect(users.every((u) => shop.sim.botMessages(u).length === (start.get(u) ?? 0) + 3)).toBe(true);
    expect(await product(shop, p.id)).toEqual({ stock: 88, reserved: 0 });
  }, 60_000);
});
