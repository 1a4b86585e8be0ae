/** Authorize-only card payments (CARD_AUTO_CAPTURE=false), called directly: capture, or void and restock. */
import { moveFulfilment, orderTimeline } from '../../src/shop/order-repository';
import { CaptureError, dialects, RefundError, useServiceShop } from '../support/service-harness';

describe.each(dialects)('capture and void (%s)', (dialect) => {
  const shop = useServiceShop(dialect, { payments: { cardAutoCapture: false } });

  const authorized = () => shop.newPaidOrder({ stock: 5, quantity: 2, price: 300 });

  it('an authorization is paid but not captured: no refund until it is captured, then captured once', async () => {
    const { user, order } = await authorized();
    expect((await shop.order(order.order_no)).status).toBe('paid');
    expect((await shop.payments(order.order_no))[0]?.captured_at).toBeNull();
    await expect(shop.refund(order.order_no)).rejects.toThrow(RefundError);

    await shop.capture(order.order_no);

    expect((await shop.payments(order.order_no))[0]?.captured_at).toBe(shop.clock.now());
    await expect(shop.capture(order.order_no)).rejects.toThrow(CaptureError);
    await expect(shop.refund(order.order_no)).resolves.toMatchObject({ refunded: 600 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt', 'refund']);
  });

  it('voiding cancels the order, puts the goods back and queues authorization_voided', async () => {
    const { user, order, product: tea } = await authorized();
    expect(await shop.stock(tea.id)).toEqual({ stock: 3, reserved: 0 });

    await shop.voidAuthorization(order.order_no);

    expect((await shop.order(order.order_no)).status).toBe('cancelled');
    expect((await shop.payments(order.order_no))[0]?.voided_at).toBe(shop.clock.now());
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt', 'authorization_voided']);
    await expect(shop.voidAuthorization(order.order_no)).rejects.toThrow(CaptureError);
  });

  it('a shipped order cannot be voided: refused before the bank is asked; capture and refund are on the timeline', async () => {
    const { order } = await authorized();
    await moveFulfilment(shop.database.db, order.id, 'shipped', shop.clock.now(), 'merchant:owner');

    await expect(shop.voidAuthorization(order.order_no)).rejects.toThrow(/shipped/);
    expect((await shop.payments(order.order_no))[0]?.voided_at).toBeNull();
    expect((await shop.order(order.order_no)).status).toBe('paid');

    await shop.capture(order.order_no);
    await shop.refund(order.order_no, 100);
    const all = await orderTimeline(shop.database.db, order.id);
    // What the customer was told is on the timeline too (the pay link, the receipt, the refund).
    expect(all.filter((e) => e.event === 'noticeSent').map((e) => e.detail)).toEqual(['pay_link', 'receipt', 'refund']);
    const timeline = all.filter((e) => e.event !== 'noticeSent');
    expect(timeline.map((e) => [e.event, e.actor])).toEqual([
      ['delivery_chosen', 'customer'],
      ['bankOrderCreated', 'bank'],
      ['paymentVerified', 'bank'],
      ['shipped', 'merchant:owner'],
      ['captured', 'merchant:cli'],
      ['refunded', 'merchant:cli'],
    ]);
    expect(timeline.at(-1)?.detail).toBe('100');
  });

  it('a late payment on an authorization whose goods are gone is voided at the bank, not refunded', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 1, quantity: 1 });
    await shop.cancel(order.order_no);
    await shop.sellOut(tea.id);

    await shop.pay(order.order_no);

    const after = await shop.order(order.order_no);
    expect([after.status, after.attention, after.refunded_amount]).toEqual([
      'cancelled',
      'refunded:paid_after_cancelled:bank_void',
      0,
    ]);
    expect((await shop.payments(order.order_no))[0]?.voided_at).not.toBeNull();
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'paid_late', 'refund']);
  });
});
