/**
 * Card payments with auto-capture off (CARD_AUTO_CAPTURE=false): authorized only, then captured or
 * voided by the merchant (OrderMaintain P / C) against the bank simulator, on every database.
 */
import { CaptureError, captureOrder, voidOrder } from '../../src/shop/capture-service';
import { RefundError, refundOrder } from '../../src/shop/refund-service';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { altText, buy, newUser, next, orderStatus, product, productWithStock, waitUntil } from './helpers';

async function paymentOf(shop: TestShop, orderId: number) {
  return shop.database.db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', '=', 'paid')
    .executeTakeFirstOrThrow();
}

function qpayOf(shop: TestShop) {
  const qpay = shop.runtime.qpay;
  if (!qpay) throw new Error('no qpay');
  return qpay;
}

describe.each(dialects)('card capture on %s', (dialect) => {
  describe('auto-capture off', () => {
    let shop: TestShop;
    beforeEach(async () => {
      shop = await startTestShop(dialect, { env: { CARD_AUTO_CAPTURE: 'false' } });
    });
    afterEach(async () => {
      await shop.close();
    });

    it('a card purchase ends authorized; capture records it once; a second capture is refused', async () => {
      const user = newUser();
      const p = await productWithStock(shop, 5);
      const { order } = await buy(shop, user, p.id, 'C', 2);
      await next(shop, user, () => shop.bank.pay(order.order_no));
      await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
      expect(shop.bank.order(order.order_no)?.state).toBe('authorized');
      const before = await paymentOf(shop, order.id);
      expect(before).toMatchObject({ auto_capture: 0, captured_at: null, voided_at: null });
      expect(await product(shop, p.id)).toEqual({ stock: 3, reserved: 0 });
      // Nothing was charged yet: a refund is refused with a pointer to capture / void.
      await expect(refundOrder(shop.database.db, qpayOf(shop), order.order_no, undefined, Date.now)).rejects.toThrow(
        /authorized, not captured/,
      );

      const r = await captureOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now);
      expect(r.payment.captured_at).not.toBeNull();
      expect(shop.bank.order(order.order_no)?.state).toBe('paid');
      const after = await paymentOf(shop, order.id);
      expect(Number(after.captured_at)).toBeGreaterThan(0);
      expect(await orderStatus(shop, order.order_no)).toBe('paid');

      await expect(captureOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now)).rejects.toThrow(
        /already captured/,
      );
      await expect(voidOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now)).rejects.toThrow(
        /already captured.*use refund/,
      );
      // Captured: the refund path works as before.
      const refund = await refundOrder(shop.database.db, qpayOf(shop), order.order_no, undefined, Date.now);
      expect(refund.order.status).toBe('refunded');
    });

    it('void cancels the authorization, the order and the sale, and tells the customer once', async () => {
      const user = newUser();
      const p = await productWithStock(shop, 4);
      const { order } = await buy(shop, user, p.id, 'C', 3);
      await next(shop, user, () => shop.bank.pay(order.order_no));
      await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
      expect(await product(shop, p.id)).toEqual({ stock: 1, reserved: 0 });

      const r = await voidOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now);
      expect(r.order.status).toBe('cancelled');
      expect(Number(r.order.closed_at)).toBeGreaterThan(0);
      expect(shop.bank.order(order.order_no)?.state).toBe('cancelled');
      expect(await product(shop, p.id)).toEqual({ stock: 4, reserved: 0 });
      expect(Number((await paymentOf(shop, order.id)).voided_at)).toBeGreaterThan(0);

      await waitUntil(async () => shop.sim.botMessages(user).some((m) => altText(m).includes('不會向您請款')));
      // Repeats are refused and change nothing.
      await expect(voidOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now)).rejects.toThrow(
        /is cancelled; only paid card orders/,
      );
      await expect(captureOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now)).rejects.toThrow(
        CaptureError,
      );
      expect(await product(shop, p.id)).toEqual({ stock: 4, reserved: 0 });
      const notices = await shop.database.db
        .selectFrom('outbox')
        .select('id')
        .where('line_user_id', '=', user)
        .where('kind', '=', 'authorization_voided')
        .execute();
      expect(notices).toHaveLength(1);
      expect(shop.sim.botMessages(user).filter((m) => altText(m).includes('不會向您請款'))).toHaveLength(1);
      await expect(refundOrder(shop.database.db, qpayOf(shop), order.order_no, undefined, Date.now)).rejects.toThrow(
        RefundError,
      );
    });

    it('refuses unpaid orders, ATM orders and unknown orders clearly', async () => {
      const user = newUser();
      const p = await productWithStock(shop, 5);
      const { order: unpaid } = await buy(shop, user, p.id, 'C');
      await expect(captureOrder(shop.database.db, qpayOf(shop), unpaid.order_no, Date.now)).rejects.toThrow(
        /is awaiting_payment; only paid card orders can be captured/,
      );
      await expect(voidOrder(shop.database.db, qpayOf(shop), unpaid.order_no, Date.now)).rejects.toThrow(
        /is awaiting_payment; only paid card orders can be voided/,
      );
      const atmUser = newUser();
      const { order: atm } = await buy(shop, atmUser, p.id, 'A');
      await shop.bank.pay(atm.order_no);
      await waitUntil(async () => (await orderStatus(shop, atm.order_no)) === 'paid');
      await expect(captureOrder(shop.database.db, qpayOf(shop), atm.order_no, Date.now)).rejects.toThrow(
        /ATM transfer; only card authorizations can be captured/,
      );
      await expect(voidOrder(shop.database.db, qpayOf(shop), atm.order_no, Date.now)).rejects.toThrow(/ATM transfer/);
      await expect(captureOrder(shop.database.db, qpayOf(shop), 'NOSUCHORDER', Date.now)).rejects.toThrow(
        'no order NOSUCHORDER',
      );
      expect(shop.bank.order(unpaid.order_no)?.state).toBe('pending');
    });

    it('a refusal from the bank is reported with its code and text', async () => {
      const user = newUser();
      const p = await productWithStock(shop, 5);
      const { order } = await buy(shop, user, p.id, 'C');
      await next(shop, user, () => shop.bank.pay(order.order_no));
      await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
      // Captured at the bank behind the shop's back (e.g. in the bank's portal).
      await qpayOf(shop).orderMaintain({ orderNo: order.order_no, command: 'P' });
      await expect(captureOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now)).rejects.toThrow(
        /the bank refused to capture .*: E0403 訂單已請款/,
      );
      expect((await paymentOf(shop, order.id)).captured_at).toBeNull();
    });
  });

  describe('auto-capture on', () => {
    let shop: TestShop;
    beforeEach(async () => {
      shop = await startTestShop(dialect);
    });
    afterEach(async () => {
      await shop.close();
    });

    it('a card payment is captured at payment: nothing to capture or void', async () => {
      const user = newUser();
      const p = await productWithStock(shop, 5);
      const { order } = await buy(shop, user, p.id, 'C');
      await next(shop, user, () => shop.bank.pay(order.order_no));
      await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
      const payment = await paymentOf(shop, order.id);
      expect(payment.auto_capture).toBe(1);
      expect(Number(payment.captured_at)).toBe(Number(payment.paid_at));
      await expect(captureOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now)).rejects.toThrow(
        /captured automatically at payment \(auto-capture on\); nothing to capture/,
      );
      await expect(voidOrder(shop.database.db, qpayOf(shop), order.order_no, Date.now)).rejects.toThrow(
        /nothing to void — use refund/,
      );
      expect(shop.bank.order(order.order_no)?.state).toBe('paid');
    });
  });
});
