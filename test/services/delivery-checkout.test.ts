/**
 * Checkout with a confirmed delivery, at the service tier: the order's total and the bank payment's
 * amount are subtotal + fee, the recipient is copied into order_deliveries, and a pay button whose
 * total, delivery or method is no longer true orders nothing.
 */
import { HOME, PICKUP } from '../support/delivery';
import { dialects, newUser, useServiceShop } from '../support/service-harness';

describe.each(dialects)('checkout with a delivery on %s', (dialect) => {
  const shop = useServiceShop(dialect, { deliveryEnv: { FREE_SHIPPING_THRESHOLD: '1000' } });

  it('宅配: total and bank amount include the fee; the recipient is a snapshot on the order', async () => {
    const user = newUser();
    const p = await shop.product(10, 300);
    const order = await shop.placeOrder(user, p.id, 2, 'C', HOME);
    expect(order).toMatchObject({ total: 700, shipping_fee: 100, delivery_method: 'home' });
    const [payment] = await shop.payments(order.order_no);
    expect(payment?.amount).toBe(700);
    expect(await shop.orderDelivery(order.order_no)).toMatchObject({
      method: 'home',
      recipient_name: '王小明',
      recipient_phone: '0912345678',
      city: '臺北市',
      district: '大安區',
      address: '和平東路一段12號3樓',
      store_id: null,
    });
    const timeline = await shop.database.db
      .selectFrom('order_events')
      .select(['event', 'actor', 'detail'])
      .where('order_id', '=', order.id)
      .execute();
    expect(timeline).toContainEqual({ event: 'delivery_chosen', actor: 'customer', detail: '宅配到府・運費 NT$100' });
  });

  it('free shipping at the threshold; 門市自取 is free', async () => {
    const p = await shop.product(10, 500);
    expect(await shop.placeOrder(newUser(), p.id, 2, 'A', HOME)).toMatchObject({ total: 1000, shipping_fee: 0 });
    expect(await shop.placeOrder(newUser(), p.id, 1, 'A', PICKUP)).toMatchObject({
      total: 500,
      shipping_fee: 0,
      delivery_method: 'pickup',
    });
  });

  it('a pay button showing another total (an old fee) orders nothing and reserves nothing', async () => {
    const user = newUser();
    const p = await shop.product(5, 300);
    await shop.addToCart(user, p.id, 1);
    const r = await shop.checkout(user, 'C', undefined, HOME, 300);
    expect(r).toMatchObject({ kind: 'stale', charge: { subtotal: 300, fee: 100, total: 400 } });
    expect(await shop.ordersOf(user)).toEqual([]);
    expect(await shop.stock(p.id)).toEqual({ stock: 5, reserved: 0 });
    expect((await shop.checkout(user, 'C', undefined, HOME, 400)).kind).toBe('created');
  });
});

describe.each(dialects)('a method switched off after the confirmation, on %s', (dialect) => {
  const shop = useServiceShop(dialect, { deliveryEnv: { DELIVERY_HOME_FEE: 'off' } });

  it('is not ordered: the customer is sent back to the delivery step', async () => {
    const user = newUser();
    const p = await shop.product(5, 300);
    await shop.addToCart(user, p.id, 1);
    expect((await shop.checkout(user, 'C', undefined, HOME)).kind).toBe('delivery_gone');
    expect(await shop.stock(p.id)).toEqual({ stock: 5, reserved: 0 });
  });
});
