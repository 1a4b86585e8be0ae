/**
 * Merchant refunds through QPay OrderMaintain R (card orders; partial allowed). The bank is called
 * outside any transaction; the refund, the order's refunded amount and the customer's notice are
 * then recorded in one.
 */
import type { Kysely } from 'kysely';
import type { DB, Order } from '../db/types';
import { silentLogger } from '../logger';
import type { QpayClient } from '../qpay';
import { refundLatePayment } from './late-payment';
import { tellCustomer } from './notices';
import { merchantMayRefund, type OrderActor, readLatePayment } from './order-lifecycle';
import { addRefundedAmount, getOrder, getOrderByNo, recordOrderEvent } from './order-repository';
import { isAuthorizedNotCaptured, paymentsOf, recordRefund, refundsOf } from './payment-repository';

export class RefundError extends Error {}

export async function refundOrder(
  db: Kysely<DB>,
  qpay: QpayClient,
  orderNo: string,
  amount: number | undefined,
  now: () => number,
  /** Who asked, for the order's timeline (the console passes `merchant:<email>`). */
  actor: OrderActor = 'merchant:cli',
): Promise<{ order: Order; refunded: number; description: string }> {
  const order = await getOrderByNo(db, orderNo);
  if (!order) throw new RefundError(`no order ${orderNo}`);
  const late = readLatePayment(order.attention);
  if (late?.outcome === 'refund_needed') {
    // Paid after it was closed, goods gone: the whole payment goes back (the automatic attempt failed).
    if (late.route === 'merchant') {
      throw new RefundError(
        `order ${orderNo} was paid by ATM after it closed: transfer ${order.total} back to the customer yourself`,
      );
    }
    if (amount !== undefined && amount !== order.total) {
      throw new RefundError(`order ${orderNo} was paid after it closed: it is refunded in full (${order.total})`);
    }
    if (!(await refundLatePayment(db, qpay, order.id, now, silentLogger, true))) {
      throw new RefundError(`order ${orderNo} changed while refunding; check it with \`show\``);
    }
    const after = (await getOrder(db, order.id)) as Order;
    return { order: after, refunded: after.refunded_amount, description: 'late payment sent back' };
  }
  if (!merchantMayRefund(order.status))
    throw new RefundError(`order ${orderNo} is ${order.status}; only paid orders can be refunded`);
  const paid = (await paymentsOf(db, order.id)).find((p) => p.status === 'paid');
  if (!paid) throw new RefundError(`order ${orderNo} has no paid bank order`);
  if (paid.pay_type !== 'C') {
    throw new RefundError(
      'ATM payments cannot be refunded through QPay; transfer the money back and record it by hand',
    );
  }
  if (isAuthorizedNotCaptured(paid)) {
    throw new RefundError(
      `order ${orderNo} is authorized, not captured: nothing was charged yet; capture it first, or void it to cancel the authorization`,
    );
  }
  const left = order.total - order.refunded_amount;
  const value = amount ?? left;
  if (!Number.isInteger(value) || value <= 0 || value > left) {
    throw new RefundError(`amount must be a whole number from 1 to ${left} (NT$ not yet refunded)`);
  }
  const result = await qpay.orderMaintain({
    orderNo: paid.bank_order_no,
    command: 'R',
    ...(value === order.total ? {} : { amount: value }),
  });
  await db.transaction().execute(async (trx) => {
    const t = now();
    await recordRefund(trx, order.id, value, result.description, t);
    if (!(await addRefundedAmount(trx, order.id, order.refunded_amount, value, value === left, t))) {
      throw new RefundError('order changed while refunding; check it with `show`');
    }
    await recordOrderEvent(trx, order.id, value === left ? 'refundedInFull' : 'refunded', actor, t, String(value));
    const n = (await refundsOf(trx, order.id)).length;
    const part = value < left ? 'partial' : order.refunded_amount === 0 ? 'full' : 'rest';
    await tellCustomer(trx, { kind: 'refund', order, amount: value, part, n }, t);
  });
  return { order: (await getOrder(db, order.id)) as Order, refunded: value, description: result.description };
}
