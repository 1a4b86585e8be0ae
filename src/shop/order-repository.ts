/**
 * Orders and their item snapshots (tables orders, order_items). Only this file touches those
 * tables. Every state change is a conditional update, so two workers or a repeated call can never
 * apply it twice.
 */
import { randomInt } from 'node:crypto';
import type { Executor } from '../db/database';
import { claimWithLease } from '../db/lease';
import type { DeliveryMethod, Fulfilment, Order, OrderEventRow, OrderItem, OrderStatus, PayType } from '../db/types';
import {
  FULFILMENT_TRANSITIONS,
  type FulfilmentEvent,
  ORDER_TRANSITIONS,
  type OrderActor,
  type OrderEvent,
} from './order-lifecycle';
import { insertPaymentAttempt } from './payment-repository';

const ORDER_NO_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const TAIWAN_OFFSET_MS = 8 * 3_600_000;

/**
 * `YYMMDD` (Taiwan date) + 6 unambiguous characters, e.g. `250612K7Q2MX`: short enough to read
 * over the phone, valid for QPay (≤ 50, no quotes or %), and it never ends in 9 (the bank sandbox
 * leaves ATM orders ending in 9 unpaid on purpose).
 */
export function newOrderNo(now: number): string {
  const d = new Date(now + TAIWAN_OFFSET_MS);
  const ymd = `${String(d.getUTCFullYear()).slice(2)}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  let tail = '';
  for (let i = 0; i < 6; i++) tail += ORDER_NO_ALPHABET[randomInt(0, ORDER_NO_ALPHABET.length)];
  return ymd + tail;
}

export interface NewOrder {
  orderNo: string;
  lineUserId: string;
  cartId: number;
  payType: PayType;
  total: number;
  expiresAt: number;
  replyToken: string | null;
  replyUntil: number | null;
  /** Included in `total`. Absent for orders without a delivery step (tests of the payment flow). */
  deliveryMethod?: DeliveryMethod | null;
  shippingFee?: number;
  items: Array<{ productId: number; name: string; unitPrice: number; quantity: number }>;
}

/** Creates the order (pending), its item snapshots and its first bank payment attempt (requested). */
export async function insertOrder(trx: Executor, o: NewOrder, now: number): Promise<Order> {
  const order = await trx
    .insertInto('orders')
    .values({
      order_no: o.orderNo,
      line_user_id: o.lineUserId,
      cart_id: o.cartId,
      status: 'pending',
      pay_type: o.payType,
      total: o.total,
      expires_at: o.expiresAt,
      paid_at: null,
      closed_at: null,
      failure_reason: null,
      attention: null,
      reply_token: o.replyToken,
      reply_until: o.replyUntil,
      next_check_at: null,
      locked_until: null,
      created_at: now,
      updated_at: now,
      delivery_method: o.deliveryMethod ?? null,
      shipping_fee: o.shippingFee ?? 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('order_items')
    .values(
      o.items.map((i) => ({
        order_id: order.id,
        product_id: i.productId,
        name: i.name,
        unit_price: i.unitPrice,
        quantity: i.quantity,
      })),
    )
    .execute();
  await insertPaymentAttempt(trx, order, 1, now);
  return order;
}

export async function getOrderByNo(db: Executor, orderNo: string): Promise<Order | undefined> {
  return db.selectFrom('orders').selectAll().where('order_no', '=', orderNo).executeTakeFirst();
}

export async function getOrder(db: Executor, id: number): Promise<Order | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function orderItems(db: Executor, orderId: number): Promise<OrderItem[]> {
  return db.selectFrom('order_items').selectAll().where('order_id', '=', orderId).orderBy('product_id').execute();
}

export async function ordersOfUser(db: Executor, lineUserId: string, limit: number): Promise<Order[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('line_user_id', '=', lineUserId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function listOrders(
  db: Executor,
  limit: number,
  status?: OrderStatus,
  fulfilment?: readonly Fulfilment[],
): Promise<Order[]> {
  let q = db.selectFrom('orders').selectAll().limit(limit);
  if (status) q = q.where('status', '=', status);
  if (fulfilment) {
    // Goods still to move: paid orders only, oldest first (the merchant works down the list).
    q = q.where('status', '=', 'paid').where('fulfilment', 'in', fulfilment).orderBy('fulfilment_at').orderBy('id');
  } else {
    q = q.orderBy('id', 'desc');
  }
  return q.execute();
}

/** Paid home deliveries shipped (or on their way) since before `before`: due to count as delivered. */
export async function homeDeliveriesShippedBefore(db: Executor, before: number, limit: number): Promise<Order[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('status', '=', 'paid')
    .where('delivery_method', '=', 'home')
    .where('fulfilment', 'in', ['shipped', 'in_transit'])
    .where('fulfilment_at', '<=', before)
    .orderBy('fulfilment_at')
    .limit(limit)
    .execute();
}

/**
 * Applies a lifecycle event to an order: one conditional update from the states the lifecycle
 * allows it in (ORDER_TRANSITIONS) to where it leads, and a line in the order's timeline saying who
 * or what did it. Returns whether it moved — false when another worker, a duplicate callback or
 * the customer got there first (and then nothing is recorded).
 */
export async function moveOrder(
  trx: Executor,
  orderId: number,
  event: OrderEvent,
  now: number,
  extra: {
    paid_at?: number;
    closed_at?: number;
    failure_reason?: string | null;
    attention?: string | null;
    expires_at?: number | null;
  } = {},
  actor: OrderActor = 'system',
): Promise<boolean> {
  const t: (typeof ORDER_TRANSITIONS)[OrderEvent] & {
    fulfilment?: string;
    fulfilmentFrom?: readonly (string | null)[];
  } = ORDER_TRANSITIONS[event];
  let q = trx
    .updateTable('orders')
    .set({ status: t.to, updated_at: now, locked_until: null, ...extra })
    .where('id', '=', orderId)
    .where('status', 'in', t.from);
  if (t.fulfilment) q = q.set({ fulfilment: t.fulfilment as 'to_ship', fulfilment_at: now });
  if (t.fulfilmentFrom) {
    const states = t.fulfilmentFrom.filter((f): f is string => f !== null);
    const orNull = t.fulfilmentFrom.includes(null);
    q = q.where((eb) =>
      orNull
        ? eb.or([eb('fulfilment', 'is', null), eb('fulfilment', 'in', states as never)])
        : eb('fulfilment', 'in', states as never),
    );
  }
  const r = await q.executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await recordOrderEvent(trx, orderId, event, actor, now);
  return true;
}

/**
 * Moves a paid order's goods along FULFILMENT_TRANSITIONS: one conditional update, recorded in the
 * timeline. False when the order is not paid or its goods are not in a state the event starts from
 * (a duplicated or late notification).
 */
export async function moveFulfilment(
  trx: Executor,
  orderId: number,
  event: FulfilmentEvent,
  now: number,
  actor: OrderActor,
  detail: string | null = null,
): Promise<boolean> {
  const { from, to } = FULFILMENT_TRANSITIONS[event];
  const r = await trx
    .updateTable('orders')
    .set({ fulfilment: to, fulfilment_at: now, updated_at: now })
    .where('id', '=', orderId)
    .where('status', '=', 'paid')
    .where('fulfilment', 'in', from)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await recordOrderEvent(trx, orderId, event, actor, now, detail);
  return true;
}

/** A line in the order's timeline (moves record themselves; notices, shipments etc. call this). */
export async function recordOrderEvent(
  trx: Executor,
  orderId: number,
  event: string,
  actor: OrderActor,
  now: number,
  detail: string | null = null,
): Promise<void> {
  await trx.insertInto('order_events').values({ order_id: orderId, event, actor, detail, at: now }).execute();
}

/** The order's timeline, oldest first. */
export async function orderTimeline(db: Executor, orderId: number): Promise<OrderEventRow[]> {
  return db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function updateOrder(
  trx: Executor,
  orderId: number,
  set: Partial<
    Pick<Order, 'attention' | 'reply_token' | 'reply_until' | 'next_check_at' | 'locked_until' | 'refunded_amount'>
  >,
  now: number,
): Promise<void> {
  await trx
    .updateTable('orders')
    .set({ ...set, updated_at: now })
    .where('id', '=', orderId)
    .execute();
}

/**
 * Replaces an order's attention flag only if it is still `from` (a late payment's refund recorded
 * once, whoever gets there first); `refunded` is added to refunded_amount. Returns whether it did.
 */
export async function replaceAttention(
  trx: Executor,
  orderId: number,
  from: string,
  to: string,
  refunded: number,
  now: number,
): Promise<boolean> {
  const r = await trx
    .updateTable('orders')
    .set((eb) => ({ attention: to, refunded_amount: eb('refunded_amount', '+', refunded), updated_at: now }))
    .where('id', '=', orderId)
    .where('attention', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Leases orders in `status` whose `column` time has come (sweeper: expires_at; reconciler:
 * next_check_at), so one instance works on an order at a time.
 */
export async function claimOrders(
  db: Executor,
  status: OrderStatus,
  column: 'expires_at' | 'next_check_at',
  before: number,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<Order[]> {
  return claimWithLease(db, {
    table: 'orders',
    key: 'id',
    status,
    due: (eb) => eb.and([eb(column, 'is not', null), eb(column, '<=', before)]),
    orderBy: 'id',
    limit,
    now,
    leaseMs,
  });
}

/**
 * Adds a merchant refund to the order, only if no other refund was recorded since the caller read
 * it (refunded_amount still `before`); the order's status becomes `status` (refunded once nothing
 * is left). Returns whether it did.
 */
export async function addRefundedAmount(
  trx: Executor,
  orderId: number,
  before: number,
  amount: number,
  /** The whole amount is now refunded: the lifecycle's refundedInFull. */
  inFull: boolean,
  now: number,
): Promise<boolean> {
  const full = ORDER_TRANSITIONS.refundedInFull;
  const r = await trx
    .updateTable('orders')
    .set((eb) => ({
      refunded_amount: eb('refunded_amount', '+', amount),
      ...(inFull ? { status: full.to } : {}),
      updated_at: now,
    }))
    .where('id', '=', orderId)
    .where('status', 'in', full.from)
    .where('refunded_amount', '=', before)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** How many orders are in each state (metrics): a scan of the orders_by_status index. */
export async function countOrdersByStatus(db: Executor): Promise<Partial<Record<OrderStatus, number>>> {
  const rows = await db
    .selectFrom('orders')
    .select('status')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
