/** Full purchases against the LINE simulator and the bank simulator, on every database. */
import { validateMessages } from '../../src/sandbox/line';
import { RefundError, refundOrder } from '../../src/shop/refund-service';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import {
  altText,
  buy,
  newUser,
  next,
  nth,
  orderStatus,
  postbacks,
  product,
  productWithStock,
  uris,
  waitUntil,
} from './helpers';

describe.each(dialects)('purchase on %s', (dialect) => {
  let shop: TestShop;
  beforeEach(async () => {
    shop = await startTestShop(dialect);
  });
  afterEach(async () => {
    await shop.close();
  });

  it('card: delivery step, confirmation by push, pay link by reply, bank notification, receipt by push, return page', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    await shop.sim.postback(user, `action=add&productId=${p.id}`);
    await shop.sim.waitForMessages(user, 1);
    const n0 = shop.sim.botMessages(user).length;
    await shop.sim.postback(user, 'action=checkout');
    const chooser = await nth(shop, user, n0 + 1);
    expect(altText(chooser)).toContain('請選擇取貨方式');
    expect(validateMessages([chooser])).toEqual([]);

    const { payLink, order } = await buy(shop, user, p.id, 'C', 0);
    expect(validateMessages([payLink])).toEqual([]);
    expect(order.status).toBe('awaiting_payment');
    const [payUrl] = uris(payLink);
    expect(payUrl).toContain('/QPay.WebPaySite/Bridge/PayCard');
    // The pay link went out as a free reply to the checkout tap; the only push is the order
    // confirmation after the delivery page's 確認 (no reply token exists for a web form).
    expect(shop.sim.callsTo('/v2/bot/message/push')).toHaveLength(1);
    expect(await product(shop, p.id)).toEqual({ stock: 5, reserved: 1 });

    const n1 = shop.sim.botMessages(user).length;
    const payment = await shop.bank.pay(order.order_no);
    const receipt = await nth(shop, user, n1 + 1);
    expect(validateMessages([receipt])).toEqual([]);
    expect(altText(receipt)).toContain(order.order_no);
    expect(JSON.stringify(receipt)).toContain('末四碼 1111');
    expect(await orderStatus(shop, order.order_no)).toBe('paid');
    expect(await product(shop, p.id)).toEqual({ stock: 4, reserved: 0 });

    // The browser comes back from the card page: same token, a paid page, nothing sent twice.
    const res = await fetch(`${shop.url}/payments/qpay/return`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ShopNo: shop.config.qpay?.shopNo ?? '', PayToken: payment.payToken }).toString(),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('付款成功');
    expect(html).toContain(order.order_no);
    const receipts = await shop.database.db.selectFrom('outbox').select('id').where('kind', '=', 'receipt').execute();
    expect(receipts).toHaveLength(1);
  });

  it('ATM: account number with bank code 807, paid by transfer, receipt says ATM', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 3);
    const { payLink, order, messagesBefore } = await buy(shop, user, p.id, 'A', 2);
    expect(JSON.stringify(payLink)).toContain('807');
    const copyText = await nth(shop, user, messagesBefore + 2);
    expect(validateMessages([payLink, copyText])).toEqual([]);
    expect(altText(copyText)).toMatch(/\d{14}/);
    expect(await product(shop, p.id)).toEqual({ stock: 3, reserved: 2 });
    await shop.bank.pay(order.order_no);
    const receipt = await nth(shop, user, messagesBefore + 3);
    expect(JSON.stringify(receipt)).toContain('ATM 轉帳');
    await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
    expect(await product(shop, p.id)).toEqual({ stock: 1, reserved: 0 });
  });

  it('orders list and detail; merchant refunds (partial, then the rest) with a notice each', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    const { order } = await buy(shop, user, p.id, 'C', 2);
    const list = await next(shop, user, () => shop.sim.sendText(user, '訂單'));
    expect(validateMessages([list])).toEqual([]);
    expect(JSON.stringify(list)).toContain('待付款');
    const detail = await next(shop, user, () => shop.sim.postback(user, `action=order&orderNo=${order.order_no}`));
    expect(validateMessages([detail])).toEqual([]);
    expect(postbacks(detail)).toContain(`action=cancel&orderNo=${order.order_no}`);
    expect(uris(detail)[0]).toContain('PayCard');
    await next(shop, user, () => shop.bank.pay(order.order_no));
    const qpay = shop.runtime.qpay;
    if (!qpay) throw new Error('no qpay');
    await expect(refundOrder(shop.database.db, qpay, order.order_no, order.total + 1, Date.now)).rejects.toThrow(
      RefundError,
    );
    const partial = await refundOrder(shop.database.db, qpay, order.order_no, 100, Date.now);
    expect(partial.order).toMatchObject({ status: 'paid', refunded_amount: 100 });
    const rest = await refundOrder(shop.database.db, qpay, order.order_no, undefined, Date.now);
    expect(rest.order).toMatchObject({ status: 'refunded', refunded_amount: order.total });
    expect(shop.bank.order(order.order_no)?.refunds.map((r) => r.amount)).toEqual([10_000, (order.total - 100) * 100]);
    await waitUntil(async () => shop.sim.botMessages(user).filter((m) => altText(m).includes('退款')).length === 2);
  });
});
