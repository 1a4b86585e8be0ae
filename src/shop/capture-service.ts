/**
 * Card payments made with auto-capture off (CARD_AUTO_CAPTURE=false, QPay AutoBilling N) are only
 * authorized at the bank. The merchant captures them (OrderMaintain P) or cancels the authorization
 * (OrderMaintain C, "void"): the order is then cancelled, its goods go back on the shelf and the
 * customer is told no charge will be made. As for refunds, the bank is called outside any
 * transaction and the result is recorded in one.
 */
import type { Kysely } from 'kysely';
import type { DB, Order, Payment } from '../db/types';
import { formatTaiwanDateTime } from '../messages/copy';
import { type QpayClient, QpayRefusedError } from '../qpay';
import { tellCustomer } from './notices';
import { merchantMayCaptureOrVoid, type OrderActor } from './order-lifecycle';
import { getOrder, getOrderByNo, moveOrder, orderItems, recordOrderEvent } from './order-repository';
import { markCaptured, markVoided, paymentsOf } from './payment-repository';
import { restockSold } from './stock-repository';

export class CaptureError extends Error {}

type Action = 'capture' | 'void';

/** The paid card payment of a paid order that can still be captured or voided, or a clear refusal. */
async function authorizedPayment(db: Kysely<DB>, orderNo: string, action: Action): Promise<[Order, Payment]> {
  const order = await getOrderByNo(db, orderNo);
  if (!order) throw new CaptureError(`no order ${orderNo}`);
  const verb = action === 'capture' ? 'captured' : 'voided';
  if (order.pay_type !== 'C') {
    throw new CaptureError(`order ${orderNo} is an ATM transfer; only card authorizations can be ${verb}`);
  }
  if (!merchantMayCaptureOrVoid(order.status)) {
    throw new CaptureError(`order ${orderNo} is ${order.status}; only paid card orders can be ${verb}`);
  }
  const paid = (await paymentsOf(db, order.id)).find((p) => p.status === 'paid');
  if (!paid) throw new CaptureError(`order ${orderNo} has no paid bank order`);
  if (paid.auto_capture === 1) {
    throw new CaptureError(
      `order ${orderNo} was captured automatically at payment (auto-capture on); nothing to ${action === 'capture' ? 'capture' : 'void'}${action === 'void' ? ' — use refund' : ''}`,
    );
  }
  if (paid.captured_at !== null) {
    throw new CaptureError(
      `order ${orderNo} was already captured at ${formatTaiwanDateTime(paid.captured_at)}${action === 'void' ? '; use refund' : ''}`,
    );
  }
  if (paid.voided_at !== null) throw new CaptureError(`order ${orderNo}: its authorization was already cancelled`);
  return [order, paid];
}

async function maintain(qpay: QpayClient, payment: Payment, command: 'P' | 'C'): Promise<string> {
  try {
    return (await qpay.orderMaintain({ orderNo: payment.bank_order_no, command })).description;
  } catch (err) {
    if (err instanceof QpayRefusedError) {
      throw new CaptureError(
        `the bank refused to ${command === 'P' ? 'capture' : 'cancel the authorization of'} ${payment.bank_order_no}: ${err.code ? `${err.code} ` : ''}${err.text}`,
      );
    }
    throw err;
  }
}

/** Captures an authorized card payment (OrderMaintain P) and records when. */
export async function captureOrder(
  db: Kysely<DB>,
  qpay: QpayClient,
  orderNo: string,
  now: () => number,
  actor: OrderActor = 'merchant:cli',
): Promise<{ order: Order; payment: Payment; description: string }> {
  const [order, paid] = await authorizedPayment(db, orderNo, 'capture');
  const description = await maintain(qpay, paid, 'P');
  const t = now();
  const captured = await db.transaction().execute(async (trx) => {
    if (!(await markCaptured(trx, paid.id, t))) return false;
    await recordOrderEvent(trx, order.id, 'captured', actor, t);
    return true;
  });
  if (!captured) {
    throw new CaptureError(
      `the bank captured ${paid.bank_order_no}, but the payment changed meanwhile; check it with show`,
    );
  }
  return { order, payment: { ...paid, captured_at: t }, description };
}

/**
 * Cancels an authorized card payment (OrderMaintain C); then, in one transaction: the order becomes
 * cancelled (conditionally), its sold units go back on the shelf and the customer is told.
 */
export async function voidOrder(
  db: Kysely<DB>,
  qpay: QpayClient,
  orderNo: string,
  now: () => number,
  actor: OrderActor = 'merchant:cli',
): Promise<{ order: Order; description: string }> {
  const [order, paid] = await authorizedPayment(db, orderNo, 'void');
  const description = await maintain(qpay, paid, 'C');
  await db.transaction().execute(async (trx) => {
    const t = now();
    const moved = await moveOrder(trx, order.id, 'authorizationVoided', t, { closed_at: t }, actor);
    if (!moved || !(await markVoided(trx, paid.id, description, t))) {
      throw new CaptureError(
        `the bank cancelled the authorization of ${paid.bank_order_no}, but the order changed meanwhile; check it with show`,
      );
    }
    const items = await orderItems(trx, order.id);
    await restockSold(
      trx,
      items.map((i) => ({ productId: i.product_id, quantity: i.quantity })),
      t,
    );
    await tellCustomer(trx, { kind: 'authorization_voided', order }, t);
  });
  return { order: (await getOrder(db, order.id)) as Order, description };
}
