/** A payment after the order closed (src/shop/late-payment.ts): reinstated while the goods are there, else sent back. */
import { dialects, useServiceShop } from '../support/service-harness';

describe.each(dialects)('late payment (%s)', (dialect) => {
  const shop = useServiceShop(dialect);

  it('paid after cancel with the goods still there: reinstated as paid and sold, receipt queued', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 2, price: 300 });
    await shop.cancel(order.order_no);
    const { payToken } = await shop.bank.pay(order.order_no); // the bank page was still open

    await expect(shop.confirm(payToken)).resolves.toMatchObject({ kind: 'paid', orderNo: order.order_no });

    const paid = await shop.order(order.order_no);
    expect([paid.status, paid.attention, paid.refunded_amount]).toEqual(['paid', 'paid_after_cancelled', 0]);
    expect(await shop.stock(tea.id)).toEqual({ stock: 3, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });

  it('paid after expiry with the goods still there: reinstated as well', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 1 });
    shop.clock.advance(24 * 3_600_000);
    await shop.sweepExpired();
    expect((await shop.order(order.order_no)).status).toBe('expired');
    const { payToken } = await shop.bank.pay(order.order_no);

    await shop.notified(payToken);

    expect((await shop.order(order.order_no)).status).toBe('paid');
    expect(await shop.stock(tea.id)).toEqual({ stock: 4, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'expired', 'receipt']);
  });

  it('paid after cancel with the goods gone: stays cancelled, the card payment is refunded by the bank', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 2, quantity: 2, price: 300 });
    await shop.cancel(order.order_no);
    await shop.sellOut(tea.id); // someone else took both
    const { payToken } = await shop.bank.pay(order.order_no);

    await expect(shop.confirm(payToken)).resolves.toEqual({ kind: 'late', orderNo: order.order_no });

    const after = await shop.order(order.order_no);
    expect([after.status, after.attention, after.refunded_amount]).toEqual([
      'cancelled',
      'refunded:paid_after_cancelled:bank_refund',
      600,
    ]);
    expect(await shop.refunds(order.order_no)).toEqual([600]);
    expect(shop.bank.order(order.order_no)?.refunds.map((r) => r.amount)).toEqual([600 * 100]);
    expect(await shop.stock(tea.id)).toEqual({ stock: 2, reserved: 2 }); // the other customer's reservation
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'paid_late', 'refund']);
    await shop.confirm(payToken);
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'paid_late', 'refund']);
  });

  it('an ATM transfer after cancel with the goods gone is left for the merchant to send back', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 1, quantity: 1, payType: 'A' });
    await shop.cancel(order.order_no);
    await shop.sellOut(tea.id);
    const { payToken } = await shop.bank.pay(order.order_no);

    await expect(shop.confirm(payToken)).resolves.toMatchObject({ kind: 'late' });

    const after = await shop.order(order.order_no);
    expect([after.status, after.attention, after.refunded_amount]).toEqual([
      'cancelled',
      'refund_needed:paid_after_cancelled:merchant',
      0,
    ]);
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'paid_late']);
  });
});
