/** Payment confirmation, called directly: the bank order, the pay link, the token, the sale and its receipt. */
import { dialects, newUser, useServiceShop } from '../support/service-harness';

describe.each(dialects)('payment confirmation (%s)', (dialect) => {
  const shop = useServiceShop(dialect);

  it('the submitter creates the bank order and queues the pay link', async () => {
    const user = newUser();
    const tea = await shop.product(5, 300);
    await shop.addToCart(user, tea.id, 2);
    const result = await shop.checkout(user, 'C');
    if (result.kind !== 'created') throw new Error(result.kind);
    const orderNo = result.order.order_no;

    expect(await shop.submit()).toBe(true);

    expect((await shop.order(orderNo)).status).toBe('awaiting_payment');
    const [payment] = await shop.payments(orderNo);
    expect([payment?.status, payment?.bank_order_no]).toEqual(['created', orderNo]);
    expect(shop.bank.order(orderNo)).toMatchObject({ amount: 600 * 100, payType: 'C', state: 'pending' }); // QPay amounts carry 2 decimals
    expect(await shop.noticeKinds(user)).toEqual(['pay_link']);
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 2 });
    expect(await shop.submit()).toBe(false); // nothing left to submit
  });

  it('a bank that refuses the order fails it: stock released, cart reopened, order_failed queued', async () => {
    const user = newUser();
    const tea = await shop.product(5);
    await shop.addToCart(user, tea.id, 2);
    const result = await shop.checkout(user, 'C');
    if (result.kind !== 'created') throw new Error(result.kind);
    await shop.bankRefuses(result.order.order_no);

    await shop.submit();

    const failed = await shop.order(result.order.order_no);
    expect(failed.status).toBe('failed');
    expect(failed.failure_reason).not.toBeNull();
    expect((await shop.payments(failed.order_no)).map((p) => p.status)).toEqual(['refused']);
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['order_failed']);
    await expect(shop.checkout(user, 'C')).resolves.toMatchObject({ kind: 'created' }); // the cart is back
  });

  it('a paid token makes the order paid, sells the reservation and queues exactly one receipt', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 2, price: 300 });
    const { payToken } = await shop.bank.pay(order.order_no);

    await expect(shop.confirm(payToken)).resolves.toEqual({ kind: 'paid', orderNo: order.order_no, total: 600 });

    const paid = await shop.order(order.order_no);
    expect(paid.status).toBe('paid');
    expect(paid.paid_at).not.toBeNull();
    expect((await shop.payments(order.order_no)).map((p) => p.status)).toEqual(['paid']);
    expect(await shop.stock(tea.id)).toEqual({ stock: 3, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });

  it('a repeated confirmation, notification or reconciliation changes nothing', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 1 });
    const { payToken } = await shop.bank.pay(order.order_no);
    await shop.confirm(payToken, 'return');
    const before = [await shop.order(order.order_no), await shop.stock(tea.id)];

    await expect(shop.confirm(payToken, 'notify')).resolves.toMatchObject({ kind: 'paid' });
    await shop.notified(payToken);
    shop.clock.advance(shop.config.reconcileIntervalMs);
    await shop.reconcile();

    expect([await shop.order(order.order_no), await shop.stock(tea.id)]).toEqual(before);
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });

  it('a bank notification is confirmed by the reconciler', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 1, payType: 'A' });
    const { payToken } = await shop.bank.pay(order.order_no); // an ATM transfer arrives

    await shop.notified(payToken);

    expect((await shop.order(order.order_no)).status).toBe('paid');
    expect(await shop.stock(tea.id)).toEqual({ stock: 4, reserved: 0 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });

  it('a declined card queues payment_failed and leaves the order payable with its goods reserved', async () => {
    const { user, product: tea, order } = await shop.newOrder({ stock: 5, quantity: 2 });
    const { payToken } = await shop.bank.fail(order.order_no);

    await expect(shop.confirm(payToken)).resolves.toMatchObject({ kind: 'failed', orderNo: order.order_no });

    expect((await shop.order(order.order_no)).status).toBe('awaiting_payment');
    expect((await shop.payments(order.order_no)).map((p) => p.status)).toEqual(['failed']);
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 2 });
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'payment_failed']);
    await shop.confirm(payToken); // told once
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'payment_failed']);
  });
});
