/**
 * ECPay store shipments against the
 * logistics simulator over HTTP, on both databases: paid → Express/Create (C2C 7-ELEVEN and
 * FamilyMart) → status notifications → completed, or → returned; re-sent, reordered, forged and
 * unknown notifications; 7-ELEVEN's store-closed notice; Create refused (shown to the merchant, not retried) and timed out (asked
 * before creating again: never a second shipment).
 */
import { ShippingTimers } from '../../src/jobs/shipping-jobs';
import { silentLogger } from '../../src/logger';
import { STORE_CLOSED_PATH } from '../../src/logistics/ecpay-routes';
import { orderTimeline } from '../../src/shop/order-repository';
import { queueStoreShipmentOnPayment, requestStoreShipment } from '../../src/shop/shipping-service';
import { dialects, type TestDelivery, useServiceShop } from '../support/service-harness';
import { cvs, FAMI, queued, SEVEN } from './helpers';
import { type StoreRig, startStoreRig } from './store-harness';

const DAY = 86_400_000;

describe.each(dialects)('ECPay store shipments (%s)', (dialect) => {
  const shop = useServiceShop(dialect, { afterPaid: queueStoreShipmentOnPayment });
  const db = () => shop.database.db;
  let rig: StoreRig;
  beforeAll(async () => {
    rig = await startStoreRig(shop);
  });
  afterAll(() => rig.close());

  async function shipmentOf(orderId: number) {
    return db().selectFrom('shipments').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
  }
  async function paidStoreOrder(delivery: TestDelivery) {
    return shop.newPaidOrder({ stock: 5, quantity: 2, price: 320, delivery });
  }
  const kinds = async (user: string) => (await queued(db(), user)).map((n) => n.kind);

  it.each([
    ['7-ELEVEN', SEVEN, /^C\d{7}$/, /^\d{4}$/, ['2068', '2030', '2073', '2067']],
    ['FamilyMart', FAMI, /^\d{11}$/, /^$/, ['3032', '3024', '3018', '3022']],
  ])(
    'C2C %s: paid → created → sent → arrived → picked up',
    async (_chain, delivery, paymentNo, validationNo, codes) => {
      const { user, order } = await paidStoreOrder(delivery);
      // Queued in the payment's transaction; created by the job.
      expect(await shipmentOf(order.id)).toMatchObject({
        status: 'queued',
        kind: 'ecpay',
        sub_type: delivery.cvs_sub_type,
      });
      await rig.creator.tick();
      const created = await shipmentOf(order.id);
      expect(created.status).toBe('created');
      expect(created.cvs_payment_no ?? '').toMatch(paymentNo);
      expect(created.cvs_validation_no ?? '').toMatch(validationNo);
      const id = created.all_pay_logistics_id as string;
      const parcel = rig.sim.shipment(id);
      expect(parcel).toMatchObject({
        merchantTradeNo: created.merchant_trade_no,
        goodsAmount: 640,
        receiverName: '陳美麗',
        receiverStoreId: delivery.store_id,
        senderName: '林小茶',
      });

      await rig.sim.runDueJobs(); // ECPay's first notification: 300
      expect((await shop.order(order.order_no)).fulfilment).toBe('to_ship');

      await rig.sim.advance(id, 'sent');
      expect((await shop.order(order.order_no)).fulfilment).toBe('shipped');
      expect(await kinds(user)).toEqual(['pay_link', 'receipt', 'shipped']);

      await rig.sim.advance(id, 'arrived');
      const atStore = await shop.order(order.order_no);
      expect(atStore.fulfilment).toBe('at_store');
      const arrival = (await queued(db(), user)).at(-1);
      expect(arrival?.kind).toBe('store_arrival');
      expect(arrival?.text).toContain(delivery.store_name as string);
      expect(arrival?.text).toContain(delivery.store_address as string);
      expect(arrival?.text).toContain('取貨期限');
      expect((await shipmentOf(order.id)).pickup_deadline).toBe(Math.floor(shop.clock.now() / 1000) * 1000 + 7 * DAY);

      await rig.sim.advance(id, 'picked_up');
      expect((await shop.order(order.order_no)).fulfilment).toBe('completed');
      expect(await kinds(user)).toEqual(['pay_link', 'receipt', 'shipped', 'store_arrival', 'completed']);
      // Every notification was acknowledged with exactly 1|OK.
      const sent = rig.sim.notifications().filter((n) => n.allPayLogisticsId === id);
      expect(sent.map((n) => n.fields.RtnCode)).toEqual(['300', ...codes]);
      expect(sent.every((n) => n.state === 'delivered')).toBe(true);
      const timeline = (await orderTimeline(db(), order.id)).map((e) => `${e.event}:${e.actor}`);
      expect(timeline).toEqual(
        expect.arrayContaining([
          'shipmentQueued:system',
          'shipmentCreated:ecpay',
          'shipped:ecpay',
          'arrivedAtStore:ecpay',
          'completed:ecpay',
        ]),
      );
    },
  );

  it('not collected: a reminder before the deadline, then returned', async () => {
    const { user, order } = await paidStoreOrder(SEVEN);
    await rig.creator.tick();
    const id = (await shipmentOf(order.id)).all_pay_logistics_id as string;
    await rig.sim.advance(id, 'arrived');
    const timers = new ShippingTimers({
      db: db(),
      now: shop.clock.now,
      logger: silentLogger,
      config: { deliveryAutoCompleteMs: 7 * DAY, recipientRetentionMs: 180 * DAY },
      onMessagesQueued: () => {},
    });
    shop.clock.advance(4 * DAY);
    expect((await timers.run()).reminded).toBe(0);
    shop.clock.advance(DAY + 1000);
    expect((await timers.run()).reminded).toBe(1);
    expect((await timers.run()).reminded).toBe(0);
    shop.clock.advance(2 * DAY);
    await rig.sim.advance(id, 'returned');
    expect((await shop.order(order.order_no)).fulfilment).toBe('returned');
    expect(await kinds(user)).toEqual([
      'pay_link',
      'receipt',
      'shipped',
      'store_arrival',
      'pickup_reminder',
      'returned',
    ]);
    // A returned order can still be refunded (the lifecycle allows it after shipping).
    await shop.refund(order.order_no);
    expect((await shop.order(order.order_no)).status).toBe('refunded');
  });

  it('re-sent, reordered, forged and unknown notifications', async () => {
    const { user, order } = await paidStoreOrder(FAMI);
    await rig.creator.tick();
    const s = await shipmentOf(order.id);
    const id = s.all_pay_logistics_id as string;
    const base = {
      MerchantID: rig.config.merchantId,
      MerchantTradeNo: s.merchant_trade_no as string,
      AllPayLogisticsID: id,
      LogisticsType: 'CVS',
      LogisticsSubType: 'FAMIC2C',
      GoodsAmount: '640',
      ReceiverName: '陳美麗',
      ReceiverPhone: '',
      ReceiverCellPhone: '0912345678',
      ReceiverEmail: '',
      ReceiverAddress: '',
      CVSPaymentNo: s.cvs_payment_no ?? '',
      CVSValidationNo: '',
      BookingNote: '',
    };
    const status = (code: string, msg: string, date: string) =>
      rig.signed({ ...base, RtnCode: code, RtnMsg: msg, UpdateStatusDate: date });

    // Picked up arrives before arrived: completed; the late "arrived" changes nothing.
    expect(await rig.notify(status('3022', '買家已到店取貨', '2025/03/20 15:00:00'))).toEqual({
      status: 200,
      body: '1|OK',
    });
    expect(await rig.notify(status('3018', '到店尚未取貨', '2025/03/19 09:00:00'))).toEqual({
      status: 200,
      body: '1|OK',
    });
    expect((await shop.order(order.order_no)).fulfilment).toBe('completed');
    // The same notification again (ECPay re-sends up to 3 times a day): 1|OK, nothing new.
    expect(await rig.notify(status('3022', '買家已到店取貨', '2025/03/20 15:00:00'))).toEqual({
      status: 200,
      body: '1|OK',
    });
    expect(await kinds(user)).toEqual(['pay_link', 'receipt', 'completed']);

    // Forged: a changed field under the old CheckMacValue, a wrong key, another merchant, no mac at all.
    const genuine = status('3020', '貨件未取退回', '2025/03/21 10:00:00');
    expect((await rig.notify({ ...genuine, RtnCode: '3019' })).status).toBe(400);
    const foreign = {
      ...base,
      MerchantID: '2000132',
      RtnCode: '3020',
      RtnMsg: 'x',
      UpdateStatusDate: '2025/03/21 10:00:00',
    };
    expect((await rig.notify(rig.signed(foreign))).status).toBe(400);
    const { CheckMacValue: _mac, ...unsigned } = genuine;
    const noMac = await rig.notify(unsigned);
    expect(noMac.status).toBe(400);
    expect(noMac.body).not.toBe('1|OK');
    expect((await shop.order(order.order_no)).fulfilment).toBe('completed');

    // An unknown code: recorded with ECPay's words, acknowledged, the order left alone.
    expect(await rig.notify(status('9876', '測試用未知狀態', '2025/03/22 10:00:00'))).toEqual({
      status: 200,
      body: '1|OK',
    });
    expect((await shop.order(order.order_no)).fulfilment).toBe('completed');
    const events = await orderTimeline(db(), order.id);
    expect(events.at(-1)).toMatchObject({ event: 'ecpayStatusUnknown', actor: 'ecpay', detail: '9876 測試用未知狀態' });
    const rows = await db()
      .selectFrom('shipment_notifications')
      .selectAll()
      .where('shipment_id', '=', s.id)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.rtn_code, r.outcome])).toEqual([
      ['3022', 'moved'],
      ['3018', 'recorded'],
      ['9876', 'unknown'],
    ]);
    // A verified notification about a shipment that is not ours: 0|, so nothing is acknowledged wrongly.
    const stranger = await rig.notify(
      rig.signed({
        ...base,
        AllPayLogisticsID: '99999999',
        MerchantTradeNo: 'NOTOURS1',
        RtnCode: '300',
        RtnMsg: '',
        UpdateStatusDate: '2025/03/22 10:00:00',
      }),
    );
    expect(stranger).toEqual({ status: 200, body: '0|unknown shipment' });
  });

  it("7-ELEVEN's store-closed notice (LogisticsC2CReplyURL) is verified and flagged for the merchant", async () => {
    const { order } = await paidStoreOrder(SEVEN);
    await rig.creator.tick();
    const id = (await shipmentOf(order.id)).all_pay_logistics_id as string;
    const notice = {
      AllPayLogisticsID: id,
      GoodsAmount: '640',
      GoodsName: '測試商品',
      MerchantID: rig.config.merchantId,
      Status: '1',
      StoreID: '131386',
      StoreType: '01',
    };
    const forged = await rig.notify({ ...notice, CheckMacValue: '0'.repeat(32) }, STORE_CLOSED_PATH);
    expect(forged.status).toBe(400);
    expect((await shop.order(order.order_no)).attention).toBeNull();
    expect(await rig.notify(rig.signed(notice), STORE_CLOSED_PATH)).toEqual({ status: 200, body: '1|OK' });
    expect((await shop.order(order.order_no)).attention).toMatch(/^shipment_store_closed:取貨門市已關轉/);
    expect(await rig.notify(rig.signed({ ...notice, AllPayLogisticsID: '12345' }), STORE_CLOSED_PATH)).toEqual({
      status: 200,
      body: '0|unknown shipment',
    });
  });

  it('refused by ECPay: recorded with its message for the merchant, not retried; the merchant can ask again', async () => {
    const { order } = await paidStoreOrder(cvs('UNIMARTC2C', '999999', '不存在門市', '台北市'));
    await rig.creator.tick();
    const refused = await shipmentOf(order.id);
    expect(refused.status).toBe('refused');
    expect(refused.refusal).toContain('收件門市代號有誤');
    const flagged = await shop.order(order.order_no);
    expect(flagged.attention).toMatch(/^shipment_refused:ECPay：收件門市代號有誤/);
    const creates = rig.proxy.creates;
    shop.clock.advance(DAY);
    expect(await rig.creator.tick()).toBe(false);
    expect(rig.proxy.creates).toBe(creates);
    // Asked again: a new MerchantTradeNo, refused again (the store is still wrong), still one row.
    const again = await requestStoreShipment(db(), order.order_no, shop.clock.now(), 'merchant:owner');
    expect(again.changed).toBe(true);
    expect(again.shipment?.merchant_trade_no).toBe(`${order.order_no}S2`);
    await rig.creator.tick();
    expect((await shipmentOf(order.id)).status).toBe('refused');
    expect(rig.proxy.creates).toBe(creates + 1);
  });

  it('ECPay cannot be asked after an uncertain Create: asks again, tells the merchant after 6 hours, never creates twice', async () => {
    const { order } = await paidStoreOrder(FAMI);
    rig.proxy.swallowCreate = true;
    rig.proxy.failQuery = true;
    try {
      await rig.creator.tick();
      const creates = rig.proxy.creates;
      for (let hour = 0; hour < 7; hour++) {
        shop.clock.advance(3_600_000);
        await rig.creator.tick();
      }
      expect(rig.proxy.creates).toBe(creates);
      const waiting = await shipmentOf(order.id);
      expect([waiting.status, waiting.ecpay_calls]).toEqual(['queued', 1]);
      expect((await shop.order(order.order_no)).attention).toMatch(/^shipment_failed:無法向 ECPay 確認/);
    } finally {
      rig.proxy.swallowCreate = false;
      rig.proxy.failQuery = false;
    }
    shop.clock.advance(3_600_000);
    await rig.creator.tick();
    expect((await shipmentOf(order.id)).status).toBe('created');
    expect((await shop.order(order.order_no)).attention).toBeNull();
    const tradeNo = (await shipmentOf(order.id)).merchant_trade_no;
    expect(rig.sim.shipments().filter((p) => p.merchantTradeNo === tradeNo)).toHaveLength(1);
  });

  it('Create timed out after reaching ECPay: asked before creating again, never a second shipment', async () => {
    const { user, order } = await paidStoreOrder(SEVEN);
    rig.proxy.swallowCreate = true;
    try {
      await rig.creator.tick();
    } finally {
      rig.proxy.swallowCreate = false;
    }
    const pending = await shipmentOf(order.id);
    expect([pending.status, pending.ecpay_calls, pending.all_pay_logistics_id]).toEqual(['queued', 1, null]);
    expect(rig.sim.shipments().filter((p) => p.merchantTradeNo === pending.merchant_trade_no)).toHaveLength(1);
    const creates = rig.proxy.creates;
    shop.clock.advance(30_000);
    await rig.creator.tick();
    const found = await shipmentOf(order.id);
    expect(found.status).toBe('created');
    expect(rig.proxy.creates).toBe(creates);
    expect(rig.sim.shipments().filter((p) => p.merchantTradeNo === pending.merchant_trade_no)).toHaveLength(1);
    expect(found.all_pay_logistics_id).toBe(
      rig.sim.shipments().find((p) => p.merchantTradeNo === pending.merchant_trade_no)?.allPayLogisticsId,
    );
    // And it goes on normally.
    await rig.sim.advance(found.all_pay_logistics_id as string, 'picked_up');
    expect((await shop.order(order.order_no)).fulfilment).toBe('completed');
    expect(await kinds(user)).toEqual(['pay_link', 'receipt', 'shipped', 'store_arrival', 'completed']);
  });
});
