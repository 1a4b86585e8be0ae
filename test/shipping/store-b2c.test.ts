/**
 * A B2C store shipment (the merchant's B2C account, 7-ELEVEN 大宗寄倉): no drop-off step, so the
 * customer hears "shipped" when ECPay first reports it at the logistics centre (2030); then
 * arrived (2073) and picked up (2067). Against the logistics simulator over HTTP, both databases.
 */
import { ECPAY_STAGE_B2C } from '../../src/ecpay/stage';
import { queueStoreShipmentOnPayment } from '../../src/shop/shipping-service';
import { dialects, useServiceShop } from '../support/service-harness';
import { cvs, queued } from './helpers';
import { type StoreRig, startStoreRig } from './store-harness';

describe.each(dialects)('ECPay B2C store shipment (%s)', (dialect) => {
  const shop = useServiceShop(dialect, { afterPaid: queueStoreShipmentOnPayment });
  let rig: StoreRig;
  beforeAll(async () => {
    rig = await startStoreRig(shop, ECPAY_STAGE_B2C);
  });
  afterAll(() => rig.close());

  it('created without drop-off codes → in transit (told: shipped) → arrived → picked up', async () => {
    const db = shop.database.db;
    const { user, order } = await shop.newPaidOrder({
      stock: 5,
      quantity: 1,
      price: 480,
      delivery: cvs('UNIMART', '131386', '青松門市', '台北市中正區青松路一段12號'),
    });
    await rig.creator.tick();
    const s = await db.selectFrom('shipments').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect([s.status, s.cvs_payment_no, s.cvs_validation_no]).toEqual(['created', null, null]);
    const id = s.all_pay_logistics_id as string;
    await rig.sim.advance(id, 'sent'); // B2C has no drop-off: the simulator goes to the logistics centre
    expect((await shop.order(order.order_no)).fulfilment).toBe('in_transit');
    await rig.sim.advance(id, 'picked_up');
    expect((await shop.order(order.order_no)).fulfilment).toBe('completed');
    expect(
      rig.sim
        .notifications()
        .filter((n) => n.allPayLogisticsId === id)
        .map((n) => n.fields.RtnCode),
    ).toEqual(['300', '2030', '2073', '2067']);
    expect((await queued(db, user)).map((n) => n.kind)).toEqual([
      'pay_link',
      'receipt',
      'shipped',
      'store_arrival',
      'completed',
    ]);
  });
});
