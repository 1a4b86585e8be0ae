/**
 * Shipments and ECPay's status notifications (tables shipments, shipment_notifications). Only this
 * file touches them. Every change is conditional on the state it starts from, so a repeated call,
 * a second instance or a re-sent notification applies nothing twice.
 */
import type { Executor } from '../db/database';
import { claimWithLease } from '../db/lease';
import type { Carrier, Shipment } from '../db/types';

export async function shipmentOfOrder(db: Executor, orderId: number): Promise<Shipment | undefined> {
  return db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function getShipment(db: Executor, id: number): Promise<Shipment | undefined> {
  return db.selectFrom('shipments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The ECPay shipment a notification is about: by AllPayLogisticsID, else by our MerchantTradeNo. */
export async function shipmentForEcpay(
  db: Executor,
  allPayLogisticsId: string,
  merchantTradeNo: string,
): Promise<Shipment | undefined> {
  const byId = await db
    .selectFrom('shipments')
    .selectAll()
    .where('all_pay_logistics_id', '=', allPayLogisticsId)
    .executeTakeFirst();
  if (byId || merchantTradeNo === '') return byId;
  return db
    .selectFrom('shipments')
    .selectAll()
    .where('kind', '=', 'ecpay')
    .where('merchant_trade_no', '=', merchantTradeNo)
    .executeTakeFirst();
}

export const tradeNoFor = (orderNo: string, attempt: number) => `${orderNo}S${attempt}`;

/**
 * Queues Express/Create for an order: a new row, or — after a refusal or giving up — the same row
 * again with a new attempt number (a new MerchantTradeNo, so ECPay never sees one reused). Returns
 * the row when it was queued, undefined when a shipment is already queued or created.
 */
export async function queueEcpayShipment(
  trx: Executor,
  o: { orderId: number; orderNo: string; subType: string },
  now: number,
): Promise<Shipment | undefined> {
  const inserted = await trx
    .insertInto('shipments')
    .values({
      order_id: o.orderId,
      kind: 'ecpay',
      status: 'queued',
      sub_type: o.subType,
      merchant_trade_no: tradeNoFor(o.orderNo, 1),
      attempt: 1,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  const old = await shipmentOfOrder(trx, o.orderId);
  if (old?.kind !== 'ecpay' || (old.status !== 'refused' && old.status !== 'failed')) return undefined;
  return trx
    .updateTable('shipments')
    .set({
      status: 'queued',
      sub_type: o.subType,
      attempt: old.attempt + 1,
      merchant_trade_no: tradeNoFor(o.orderNo, old.attempt + 1),
      ecpay_calls: 0,
      refusal: null,
      next_attempt_at: now,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', old.id)
    .where('status', '=', old.status)
    .where('attempt', '=', old.attempt)
    .returningAll()
    .executeTakeFirst();
}

/** Leases queued ECPay shipments whose (next) attempt is due to the Create job. */
export async function claimDueShipments(
  db: Executor,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<Shipment[]> {
  return claimWithLease(db, {
    table: 'shipments',
    key: 'id',
    status: 'queued',
    due: (eb) => eb.and([eb('next_attempt_at', 'is not', null), eb('next_attempt_at', '<=', now)]),
    orderBy: 'id',
    limit,
    now,
    leaseMs,
  });
}

/**
 * Counts a Create call about to be made (committed before the call: after a crash the next round
 * knows ECPay may have it). False when the row left `queued` meanwhile.
 */
export async function countCreateCall(db: Executor, id: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('shipments')
    .set((eb) => ({ ecpay_calls: eb('ecpay_calls', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface CreatedShipment {
  allPayLogisticsId: string;
  cvsPaymentNo: string;
  cvsValidationNo: string;
  code: string;
  message: string;
}

/** ECPay has the shipment (Create's answer, a Query, or a notification). Once. */
export async function recordEcpayCreated(trx: Executor, id: number, c: CreatedShipment, now: number): Promise<boolean> {
  const r = await trx
    .updateTable('shipments')
    .set({
      status: 'created',
      all_pay_logistics_id: c.allPayLogisticsId,
      cvs_payment_no: c.cvsPaymentNo || null,
      cvs_validation_no: c.cvsValidationNo || null,
      last_code: c.code,
      last_message: c.message,
      next_attempt_at: null,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    // `failed`: the shop gave up on an uncertain Create, and ECPay's notification shows it had it after all.
    .where('status', 'in', ['queued', 'failed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** ECPay refused (or the shop gave up): not retried until the merchant asks again. */
export async function recordEcpayRefused(
  trx: Executor,
  id: number,
  status: 'refused' | 'failed',
  reason: string,
  now: number,
): Promise<boolean> {
  const r = await trx
    .updateTable('shipments')
    .set({ status, refusal: reason.slice(0, 500), next_attempt_at: null, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Try again at `at` (the lease is released). */
export async function retryShipmentAt(db: Executor, id: number, at: number, now: number): Promise<void> {
  await db
    .updateTable('shipments')
    .set({ next_attempt_at: at, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

/** A parcel handed to a carrier, or goods ready for self-pickup (one row per order). */
export async function recordManualShipment(
  trx: Executor,
  s: { orderId: number; kind: 'carrier' | 'pickup'; carrier?: Carrier; trackingNo?: string },
  now: number,
): Promise<void> {
  await trx
    .insertInto('shipments')
    .values({
      order_id: s.orderId,
      kind: s.kind,
      status: 'done',
      carrier: s.carrier ?? null,
      tracking_no: s.trackingNo ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
}

/**
 * Records a verified status notification once. Returns false when this very status (same code, same
 * ECPay time) was recorded before: a re-send, to be acknowledged and otherwise ignored.
 */
export async function recordStatusNotification(
  trx: Executor,
  n: { shipmentId: number; code: string; message: string; statusDate: string; meaning: string; outcome: string },
  now: number,
): Promise<boolean> {
  const row = await trx
    .insertInto('shipment_notifications')
    .values({
      shipment_id: n.shipmentId,
      rtn_code: n.code,
      rtn_msg: n.message.slice(0, 200),
      status_date: n.statusDate,
      meaning: n.meaning,
      outcome: n.outcome,
      received_at: now,
    })
    .onConflict((oc) => oc.columns(['shipment_id', 'rtn_code', 'status_date']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setNotificationOutcome(
  trx: Executor,
  shipmentId: number,
  code: string,
  statusDate: string,
  outcome: string,
): Promise<void> {
  await trx
    .updateTable('shipment_notifications')
    .set({ outcome })
    .where('shipment_id', '=', shipmentId)
    .where('rtn_code', '=', code)
    .where('status_date', '=', statusDate)
    .execute();
}

/** The notifications of a shipment, in arrival order. */
export async function statusNotificationsOf(db: Executor, shipmentId: number) {
  return db
    .selectFrom('shipment_notifications')
    .selectAll()
    .where('shipment_id', '=', shipmentId)
    .orderBy('id')
    .execute();
}

/**
 * ECPay's latest status, kept only when it is not older than the one already kept (notifications
 * may come out of order), plus arrival facts when given.
 */
export async function updateEcpayStatus(
  trx: Executor,
  id: number,
  s: { code: string; message: string; at: number },
  now: number,
): Promise<void> {
  await trx
    .updateTable('shipments')
    .set({ last_code: s.code, last_message: s.message.slice(0, 200), last_status_at: s.at, updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_status_at', 'is', null), eb('last_status_at', '<=', s.at)]))
    .execute();
}

export async function recordArrival(trx: Executor, id: number, arrivedAt: number, deadline: number, now: number) {
  await trx
    .updateTable('shipments')
    .set({ arrived_at: arrivedAt, pickup_deadline: deadline, updated_at: now })
    .where('id', '=', id)
    .where('arrived_at', 'is', null)
    .execute();
}

/** Store parcels still waiting at the store whose reminder time has come (deadline − lead). */
export async function shipmentsToRemind(db: Executor, remindBefore: number, limit: number): Promise<Shipment[]> {
  return db
    .selectFrom('shipments')
    .innerJoin('orders', 'orders.id', 'shipments.order_id')
    .selectAll('shipments')
    .where('shipments.reminded_at', 'is', null)
    .where('shipments.pickup_deadline', 'is not', null)
    .where('shipments.pickup_deadline', '<=', remindBefore)
    .where('orders.status', '=', 'paid')
    .where('orders.fulfilment', '=', 'at_store')
    .orderBy('shipments.id')
    .limit(limit)
    .execute();
}

/** Claims the reminder of one shipment (false: another instance sent it). */
export async function markReminded(trx: Executor, id: number, now: number): Promise<boolean> {
  const r = await trx
    .updateTable('shipments')
    .set({ reminded_at: now, updated_at: now })
    .where('id', '=', id)
    .where('reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
