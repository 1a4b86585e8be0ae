/** Cancelling, called directly: only an order awaiting payment can be cancelled, and its goods go back. */
import { dialects, useServiceShop } from '../support/service-harness';

describe.each(dialects)('cancel (%s)', (dialect) => {
  const shop = useServiceShop(dialect);

  it('releases the reservation and cancels the order, once', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 3 });
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 3 });

    await expect(shop.cancel(order.order_no)).resolves.toBe(true);

    const cancelled = await shop.order(order.order_no);
    expect([cancelled.status, cancelled.closed_at]).toEqual(['cancelled', shop.clock.now()]);
    expect((await shop.payments(order.order_no)).map((p) => p.status)).toEqual(['abandoned']);
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 0 });
    // The customer's answer is the conversation's reply; the service queues no notice of its own.
    expect(await shop.noticeKinds(user)).toEqual(['pay_link']);
    await expect(shop.cancel(order.order_no)).resolves.toBe(false);
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 0 });
  });

  it('does nothing to a paid order', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 2 });
    await shop.pay(order.order_no);
    const before = await shop.order(order.order_no);

    await expect(shop.cancel(order.order_no)).resolves.toBe(false);

    expect(await shop.order(order.order_no)).toEqual(before);
    expect(before.status).toBe('paid');
    expect(await shop.stock(tea.id)).toEqual({ stock: 3, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });
});
