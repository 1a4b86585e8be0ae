/** Refunds through the bank, called directly: partial, then the rest; never more than was paid. */
import { dialects, RefundError, useServiceShop } from '../support/service-harness';

describe.each(dialects)('refund (%s)', (dialect) => {
  const shop = useServiceShop(dialect);

  it('a partial refund, then the rest: amounts recorded, refunded at the end, a notice each time', async () => {
    const { user, order, product: tea } = await shop.newPaidOrder({ stock: 5, quantity: 3, price: 300 });

    await expect(shop.refund(order.order_no, 200)).resolves.toMatchObject({ refunded: 200 });
    const partly = await shop.order(order.order_no);
    expect([partly.status, partly.refunded_amount]).toEqual(['paid', 200]);
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt', 'refund']);

    await expect(shop.refund(order.order_no)).resolves.toMatchObject({ refunded: 700 });
    const done = await shop.order(order.order_no);
    expect([done.status, done.refunded_amount]).toEqual(['refunded', 900]);
    expect(await shop.refunds(order.order_no)).toEqual([200, 700]);
    expect(shop.bank.order(order.order_no)?.refunds.map((r) => r.amount)).toEqual([200 * 100, 700 * 100]);
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt', 'refund', 'refund']);
    expect(await shop.stock(tea.id)).toEqual({ stock: 2, reserved: 0 }); // money back; goods are the merchant's call
    await expect(shop.refund(order.order_no, 1)).rejects.toThrow(RefundError);
  });

  it('refuses more than is left to refund, and changes nothing', async () => {
    const { user, order } = await shop.newPaidOrder({ stock: 5, quantity: 1, price: 300 });
    await expect(shop.refund(order.order_no, 301)).rejects.toThrow(RefundError);
    await shop.refund(order.order_no, 100);

    await expect(shop.refund(order.order_no, 201)).rejects.toThrow(RefundError);

    const after = await shop.order(order.order_no);
    expect([after.status, after.refunded_amount]).toEqual(['paid', 100]);
    expect(await shop.refunds(order.order_no)).toEqual([100]);
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt', 'refund']);
  });

  it('refuses unpaid orders and ATM payments (the bank cannot send a transfer back)', async () => {
    const { order: unpaid } = await shop.newOrder({ stock: 5, quantity: 1 });
    const { user, order: atm } = await shop.newPaidOrder({ stock: 5, quantity: 1, payType: 'A' });

    await expect(shop.refund(unpaid.order_no)).rejects.toThrow(RefundError);
    await expect(shop.refund(atm.order_no)).rejects.toThrow(RefundError);

    expect((await shop.order(unpaid.order_no)).status).toBe('awaiting_payment');
    expect((await shop.order(atm.order_no)).refunded_amount).toBe(0);
    expect(await shop.refunds(atm.order_no)).toEqual([]);
    expect(await shop.noticeKinds(user)).toEqual(['pay_link', 'receipt']);
  });
});
