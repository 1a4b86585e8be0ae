/**
 * Fulfilment moves, on the real database: a paid order's goods go to_ship → shipped → at_store →
 * completed along the lifecycle, each move once, each recorded with who made it; duplicates and
 * late arrivals move nothing; a shipped order can no longer be cancelled by a void.
 */
import { moveFulfilment, orderTimeline } from '../../src/shop/order-repository';
import { dialects, useServiceShop } from '../support/service-harness';

describe.each(dialects)('fulfilment (%s)', (dialect) => {
  const shop = useServiceShop(dialect);
  const db = () => shop.database.db;

  it('a paid order is to be shipped; each move happens once and is on the timeline', async () => {
    const { order } = await shop.newOrder({ stock: 5, quantity: 1 });
    expect((await shop.order(order.order_no)).fulfilment).toBeNull();
    // Not paid yet: nothing can ship.
    await expect(moveFulfilment(db(), order.id, 'shipped', shop.clock.now(), 'merchant:owner')).resolves.toBe(false);

    await shop.pay(order.order_no);
    const paid = await shop.order(order.order_no);
    expect([paid.status, paid.fulfilment, paid.fulfilment_at]).toEqual(['paid', 'to_ship', shop.clock.now()]);

    shop.clock.advance(60_000);
    await expect(
      moveFulfilment(db(), order.id, 'shipped', shop.clock.now(), 'merchant:owner', 'tcat 1234'),
    ).resolves.toBe(true);
    await expect(moveFulfilment(db(), order.id, 'shipped', shop.clock.now(), 'merchant:owner')).resolves.toBe(false);
    await expect(moveFulfilment(db(), order.id, 'arrivedAtStore', shop.clock.now(), 'ecpay')).resolves.toBe(true);
    await expect(moveFulfilment(db(), order.id, 'completed', shop.clock.now(), 'ecpay')).resolves.toBe(true);
    // A late "arrived" after "picked up" changes nothing.
    await expect(moveFulfilment(db(), order.id, 'arrivedAtStore', shop.clock.now(), 'ecpay')).resolves.toBe(false);
    expect((await shop.order(order.order_no)).fulfilment).toBe('completed');

    const timeline = (await orderTimeline(db(), order.id)).map((e) => [e.event, e.actor, e.detail]);
    expect(timeline.slice(-3)).toEqual([
      ['shipped', 'merchant:owner', 'tcat 1234'],
      ['arrivedAtStore', 'ecpay', null],
      ['completed', 'ecpay', null],
    ]);
    expect(timeline.map((e) => e[0])).toContain('paymentVerified');
  });

  it('a refunded order does not ship', async () => {
    const { order } = await shop.newPaidOrder({ stock: 5, quantity: 1 });
    await shop.refund(order.order_no, order.total);
    expect((await shop.order(order.order_no)).status).toBe('refunded');
    await expect(moveFulfilment(db(), order.id, 'shipped', shop.clock.now(), 'merchant:owner')).resolves.toBe(false);
  });
});
