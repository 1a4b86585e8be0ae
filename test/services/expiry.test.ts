/** Expiry, driven by the clock: the sweeper asks the bank before it expires anything. */
import { dialects, EXPIRY_GRACE_MS, useServiceShop } from '../support/service-harness';

describe.each(dialects)('expiry and reconciliation (%s)', (dialect) => {
  const shop = useServiceShop(dialect);

  /** Moves the clock just past the order's deadline and the bank's grace after it. */
  async function pastDeadline(orderNo: string): Promise<void> {
    const { expires_at } = await shop.order(orderNo);
    shop.clock.advance((expires_at as number) + EXPIRY_GRACE_MS + 1 - shop.clock.now());
  }

  it('an unpaid order past its deadline expires: stock released, expired notice queued', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 2 });
    shop.clock.advance((order.expires_at as number) - shop.clock.now() + 1);
    await shop.sweepExpired(); // past our deadline, but the bank's may be a little later
    expect((await shop.order(order.order_no)).status).toBe('awaiting_payment');

    await pastDeadline(order.order_no);
    await shop.sweepExpired();

    const expired = await shop.order(order.order_no);
    expect(expired.status).toBe('expired');
    expect(expired.closed_at).toBe(shop.clock.now());
    expect((await shop.payments(order.order_no)).map((p) => p.status)).toEqual(['abandoned']);
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'expired']);
    await shop.sweepExpired();
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'expired']);
  });

  it('a payment the bank reports at expiry makes the order paid instead', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 2 });
    await shop.bank.pay(order.order_no); // its notification never reaches the shop

    await pastDeadline(order.order_no);
    await shop.sweepExpired();

    expect((await shop.order(order.order_no)).status).toBe('paid');
    expect(await shop.stock(tea.id)).toEqual({ stock: 3, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });

  it('the reconciler completes a purchase whose notification was lost, at its next check', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 1, payType: 'A' });
    await shop.bank.pay(order.order_no);
    await shop.reconcile();
    expect((await shop.order(order.order_no)).status).toBe('awaiting_payment'); // not due yet

    shop.clock.advance(shop.config.reconcileIntervalMs);
    await shop.reconcile();

    expect((await shop.order(order.order_no)).status).toBe('paid');
    expect(await shop.stock(tea.id)).toEqual({ stock: 4, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });
});
