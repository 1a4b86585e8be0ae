/** A payment after the order closed (src/shop/late-payment.ts): reinstated while the goods are there, else sent back. */
import { dialects, newUser, type ServiceShop, startServiceShop } from '../support/service-harness';

describe.each(dialects)('late payment (%s)', (dialect) => {
  let shop: ServiceShop;
  beforeAll(async () => {
    shop = await startServiceShop(dialect);
  });
  afterAll(() => shop.close());

  it('paid after cancel with the goods still there: reinstated as paid and sold, receipt queued', async () => {
    const user = newUser();
    const tea = await shop.product(5, 300);
    const order = await shop.placeOrder(user, tea.id, 2);
    await shop.cancel(order.order_no);
    const { payToken } = await shop.bank.pay(order.order_no); // the bank page was still open

    await expect(shop.confirm(payToken)).resolves.toMatchObject({ kind: 'paid', orderNo: order.order_no });

    const paid = await shop.order(order.order_no);
    expect([paid.status, paid.attention, paid.refunded_amount]).toEqual(['paid', 'paid_after_cancelled', 0]);
    expect(await shop.stock(tea.id)).toEqual({ stock: 3, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });

  it('paid after expiry with the goods still there: reinstated as well', async () => {
    const user = newUser();
    const tea = await shop.product(5);
    const order = await shop.placeOrder(user, tea.id, 1);
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
    const user = newUser();
    const other = newUser();
    const tea = await shop.product(2, 300);
    const order = await shop.placeOrder(user, tea.id, 2);
    await shop.cancel(order.order_no);
    await shop.placeOrder(other, tea.id, 2); // someone else took both
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
    const user = newUser();
    const other = newUser();
    const tea = await shop.product(1, 300);
    const order = await shop.placeOrder(user, tea.id, 1, 'A');
    await shop.cancel(order.order_no);
    await shop.placeOrder(other, tea.id, 1);
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
