/**
 * Moving a paid order's goods, for the merchant (CLI, console) and for ECPay's status
 * notifications. Every move is one transaction: the lifecycle's conditional fulfilment move
 * (moveFulfilment, recorded with its actor), the shipment facts, and the customer's notice — so a
 * repeated command or a re-sent notification moves nothing and tells nobody twice.
 *
 * The console calls (all take the database, the time and who acts):
 *   shipHomeDelivery(db, { orderNo, carrier, trackingNo }, now, actor)
 *   markDelivered(db, orderNo, now, actor)
 *   markReadyForPickup(db, orderNo, now, actor, contact?)
 *   markPickedUp(db, orderNo, now, actor)
 *   requestStoreShipment(db, orderNo, now, actor)      (store-shipment-service.ts creates it at ECPay)
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../db/database';
import type { Carrier, DB, Order, Shipment } from '../db/types';
import { isCarrier, trackingNoProblem } from '../messages/carriers';
import type { ShipmentView } from '../messages/shipping-messages';
import { orderDelivery } from './delivery-repository';
import { tellCustomer } from './notices';
import type { FulfilmentEvent, OrderActor } from './order-lifecycle';
import { getOrder, getOrderByNo, moveFulfilment, recordOrderEvent, updateOrder } from './order-repository';
import { queueEcpayShipment, recordManualShipment, shipmentForEcpay, shipmentOfOrder } from './shipment-repository';

export type ShippingErrorCode =
  | 'not_found'
  | 'not_paid'
  | 'wrong_method'
  | 'bad_input'
  | 'already_shipped'
  | 'not_allowed'
  | 'not_configured';

/** A merchant request that cannot be done; `message` is zh-TW, fit to show beside the button. */
export class ShippingError extends Error {
  constructor(
    readonly code: ShippingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ShippingError';
  }
}

export interface ShippingResult {
  order: Order;
  /** false: it had already happened (a repeated command) — nothing changed, nobody was told again. */
  changed: boolean;
}

/** What a shipping notice about this order shows. */
export async function shipmentView(db: Executor, order: Order, shipment?: Shipment): Promise<ShipmentView> {
  return {
    order,
    shipment: shipment ?? (await shipmentOfOrder(db, order.id)),
    delivery: await orderDelivery(db, order.id),
  };
}

async function paidOrder(trx: Executor, orderNo: string): Promise<Order> {
  const order = await getOrderByNo(trx, orderNo);
  if (!order) throw new ShippingError('not_found', `找不到訂單 ${orderNo}`);
  if (order.status !== 'paid' || order.fulfilment === null) {
    throw new ShippingError('not_paid', `訂單 ${orderNo} 不是已付款待出貨的訂單（目前：${order.status}）`);
  }
  return order;
}

function requireMethod(order: Order, methods: readonly Order['delivery_method'][], what: string): void {
  if (!methods.includes(order.delivery_method)) {
    throw new ShippingError('wrong_method', `訂單 ${order.order_no} 的配送方式不是${what}`);
  }
}

/** Moves the order; when it moved, re-reads it. */
async function move(
  trx: Executor,
  order: Order,
  event: FulfilmentEvent,
  now: number,
  actor: OrderActor,
  detail: string | null,
): Promise<Order | undefined> {
  if (!(await moveFulfilment(trx, order.id, event, now, actor, detail))) return undefined;
  return (await getOrder(trx, order.id)) as Order;
}

/**
 * 宅配出貨: the parcel went to `carrier` with `trackingNo`; the customer gets the shipped notice
 * with a tracking link (or the number). Repeating it with the same number changes nothing.
 */
export async function shipHomeDelivery(
  db: Kysely<DB>,
  input: { orderNo: string; carrier: string; trackingNo: string },
  now: number,
  actor: OrderActor,
): Promise<ShippingResult> {
  const trackingNo = input.trackingNo.trim();
  if (!isCarrier(input.carrier)) throw new ShippingError('bad_input', '貨運公司須為 tcat、hct、post、pelican 或 other');
  const problem = trackingNoProblem(trackingNo);
  if (problem) throw new ShippingError('bad_input', problem);
  const carrier: Carrier = input.carrier;
  return db.transaction().execute(async (trx) => {
    const order = await paidOrder(trx, input.orderNo);
    requireMethod(order, ['home', null], '宅配');
    const existing = await shipmentOfOrder(trx, order.id);
    if (existing) {
      if (existing.carrier === carrier && existing.tracking_no === trackingNo) return { order, changed: false };
      throw new ShippingError(
        'already_shipped',
        `訂單 ${order.order_no} 已出貨（${existing.carrier ?? ''} ${existing.tracking_no ?? ''}）`,
      );
    }
    const moved = await move(trx, order, 'shipped', now, actor, `${carrier} ${trackingNo}`);
    if (!moved)
      throw new ShippingError('not_allowed', `訂單 ${order.order_no} 目前是「${order.fulfilment}」，不能出貨`);
    await recordManualShipment(trx, { orderId: order.id, kind: 'carrier', carrier, trackingNo }, now);
    await tellCustomer(trx, { kind: 'shipped', order: moved, view: await shipmentView(trx, moved) }, now);
    return { order: moved, changed: true };
  });
}

/** 已送達: a home delivery arrived (the merchant says so; DELIVERY_AUTO_COMPLETE_DAYS does it otherwise). */
export async function markDelivered(
  db: Kysely<DB>,
  orderNo: string,
  now: number,
  actor: OrderActor,
): Promise<ShippingResult> {
  return db.transaction().execute(async (trx) => {
    const order = await paidOrder(trx, orderNo);
    requireMethod(order, ['home', null], '宅配');
    return complete(trx, order, now, actor, '尚未出貨');
  });
}

async function complete(
  trx: Executor,
  order: Order,
  now: number,
  actor: OrderActor,
  notYet: string,
): Promise<ShippingResult> {
  if (order.fulfilment === 'completed') return { order, changed: false };
  const moved = await move(trx, order, 'completed', now, actor, null);
  if (!moved) throw new ShippingError('not_allowed', `訂單 ${order.order_no} ${notYet}（目前：${order.fulfilment}）`);
  await tellCustomer(trx, { kind: 'completed', order: moved }, now);
  return { order: moved, changed: true };
}

/** 門市自取: the goods are ready at the shop; the customer is told to come (with `contact`, if any). */
export async function markReadyForPickup(
  db: Kysely<DB>,
  orderNo: string,
  now: number,
  actor: OrderActor,
  contact = '',
): Promise<ShippingResult> {
  return db.transaction().execute(async (trx) => {
    const order = await paidOrder(trx, orderNo);
    requireMethod(order, ['pickup'], '門市自取');
    if (order.fulfilment === 'at_store') return { order, changed: false };
    const moved = await move(trx, order, 'arrivedAtStore', now, actor, 'ready for pickup');
    if (!moved) throw new ShippingError('not_allowed', `訂單 ${order.order_no} 目前是「${order.fulfilment}」`);
    await recordManualShipment(trx, { orderId: order.id, kind: 'pickup' }, now);
    await tellCustomer(trx, { kind: 'pickup_ready', order: moved, contact }, now);
    return { order: moved, changed: true };
  });
}

/**
 * 已取貨: the customer collected a self-pickup order — or a store parcel whose ECPay notification
 * never came (the merchant checked ECPay's back office).
 */
export async function markPickedUp(
  db: Kysely<DB>,
  orderNo: string,
  now: number,
  actor: OrderActor,
): Promise<ShippingResult> {
  return db.transaction().execute(async (trx) => {
    const order = await paidOrder(trx, orderNo);
    requireMethod(order, ['pickup', 'cvs'], '門市自取或超商取貨');
    return complete(trx, order, now, actor, order.delivery_method === 'pickup' ? '尚未備貨（請先 ready）' : '尚未寄出');
  });
}

/**
 * Queues the ECPay store shipment of a paid store-pickup order (the job calls Express/Create). For
 * the merchant: the first time when CVS_AUTO_SHIP is off, or again after ECPay refused (a new
 * MerchantTradeNo). `queued` false: a shipment is already queued or created.
 */
export async function requestStoreShipment(
  db: Kysely<DB>,
  orderNo: string,
  now: number,
  actor: OrderActor,
): Promise<ShippingResult & { shipment: Shipment | undefined }> {
  return db.transaction().execute(async (trx) => {
    const order = await paidOrder(trx, orderNo);
    requireMethod(order, ['cvs'], '超商取貨');
    if (order.fulfilment !== 'to_ship') {
      throw new ShippingError('already_shipped', `訂單 ${order.order_no} 已寄出（${order.fulfilment}）`);
    }
    const queued = await queueStoreShipment(trx, order, now, actor);
    return { order, changed: queued !== undefined, shipment: queued ?? (await shipmentOfOrder(trx, order.id)) };
  });
}

async function queueStoreShipment(
  trx: Executor,
  order: Order,
  now: number,
  actor: OrderActor,
): Promise<Shipment | undefined> {
  const delivery = await orderDelivery(trx, order.id);
  if (!delivery?.cvs_sub_type || !delivery.store_id) {
    throw new ShippingError('bad_input', `訂單 ${order.order_no} 沒有取貨門市資料`);
  }
  const queued = await queueEcpayShipment(
    trx,
    { orderId: order.id, orderNo: order.order_no, subType: delivery.cvs_sub_type },
    now,
  );
  if (queued) {
    await recordOrderEvent(trx, order.id, 'shipmentQueued', actor, now, queued.merchant_trade_no);
    if (order.attention?.startsWith('shipment')) await updateOrder(trx, order.id, { attention: null }, now);
  }
  return queued;
}

/**
 * Called inside the payment's transaction when an order became paid: a store-pickup order gets its
 * ECPay shipment queued (CVS_AUTO_SHIP). Other orders are left to the merchant.
 */
export async function queueStoreShipmentOnPayment(trx: Executor, orderId: number, now: number): Promise<void> {
  const order = await getOrder(trx, orderId);
  if (order?.delivery_method !== 'cvs' || order.status !== 'paid' || order.fulfilment !== 'to_ship') return;
  const delivery = await orderDelivery(trx, order.id);
  // Without a store the merchant must look; the payment itself stands.
  if (!delivery?.cvs_sub_type || !delivery.store_id) {
    await flagShipment(trx, order, 'shipment_refused:沒有取貨門市資料', now);
    return;
  }
  await queueStoreShipment(trx, order, now, 'system');
}

/** Sets a shipping problem on the order for the merchant, without hiding a payment problem already there. */
export async function flagShipment(trx: Executor, order: Order, flag: string, now: number): Promise<void> {
  if (order.attention === null || order.attention.startsWith('shipment')) {
    await updateOrder(trx, order.id, { attention: flag.slice(0, 300) }, now);
  }
}

/**
 * ECPay says the pickup (StoreType 01) or return (02) store of a 7-ELEVEN C2C parcel closed: the
 * merchant must have the customer choose another store. False when the shipment is not ours.
 */
export async function storeClosedForShipment(
  db: Kysely<DB>,
  allPayLogisticsId: string,
  storeType: string,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!/^\d{1,20}$/.test(allPayLogisticsId)) return false;
    const shipment = await shipmentForEcpay(trx, allPayLogisticsId, '');
    if (!shipment) return false;
    const order = (await getOrder(trx, shipment.order_id)) as Order;
    const which = storeType === '02' ? '退貨門市' : '取貨門市';
    await recordOrderEvent(trx, order.id, 'ecpayStoreClosed', 'ecpay', now, `StoreType ${storeType}`);
    await flagShipment(trx, order, `shipment_store_closed:${which}已關轉，請與顧客聯絡重選門市`, now);
    return true;
  });
}
