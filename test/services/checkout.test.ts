/** Checkout, called directly: stock is reserved all or nothing, and only for the cart the customer saw. */
import { dialects, newUser, useServiceShop } from '../support/service-harness';

describe.each(dialects)('checkout service (%s)', (dialect) => {
  const shop = useServiceShop(dialect);

  it('creates a pending order and reserves every line (stock − reserved), queuing nothing yet', async () => {
    const user = newUser();
    const tea = await shop.product(5, 350);
    const cup = await shop.product(2, 120);
    await shop.addToCart(user, tea.id, 3);
    await shop.addToCart(user, cup.id, 2);

    const result = await shop.checkout(user, 'C');

    if (result.kind !== 'created') throw new Error(`expected an order, got ${result.kind}`);
    const order = await shop.order(result.order.order_no);
    expect([order.status, order.total, order.pay_type]).toEqual(['pending', 3 * 350 + 2 * 120, 'C']);
    expect(order.expires_at).toBe(shop.clock.now() + shop.config.cardPayMinutes * 60_000);
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 3 });
    expect(await shop.stock(cup.id)).toEqual({ stock: 2, reserved: 2 });
    expect((await shop.payments(order.order_no)).map((p) => [p.status, p.amount])).toEqual([
      ['requested', order.total],
    ]);
    expect(await shop.noticeKinds(user)).toEqual([]);
  });

  it('with one line short reserves nothing, trims the cart to what is left and creates no order', async () => {
    const first = newUser();
    const second = newUser();
    const tea = await shop.product(4);
    const cup = await shop.product(3);
    await shop.addToCart(second, cup.id, 2);
    await shop.addToCart(second, tea.id, 3);
    // Someone else buys 2 of the 4 teas after the second customer filled the cart.
    await shop.addToCart(first, tea.id, 2);
    expect((await shop.checkout(first)).kind).toBe('created');

    const result = await shop.checkout(second);

    if (result.kind !== 'changed') throw new Error(`expected a trimmed cart, got ${result.kind}`);
    expect(result.changes.map((c) => [c.from, c.to])).toEqual([[3, 2]]);
    expect(result.cart.items.map((l) => [l.productId, l.quantity]).sort()).toEqual(
      [
        [cup.id, 2],
        [tea.id, 2],
      ].sort(),
    );
    expect(await shop.stock(tea.id)).toEqual({ stock: 4, reserved: 2 }); // only the first customer's
    expect(await shop.stock(cup.id)).toEqual({ stock: 3, reserved: 0 }); // the cup's reservation was undone
    await expect(shop.checkout(second)).resolves.toMatchObject({ kind: 'created' });
  });

  it('with a stale cart version creates nothing and reserves nothing', async () => {
    const user = newUser();
    const tea = await shop.product(5);
    await shop.addToCart(user, tea.id, 1);
    const seen = await shop.cartVersion(user);
    await shop.addToCart(user, tea.id, 1); // the cart changed after the pay-type choice was shown

    const result = await shop.checkout(user, 'C', seen);

    expect(result.kind).toBe('stale');
    expect(await shop.stock(tea.id)).toEqual({ stock: 5, reserved: 0 });
    expect(await shop.ordersOf(user)).toEqual([]);
  });
});
