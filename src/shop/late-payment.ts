/**
 * A payment that arrives after its order was cancelled or expired (the bank page was still open,
 * an old pay link was used). The decision is `decideLatePayment` (order-lifecycle.ts); this file
 * applies it: inside the confirmation's transaction (`applyLatePayment`), and afterwards, outside
 * any transaction, the bank refund when the goods are gone (`refundLatePayment`).
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../db/database';
import type { DB, Order, OrderItem, Payment } from '../db/types';
import type { Logger } from '../logger';
import type { QpayClient } from '../qpay';
import { cartItems, findOpenCart, setItemQuantity } from './cart-repository';
import { type CartAdjustment, tellCustomer } from './notices';
import {
  cartAfterReinstate,
  decideLatePayment,
  holdsReservation,
  isClosedUnpaid,
  type LatePaymentDecision,
  type LatePaymentState,
  lateAttention,
  readLatePayment,
} from './order-lifecycle';
import { getOrder, moveOrder, orderItems, ordersOfUser, replaceAttention, updateOrder } from './order-repository';
import { markVoided, paymentsOf, recordRefund } from './payment-repository';
import { sellUnreserved } from './stock-repository';

export interface LateEvidence {
  bankOrderNo: string;
  paidAt: number;
  cardLast4: string | null;
}

/**
 * The goods go out of the customer's open cart when the order that holds them is reinstated: they
 * are on their way, and the usual reason they sit in the cart is 再買一次 on this very order — left
 * there, they would be bought twice. The customer is told exactly what was taken out.
 */
async function takeOutOfOpenCart(
  trx: Executor,
  userId: string,
  items: OrderItem[],
  now: number,
): Promise<CartAdjustment[]> {
  const cart = await findOpenCart(trx, userId);
  if (!cart) return [];
  const lines = await cartItems(trx, cart.id);
  const changes = cartAfterReinstate(
    lines,
    items.map((i) => ({ productId: i.product_id, quantity: i.quantity })),
  );
  for (const c of changes) await setItemQuantity(trx, cart.id, c.productId, c.to, now);
  return changes.map((c) => ({
    name: lines.find((l) => l.productId === c.productId)?.name ?? '',
    from: c.from,
    to: c.to,
  }));
}

/** Another unpaid order of this customer with any of the same goods (they may have re-ordered). */
async function otherOpenOrderWithSameGoods(trx: Executor, order: Order, items: OrderItem[]) {
  const ids = new Set(items.map((i) => i.product_id));
  for (const o of await ordersOfUser(trx, order.line_user_id, 10)) {
    if (o.id === order.id || !holdsReservation(o.status)) continue;
    if ((await orderItems(trx, o.id)).some((i) => ids.has(i.product_id))) return o;
  }
  return undefined;
}

/**
 * Applies a paid bank order to a closed order, in the caller's transaction: reinstated as paid
 * (goods sold again, cart adjusted, notice + receipt queued) or flagged for refund (notice queued).
 */
export async function applyLatePayment(
  trx: Executor,
  order: Order,
  items: OrderItem[],
  payment: Payment,
  e: LateEvidence,
  shopName: string,
  now: number,
): Promise<LatePaymentDecision> {
  if (!isClosedUnpaid(order.status)) throw new Error(`order ${order.order_no} is ${order.status}, not closed`);
  const resold = await sellUnreserved(
    trx,
    items.map((i) => ({ productId: i.product_id, quantity: i.quantity })),
    now,
  );
  const decision = decideLatePayment(order.status, resold, {
    payType: payment.pay_type,
    autoCapture: payment.auto_capture,
  });
  if (decision.kind === 'reinstate') {
    const state: LatePaymentState = { outcome: 'reinstated', was: decision.was };
    if (
      !(await moveOrder(
        trx,
        order.id,
        'latePaymentAccepted',
        now,
        {
          paid_at: e.paidAt,
          attention: lateAttention(state),
        },
        'bank',
      ))
    ) {
      throw new Error(`order ${order.order_no} changed while a late payment was applied`);
    }
    const cartTaken = await takeOutOfOpenCart(trx, order.line_user_id, items, now);
    const other = await otherOpenOrderWithSameGoods(trx, order, items);
    const paid = (await getOrder(trx, order.id)) as Order;
    const receiptPayment = { ...payment, card_last4: e.cardLast4, paid_at: e.paidAt };
    await tellCustomer(
      trx,
      {
        kind: 'receipt',
        view: { order: paid, items, payment: receiptPayment },
        shopName,
        reinstated: { state, cartTaken, otherOrderNo: other?.order_no },
      },
      now,
    );
    return decision;
  }
  const state: LatePaymentState = { outcome: 'refund_needed', was: decision.was, route: decision.route };
  await updateOrder(trx, order.id, { attention: lateAttention(state) }, now);
  await tellCustomer(trx, { kind: 'paid_late', order, bankOrderNo: e.bankOrderNo, state }, now);
  return decision;
}

/**
 * Sends a late payment's money back through the bank when it can (card: refund, or cancel an
 * authorization that was never captured), then records it and tells the customer, in one
 * transaction. Returns false, leaving the order flagged `refund_needed` for the merchant, when
 * there is nothing the bank can do (ATM) or the bank call failed (`npm run orders -- refund` retries).
 */
export async function refundLatePayment(
  db: Kysely<DB>,
  qpay: QpayClient,
  orderId: number,
  now: () => number,
  logger: Logger,
  /** The merchant's CLI wants the bank's error itself. */
  rethrow = false,
): Promise<boolean> {
  const order = await getOrder(db, orderId);
  const state = readLatePayment(order?.attention ?? null);
  if (!order || state?.outcome !== 'refund_needed' || state.route === 'merchant') return false;
  const paid = (await paymentsOf(db, order.id)).find((p) => p.status === 'paid');
  if (!paid) return false;
  let description: string;
  try {
    const command = state.route === 'bank_refund' ? 'R' : 'C';
    description = (await qpay.orderMaintain({ orderNo: paid.bank_order_no, command })).description;
  } catch (err) {
    logger.error({ err, orderNo: order.order_no }, 'REFUND NEEDED: automatic refund of a late payment failed');
    if (rethrow) throw err;
    return false;
  }
  const done: LatePaymentState = { ...state, outcome: 'refunded' };
  let queued = false;
  await db.transaction().execute(async (trx) => {
    const t = now();
    const refunded = state.route === 'bank_refund' ? order.total : 0;
    if (!(await replaceAttention(trx, order.id, lateAttention(state), lateAttention(done), refunded, t))) return;
    if (state.route === 'bank_refund') await recordRefund(trx, order.id, order.total, description, t);
    else await markVoided(trx, paid.id, description, t);
    await tellCustomer(trx, { kind: 'late_payment_refunded', order, state: done }, t);
    queued = true;
  });
  logger.warn({ orderNo: order.order_no, route: state.route }, 'late payment sent back through the bank');
  return queued;
}
