/**
 * The whole shop wired as it runs (runtime: payment confirmation, the store-shipment job, the ECPay
 * routes on the shop's port, the outbox to LINE): a customer buys in the LINE simulator, the order
 * goes to a 7-ELEVEN store (set on the order as the delivery step will), pays at the bank
 * simulator; the shipment is created at the logistics simulator by itself, and the simulator's
 * status notifications reach the shop over HTTP and come out as LINE pushes.
 */
import { silentLogger } from '../../src/logger';
import { type LogisticsSimulator, startLogisticsSimulator } from '../../src/sandbox/logistics';
import { altText, buy, newUser, productWithStock, waitUntil } from '../checkout/helpers';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { SEVEN } from './helpers';

describe.each(dialects)('store pickup through the running shop (%s)', (dialect) => {
  let sim: LogisticsSimulator;
  let shop: TestShop;
  beforeAll(async () => {
    sim = await startLogisticsSimulator({ tickIntervalMs: 0, stepDelayMs: 0, logger: silentLogger });
    shop = await startTestShop(dialect, {
      env: {
        ECPAY_LOGISTICS_MERCHANT_ID: '2000933',
        ECPAY_LOGISTICS_HASH_KEY: 'XBERn1YOvpM9nfZc',
        ECPAY_LOGISTICS_HASH_IV: 'h1ONHk4P4yqbl5LK',
        ECPAY_LOGISTICS_BASE_URL: sim.url,
        ECPAY_LOGISTICS_SENDER_NAME: '林小茶',
        ECPAY_LOGISTICS_SENDER_CELLPHONE: '0912345678',
      },
    });
  });
  afterAll(async () => {
    await shop?.close();
    await sim?.close();
  });

  it('paid → created at ECPay by itself → arrived → picked up, told in LINE', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    const { order } = await buy(shop, user, p.id, 'C');
    const db = shop.database.db;
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('orders').set({ delivery_method: 'cvs' }).where('id', '=', order.id).execute();
      // Bought through the delivery step as 門市自取 (the harness's default); sent to a store instead.
      await trx.updateTable('order_deliveries').set(SEVEN).where('order_id', '=', order.id).execute();
    });
    const before = shop.sim.botMessages(user).length;
    await shop.bank.pay(order.order_no);
    await shop.sim.waitForMessages(user, before + 1, { timeoutMs: 10_000 }); // the receipt

    // The job creates the shipment at ECPay without anyone asking.
    await waitUntil(async () => sim.shipments().some((s) => s.merchantTradeNo === `${order.order_no}S1`));
    const parcel = sim.shipments().find((s) => s.merchantTradeNo === `${order.order_no}S1`);
    if (!parcel) throw new Error('no parcel');
    expect([parcel.subType, parcel.receiverStoreId, parcel.senderName]).toEqual(['UNIMARTC2C', '131386', '林小茶']);
    await waitUntil(async () => {
      const s = await db.selectFrom('shipments').select('status').where('order_id', '=', order.id).executeTakeFirst();
      return s?.status === 'created';
    });

    await sim.advance(parcel.allPayLogisticsId, 'arrived');
    const arrived = await shop.sim.waitForMessages(user, before + 3, { timeoutMs: 10_000 });
    expect(arrived.slice(before + 1).map((e) => altText((e as { message: unknown }).message))).toEqual([
      expect.stringContaining('商品已出貨'),
      expect.stringContaining('商品已送達門市'),
    ]);
    await sim.advance(parcel.allPayLogisticsId, 'picked_up');
    const done = await shop.sim.waitForMessages(user, before + 4, { timeoutMs: 10_000 });
    expect(altText((done.at(-1) as { message: unknown }).message)).toContain('已完成取貨');
    expect(
      sim
        .notifications()
        .filter((n) => n.allPayLogisticsId === parcel.allPayLogisticsId)
        .every((n) => n.state === 'delivered'),
    ).toBe(true);
    const o = await db
      .selectFrom('orders')
      .select(['status', 'fulfilment'])
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(o).toEqual({ status: 'paid', fulfilment: 'completed' });
  }, 60_000);
});
