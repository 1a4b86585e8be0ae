/**
 * Payment attempts (one bank order each; table payments) and the refunds made against orders
 * (table refunds). Every state change is a conditional update, so two workers or a repeated call
 * can never apply it twice.
 */

import type { Updateable } from 'kysely';
import type { Executor } from '../db/database';
import { claimWithLease } from '../db/lease';
import type { Order, Payment, PaymentStatus, PaymentTable } from '../db/types';

/** The bank OrderNo of the n-th payment attempt of an order: the order number, then `-2`, `-3` … */
export function bankOrderNoFor(orderNo: string, attempt: number): string {
  return attempt === 1 ? orderNo : `${orderNo}-${attempt}`;
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
  return claimWithLease(db, {
    table: 'payments',
    key: 'id',
    status: 'requested',
    orderBy: 'id',
    limit,
    now,
    leaseMs,
    alsoSet: (eb) => ({ bank_calls: eb('bank_calls', '+', 1) }),
  });
}

/** Records, before OrderCreate, whether the bank order asks the bank to capture at once (AutoBilling). */
export async function recordAutoCapture(db: Executor, paymentId: number, autoCapture: boolean): Promise<void> {
  await db
    .updateTable('payments')
    .set({ auto_capture: autoCapture ? 1 : 0 })
    .where('id', '=', paymentId)
    .execute();
}

/** Puts off a leased payment attempt until `at` (after a transient bank error). */
export async function deferPayment(db: Executor, paymentId: number, at: number): Promise<void> {
  await db.updateTable('payments').set({ locked_until: at }).where('id', '=', paymentId).execute();
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
export function markCaptured(trx: Executor, paymentId: number, now: number): Promise<boolean> {
  return closeAuthorization(trx, paymentId, { captured_at: now, updated_at: now });
}

/** Records a cancelled authorization (OrderMaintain C), once; returns whether it did. */
export function markVoided(trx: Executor, paymentId: number, description: string, now: number): Promise<boolean> {
  return closeAuthorization(trx, paymentId, { voided_at: now, bank_description: description, updated_at: now });
}

/**
 * Applies `changes` to a paid payment whose card authorization is still open (neither captured nor
 * voided); returns whether it did. Capture and void both close it, so only the first of them wins.
 */
async function closeAuthorization(
  trx: Executor,
  paymentId: number,
  changes: Updateable<PaymentTable>,
): Promise<boolean> {
  const r = await trx
    .updateTable('payments')
    .set(changes)
    .where('id', '=', paymentId)
    .where('status', '=', 'paid')
    .where('captured_at', 'is', null)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
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
