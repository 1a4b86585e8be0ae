/**
 * Which shipping buttons an order page offers: asked of the lifecycle, per delivery method. A
 * refunded or cancelled order offers none, whatever its goods' state was when the money went back.
 */
import { shippingActionsFor } from '../../src/admin/shipping-slot';
import type { DeliveryMethod, Fulfilment, Order, OrderStatus, Shipment } from '../../src/db/types';

function order(status: OrderStatus, fulfilment: Fulfilment | null, method: DeliveryMethod): Order {
  return { order_no: '261129ABCDEF', status, fulfilment, delivery_method: method } as Order;
}
const labels = (o: Order, shipment?: Partial<Shipment>) =>
  shippingActionsFor(o, undefined, shipment as Shipment | undefined).map((a) => a.label);

test.each<[string, Order, Partial<Shipment> | undefined, string[]]>([
  ['home, to ship', order('paid', 'to_ship', 'home'), undefined, ['出貨']],
  ['home, shipped', order('paid', 'shipped', 'home'), { kind: 'carrier' }, ['標記已送達']],
  ['home, refunded before shipping', order('refunded', 'to_ship', 'home'), undefined, []],
  ['pickup, to ship', order('paid', 'to_ship', 'pickup'), undefined, ['通知顧客可取貨']],
  ['pickup, ready', order('paid', 'at_store', 'pickup'), undefined, ['標記已取貨']],
  ['pickup, refunded', order('refunded', 'to_ship', 'pickup'), undefined, []],
  ['pickup, cancelled (void) while ready', order('cancelled', 'at_store', 'pickup'), undefined, []],
  ['cvs, to ship, no shipment', order('paid', 'to_ship', 'cvs'), undefined, ['建立超商寄貨單']],
  ['cvs, shipment created', order('paid', 'to_ship', 'cvs'), { status: 'created' }, []],
  ['cvs, shipment refused', order('paid', 'to_ship', 'cvs'), { status: 'refused' }, ['重新建立超商寄貨單']],
  ['cvs, refunded', order('refunded', 'to_ship', 'cvs'), undefined, []],
  ['cvs, at the store', order('paid', 'at_store', 'cvs'), { status: 'created' }, ['標記已取貨']],
  ['completed', order('paid', 'completed', 'cvs'), { status: 'created' }, []],
  ['unpaid', order('awaiting_payment', null, 'home'), undefined, []],
])('%s', (_name, o, shipment, expected) => {
  expect(labels(o, shipment)).toEqual(expected);
});
