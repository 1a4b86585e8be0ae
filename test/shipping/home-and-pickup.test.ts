/**
 * Home delivery and self-pickup on the real database (both dialects): the merchant's moves happen
 * once and are recorded with who made them; the customer gets one notice per move (a tracking link
 * for T-cat, the lookup page and number for the others); shipped home deliveries complete by
 * themselves after DELIVERY_AUTO_COMPLETE_DAYS; recipients are anonymized after retention.
 */
import { ShippingTimers } from '../../src/jobs/shipping-jobs';
import { silentLogger } from '../../src/logger';
import { orderDelivery } from '../../src/shop/delivery-repository';
import { orderTimeline } from '../../src/shop/order-repository';
import {
  markDelivered,
  markPickedUp,
  markReadyForPickup,
  ShippingError,
  shipHomeDelivery,
} from '../../src/shop/shipping-service';
import { dialects, useServiceShop } from '../support/service-harness';
import { HOME, PICKUP, queued } from './helpers';

const DAY = 86_400_000;

describe.each(dialects)('home delivery and self-pickup (%s)', (dialect) => {
  const shop = useServiceShop(dialect);
  const db = () => shop.database.db;
  const timers = () =>
    new ShippingTimers({
      db: db(),
      now: shop.clock.now,
      logger: silentLogger,
      config: { deliveryAutoCompleteMs: 7 * DAY, recipientRetentionMs: 180 * DAY },
      onMessagesQueued: () => {},
    });

  it('ship → tracking notice → auto-complete after 7 days → anonymized after 180', async () => {
    const { user, order } = await shop.newPaidOrder({ stock: 5, quantity: 1, delivery: HOME });
    const owner = 'merchant:owner' as const;
    const r = await shipHomeDelivery(
      db(),
      { orderNo: order.order_no, carrier: 'tcat', trackingNo: '903221488720' },
      shop.clock.now(),
      owner,
    );
    expect([r.changed, r.order.fulfilment]).toEqual([true, 'shipped']);
    // The same command again: nothing new, nobody told twice.
    const again = await shipHomeDelivery(
      db(),
      { orderNo: order.order_no, carrier: 'tcat', trackingNo: '903221488720' },
      shop.clock.now(),
      owner,
    );
    expect(again.changed).toBe(false);
    // Another number for a shipped order is refused with a reason.
    await expect(
      shipHomeDelivery(
        db(),
        { orderNo: order.order_no, carrier: 'hct', trackingNo: '1234567890' },
        shop.clock.now(),
        owner,
      ),
    ).rejects.toMatchObject({ code: 'already_shipped' });

    const notices = await queued(db(), user);
    expect(notices.map((n) => n.kind)).toEqual(['pay_link', 'receipt', 'shipped']);
    expect(notices[2]?.text).toContain('https://www.t-cat.com.tw/Inquire/TraceDetail.aspx?BillID=903221488720');

    // Six days: still on its way. Seven: delivered by the timer, with a thank-you.
    shop.clock.advance(6 * DAY);
    expect((await timers().run()).delivered).toBe(0);
    shop.clock.advance(DAY);
    expect((await timers().run()).delivered).toBe(1);
    expect((await timers().run()).delivered).toBe(0);
    expect((await shop.order(order.order_no)).fulfilment).toBe('completed');
    expect((await queued(db(), user)).map((n) => n.kind)).toEqual(['pay_link', 'receipt', 'shipped', 'completed']);
    const timeline = (await orderTimeline(db(), order.id))
      .filter((e) => e.event !== 'noticeSent')
      .map((e) => [e.event, e.actor]);
    expect(timeline.slice(-2)).toEqual([
      ['shipped', 'merchant:owner'],
      ['completed', 'timer'],
    ]);

    // Retention: name, phone and address go; the order and its amounts stay.
    shop.clock.advance(179 * DAY);
    await timers().run();
    expect((await orderDelivery(db(), order.id))?.anonymized_at).toBeNull();
    shop.clock.advance(DAY);
    expect((await timers().run()).anonymized).toBeGreaterThanOrEqual(1);
    const wiped = await orderDelivery(db(), order.id);
    expect(wiped).toMatchObject({
      recipient_name: '',
      recipient_phone: '',
      address: null,
      city: null,
      anonymized_at: shop.clock.now(),
    });
    expect((await shop.order(order.order_no)).total).toBe(order.total);
  });

  it("a cancelled order's recipient is anonymized too, counted from its closing", async () => {
    const { order } = await shop.newOrder({ stock: 5, quantity: 1, delivery: HOME });
    expect(await shop.cancel(order.order_no)).toBe(true);
    shop.clock.advance(179 * DAY);
    await timers().run();
    expect((await orderDelivery(db(), order.id))?.recipient_name).toBe('陳美麗');
    shop.clock.advance(DAY);
    await timers().run();
    expect(await orderDelivery(db(), order.id)).toMatchObject({
      recipient_name: '',
      recipient_phone: '',
      address: null,
    });
  });

  it('carriers without a tracking page get their lookup page and the number; the merchant can mark delivered', async () => {
    const { user, order } = await shop.newPaidOrder({ stock: 5, quantity: 1, delivery: HOME });
    await shipHomeDelivery(
      db(),
      { orderNo: order.order_no, carrier: 'hct', trackingNo: '6812345678' },
      shop.clock.now(),
      'merchant:owner',
    );
    const shipped = (await queued(db(), user)).find((n) => n.kind === 'shipped');
    expect(shipped?.text).toContain('https://www.hct.com.tw/Search/SearchGoods_n.aspx');
    expect(shipped?.text).toContain('6812345678');
    const r = await markDelivered(db(), order.order_no, shop.clock.now(), 'merchant:owner');
    expect([r.changed, r.order.fulfilment]).toEqual([true, 'completed']);
    expect((await markDelivered(db(), order.order_no, shop.clock.now(), 'merchant:owner')).changed).toBe(false);
    expect((await queued(db(), user)).map((n) => n.kind)).toEqual(['pay_link', 'receipt', 'shipped', 'completed']);
  });

  it('refuses what cannot be done, with a reason', async () => {
    const unpaid = await shop.newOrder({ stock: 5, quantity: 1, delivery: HOME });
    await expect(
      shipHomeDelivery(
        db(),
        { orderNo: unpaid.order.order_no, carrier: 'tcat', trackingNo: '12345678' },
        shop.clock.now(),
        'merchant:x',
      ),
    ).rejects.toMatchObject({ code: 'not_paid' });
    const paid = await shop.newPaidOrder({ stock: 5, quantity: 1, delivery: HOME });
    await expect(
      shipHomeDelivery(
        db(),
        { orderNo: paid.order.order_no, carrier: 'dhl', trackingNo: '12345678' },
        shop.clock.now(),
        'merchant:x',
      ),
    ).rejects.toBeInstanceOf(ShippingError);
    await expect(
      shipHomeDelivery(
        db(),
        { orderNo: paid.order.order_no, carrier: 'tcat', trackingNo: 'no spaces!' },
        shop.clock.now(),
        'merchant:x',
      ),
    ).rejects.toMatchObject({ code: 'bad_input' });
    await expect(markDelivered(db(), paid.order.order_no, shop.clock.now(), 'merchant:x')).rejects.toMatchObject({
      code: 'not_allowed',
    });
    await expect(markReadyForPickup(db(), paid.order.order_no, shop.clock.now(), 'merchant:x')).rejects.toMatchObject({
      code: 'wrong_method',
    });
    await expect(markDelivered(db(), 'NOSUCHORDER', shop.clock.now(), 'merchant:x')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('self-pickup: ready → picked up, each once', async () => {
    const { user, order } = await shop.newPaidOrder({ stock: 5, quantity: 1, delivery: PICKUP });
    await expect(markPickedUp(db(), order.order_no, shop.clock.now(), 'merchant:owner')).rejects.toMatchObject({
      code: 'not_allowed',
    });
    const ready = await markReadyForPickup(
      db(),
      order.order_no,
      shop.clock.now(),
      'merchant:owner',
      'LINE 留言或 02-2345-6789',
    );
    expect([ready.changed, ready.order.fulfilment]).toEqual([true, 'at_store']);
    expect((await markReadyForPickup(db(), order.order_no, shop.clock.now(), 'merchant:owner')).changed).toBe(false);
    const done = await markPickedUp(db(), order.order_no, shop.clock.now(), 'merchant:owner');
    expect([done.changed, done.order.fulfilment]).toEqual([true, 'completed']);
    expect((await markPickedUp(db(), order.order_no, shop.clock.now(), 'merchant:owner')).changed).toBe(false);
    const notices = await queued(db(), user);
    expect(notices.map((n) => n.kind)).toEqual(['pay_link', 'receipt', 'pickup_ready', 'completed']);
    expect(notices[2]?.text).toContain('02-2345-6789');
    // Self-pickup is never auto-completed by the home-delivery timer.
    expect(
      (await orderTimeline(db(), order.id))
        .filter((e) => e.event !== 'noticeSent')
        .map((e) => e.event)
        .slice(-2),
    ).toEqual(['arrivedAtStore', 'completed']);
  });
});
