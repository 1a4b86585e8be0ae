/**
 * Orders, their item snapshots, stock reservations and bank payment attempts. Only this file
 * touches those tables (and the reserved/stock columns of products). Every state change is a
 * conditional update, so two workers or a repeated call can never apply it twice.
 */
import { randomInt } from 'node:crypto';
import { type Executor, isPostgres } from '../db/database';
import type { Order, OrderItem, OrderStatus, Payment, PaymentStatus, PayType } from '../db/types';

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

/** The bank OrderNo of the n-th payment attempt of an order: the order number, then `-2`, `-3` … */
export function bankOrderNoFor(orderNo: string, attempt: number): string {
  return attempt === 1 ? orderNo : `${orderNo}-${attempt}`;
}

export interface ReserveLine {
  productId: number;
  quantity: number;
}

/**
 * Reserves every line (in product-id order, so concurrent checkouts lock rows in one order) with a
 * conditional update. When any line is short, the ones already reserved are given back in the same
 * transaction and the short product ids are returned; nothing stays reserved.
 */
export async function reserveStock(trx: Executor, lines: ReserveLine[], now: number): Promise<number[]> {
  const sorted = [...lines].sort((a, b) => a.productId - b.productId);
  const done: ReserveLine[] = [];
  for (const l of sorted) {
    const r = await trx
      .updateTable('products')
      .set((eb) => ({ reserved: eb('reserved', '+', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .where('active', '=', 1)
      .where((eb) => eb(eb('stock', '-', eb.ref('reserved')), '>=', l.quantity))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      await releaseStock(trx, done, now);
      return [l.productId];
    }
    done.push(l);
  }
  return [];
}

/** Gives reserved units back. */
export async function releaseStock(trx: Executor, lines: ReserveLine[], now: number): Promise<void> {
  for (const l of [...lines].sort((a, b) => a.productId - b.productId)) {
    await trx
      .updateTable('products')
      .set((eb) => ({ reserved: eb('reserved', '-', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .execute();
  }
}

/** Turns reservations into a sale: the units leave the shelf. */
export async function sellReserved(trx: Executor, lines: ReserveLine[], now: number): Promise<void> {
  for (const l of [...lines].sort((a, b) => a.productId - b.productId)) {
    await trx
      .updateTable('products')
      .set((eb) => ({
        stock: eb('stock', '-', l.quantity),
        reserved: eb('reserved', '-', l.quantity),
        updated_at: now,
      }))
      .where('id', '=', l.productId)
      .execute();
  }
}

/**
 * Sells units that are not reserved (a payment arrived after the order had released its stock),
 * all or nothing. Returns false when any line is short (nothing changed then).
 */
export async function sellUnreserved(trx: Executor, lines: ReserveLine[], now: number): Promise<boolean> {
  const sorted = [...lines].sort((a, b) => a.productId - b.productId);
  const done: ReserveLine[] = [];
  for (const l of sorted) {
    const r = await trx
      .updateTable('products')
      .set((eb) => ({ stock: eb('stock', '-', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .where((eb) => eb(eb('stock', '-', eb.ref('reserved')), '>=', l.quantity))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      for (const d of done) {
        await trx
          .updateTable('products')
          .set((eb) => ({ stock: eb('stock', '+', d.quantity) }))
          .where('id', '=', d.productId)
          .execute();
      }
      return false;
    }
    done.push(l);
  }
  return true;
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

/** A new bank order to be created by the submitter for this order. */
export async function insertPaymentAttempt(
  trx: Executor,
  order: Order,
  attempt: number,
  now: number,
): Promise<Payment> {
  return trx
    .insertInto('payments')
    .values({
      order_id: order.id,
      bank_order_no: bankOrderNoFor(order.order_no, attempt),
      attempt,
      pay_type: order.pay_type,
      amount: order.total,
      status: 'requested',
      ts_no: null,
      pay_url: null,
      atm_pay_no: null,
      expires_at: null,
      pay_token: null,
      paid_at: null,
      card_last4: null,
      bank_description: null,
      locked_until: null,
      raw: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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

export async function listOrders(db: Executor, limit: number, status?: OrderStatus): Promise<Order[]> {
  let q = db.selectFrom('orders').selectAll().orderBy('id', 'desc').limit(limit);
  if (status) q = q.where('status', '=', status);
  return q.execute();
}

export async function paymentsOf(db: Executor, orderId: number): Promise<Payment[]> {
  return db.selectFrom('payments').selectAll().where('order_id', '=', orderId).orderBy('attempt').execute();
}

export async function latestPayment(db: Executor, orderId: number): Promise<Payment | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('attempt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function getPaymentByBankOrderNo(db: Executor, bankOrderNo: string): Promise<Payment | undefined> {
  return db.selectFrom('payments').selectAll().where('bank_order_no', '=', bankOrderNo).executeTakeFirst();
}

export async function getPayment(db: Executor, id: number): Promise<Payment | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Moves an order from one status to another only if it is still in `from`; returns whether it did. */
export async function transitionOrder(
  trx: Executor,
  orderId: number,
  from: OrderStatus | OrderStatus[],
  to: OrderStatus,
  now: number,
  extra: {
    paid_at?: number;
    closed_at?: number;
    failure_reason?: string | null;
    attention?: string | null;
    expires_at?: number | null;
  } = {},
): Promise<boolean> {
  const r = await trx
    .updateTable('orders')
    .set({ status: to, updated_at: now, locked_until: null, ...extra })
    .where('id', '=', orderId)
    .where('status', 'in', Array.isArray(from) ? from : [from])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
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

/** Moves a payment attempt between statuses, conditionally; returns whether it did. */
export async function transitionPayment(
  trx: Executor,
  paymentId: number,
  from: PaymentStatus | PaymentStatus[],
  to: PaymentStatus,
  now: number,
  extra: Partial<
    Pick<
      Payment,
      | 'ts_no'
      | 'pay_url'
      | 'atm_pay_no'
      | 'expires_at'
      | 'pay_token'
      | 'paid_at'
      | 'card_last4'
      | 'bank_description'
      | 'raw'
      | 'captured_at'
    >
  > = {},
): Promise<boolean> {
  const r = await trx
    .updateTable('payments')
    .set({ status: to, updated_at: now, locked_until: null, ...extra })
    .where('id', '=', paymentId)
    .where('status', 'in', Array.isArray(from) ? from : [from])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Leases payment attempts waiting for OrderCreate (status requested, lease free) and counts the
 * call about to be made. `bank_calls` > 1 on a returned row means an earlier call may have
 * reached the bank: ask before creating again.
 */
export async function claimRequestedPayments(
  db: Executor,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<Payment[]> {
  let due = db
    .selectFrom('payments')
    .select('id')
    .where('status', '=', 'requested')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('id')
    .limit(limit);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  return db
    .updateTable('payments')
    .set((eb) => ({ locked_until: now + leaseMs, bank_calls: eb('bank_calls', '+', 1) }))
    .where('id', 'in', due)
    .where('status', '=', 'requested')
    .returningAll()
    .execute();
}

/** Records, before OrderCreate, whether the bank order asks the bank to capture at once (AutoBilling). */
export async function recordAutoCapture(db: Executor, paymentId: number, autoCapture: boolean): Promise<void> {
  await db
    .updateTable('payments')
    .set({ auto_capture: autoCapture ? 1 : 0 })
    .where('id', '=', paymentId)
    .execute();
}

/** A paid card payment that was only authorized: the merchant can still capture it or cancel the authorization. */
export function isAuthorizedNotCaptured(p: Payment): boolean {
  return (
    p.status === 'paid' && p.pay_type === 'C' && p.auto_capture === 0 && p.captured_at === null && p.voided_at === null
  );
}

/** Ids (of those given) of orders that have an authorized, not captured card payment. */
export async function ordersAuthorizedNotCaptured(db: Executor, orderIds: number[]): Promise<Set<number>> {
  if (orderIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('payments')
    .select('order_id')
    .where('order_id', 'in', orderIds)
    .where('status', '=', 'paid')
    .where('pay_type', '=', 'C')
    .where('auto_capture', '=', 0)
    .where('captured_at', 'is', null)
    .where('voided_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.order_id));
}

/** Records a capture (OrderMaintain P), once; returns whether it did. */
export async function markCaptured(trx: Executor, paymentId: number, now: number): Promise<boolean> {
  const r = await trx
    .updateTable('payments')
    .set({ captured_at: now, updated_at: now })
    .where('id', '=', paymentId)
    .where('status', '=', 'paid')
    .where('captured_at', 'is', null)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records a cancelled authorization (OrderMaintain C), once; returns whether it did. */
export async function markVoided(trx: Executor, paymentId: number, description: string, now: number): Promise<boolean> {
  const r = await trx
    .updateTable('payments')
    .set({ voided_at: now, bank_description: description, updated_at: now })
    .where('id', '=', paymentId)
    .where('status', '=', 'paid')
    .where('captured_at', 'is', null)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Puts sold units back on the shelf (a sale undone: its card authorization was cancelled). */
export async function restockSold(trx: Executor, lines: ReserveLine[], now: number): Promise<void> {
  for (const l of [...lines].sort((a, b) => a.productId - b.productId)) {
    await trx
      .updateTable('products')
      .set((eb) => ({ stock: eb('stock', '+', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .execute();
  }
}

/** Puts off a leased payment attempt until `at` (after a transient bank error). */
export async function deferPayment(db: Executor, paymentId: number, at: number): Promise<void> {
  await db.updateTable('payments').set({ locked_until: at }).where('id', '=', paymentId).execute();
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
  let due = db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', status)
    .where(column, 'is not', null)
    .where(column, '<=', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('id')
    .limit(limit);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  return db
    .updateTable('orders')
    .set({ locked_until: now + leaseMs })
    .where('id', 'in', due)
    .where('status', '=', status)
    .returningAll()
    .execute();
}

export async function recordRefund(trx: Executor, orderId: number, amount: number, description: string, now: number) {
  await trx
    .insertInto('refunds')
    .values({ order_id: orderId, amount, bank_description: description, created_at: now })
    .execute();
}

export async function refundsOf(db: Executor, orderId: number) {
  return db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
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
