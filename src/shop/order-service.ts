/**
 * Order state changes other than payment: the bank accepted or refused OrderCreate, the order
 * expired, the customer cancelled or asked for a new pay link. Each is one transaction with the
 * messages it causes enqueued in it.
 */
import type { PaymentsConfig } from '../config';
import type { Executor } from '../db/database';
import type { Order, Payment } from '../db/types';
import type { OrderCreated } from '../qpay';
import { reopenCart, setCartStatus } from './cart-repository';
import { tellCustomer } from './notices';
import { awaitsPayment, canHappen, type OrderActor } from './order-lifecycle';
import { getOrder, moveOrder, orderItems, updateOrder } from './order-repository';
import { insertPaymentAttempt, paymentsOf, transitionPayment } from './payment-repository';
import { releaseStock } from './stock-repository';

async function release(trx: Executor, order: Order, now: number): Promise<void> {
  const items = await orderItems(trx, order.id);
  await releaseStock(
    trx,
    items.map((i) => ({ productId: i.product_id, quantity: i.quantity })),
    now,
  );
  for (const p of await paymentsOf(trx, order.id)) {
    await transitionPayment(trx, p.id, ['requested', 'created'], 'abandoned', now);
  }
}

/** The bank created the bank order: the order awaits payment; the customer gets the pay link. */
export async function recordBankOrderCreated(
  trx: Executor,
  payment: Payment,
  created: Pick<OrderCreated, 'tsNo' | 'raw'> & {
    payUrl: string | null;
    atmPayNo: string | null;
    webAtmUrl: string | null;
  },
  linkExpiresAt: number,
  config: PaymentsConfig,
  shopName: string,
  now: number,
): Promise<boolean> {
  const ok = await transitionPayment(trx, payment.id, 'requested', 'created', now, {
    ts_no: created.tsNo,
    pay_url: created.payUrl ?? created.webAtmUrl,
    atm_pay_no: created.atmPayNo,
    expires_at: linkExpiresAt,
    raw: JSON.stringify(created.raw).slice(0, 8000),
  });
  if (!ok) return false;
  const order = (await getOrder(trx, payment.order_id)) as Order;
  if (canHappen(order.status, 'bankOrderCreated')) {
    await moveOrder(trx, order.id, 'bankOrderCreated', now, {}, 'bank');
    await updateOrder(trx, order.id, { next_check_at: now + config.reconcileIntervalMs }, now);
    if (order.cart_id !== null) await setCartStatus(trx, order.cart_id, 'locked', 'ordered', now);
  } else if (!awaitsPayment(order.status)) {
    return true; // paid or closed meanwhile: no pay link to send
  }
  const fresh = (await getOrder(trx, order.id)) as Order;
  await tellCustomer(
    trx,
    {
      kind: 'pay_link',
      view: { order: fresh, items: await orderItems(trx, order.id), payment },
      bankOrderNo: payment.bank_order_no,
      payUrl: created.payUrl,
      atmPayNo: created.atmPayNo,
      webAtmUrl: created.webAtmUrl,
      shopName,
    },
    now,
  );
  return true;
}

/**
 * The bank refused OrderCreate. A first attempt fails the order (stock released, cart reopened):
 * then the failed order is returned.
 */
export async function recordBankOrderRefused(
  trx: Executor,
  payment: Payment,
  reason: string,
  now: number,
): Promise<Order | undefined> {
  if (!(await transitionPayment(trx, payment.id, 'requested', 'refused', now, { bank_description: reason }))) {
    return undefined;
  }
  const order = (await getOrder(trx, payment.order_id)) as Order;
  if (canHappen(order.status, 'bankRefused')) {
    await moveOrder(trx, order.id, 'bankRefused', now, { closed_at: now, failure_reason: reason }, 'bank');
    await release(trx, order, now);
    if (order.cart_id !== null) await reopenCart(trx, order.cart_id, order.line_user_id, now);
    await tellCustomer(trx, { kind: 'order_failed', order, reason }, now);
    return order;
  } else if (awaitsPayment(order.status)) {
    await tellCustomer(trx, { kind: 'pay_link_failed', order, bankOrderNo: payment.bank_order_no }, now);
  }
  return undefined;
}

/** Unpaid past its deadline (the bank said so): expired, stock released, customer told. */
export async function expireOrder(trx: Executor, order: Order, now: number): Promise<boolean> {
  if (!(await moveOrder(trx, order.id, 'deadlinePassed', now, { closed_at: now }, 'timer'))) return false;
  await release(trx, order, now);
  await tellCustomer(trx, { kind: 'expired', order }, now);
  return true;
}

/**
 * An unpaid order is cancelled — by the customer in the chat, or by the merchant on their behalf.
 * Returns false when it is no longer awaiting payment.
 */
export async function cancelOrder(
  trx: Executor,
  order: Order,
  now: number,
  actor: OrderActor = 'customer',
): Promise<boolean> {
  if (!(await moveOrder(trx, order.id, 'customerCancelled', now, { closed_at: now }, actor))) return false;
  await release(trx, order, now);
  return true;
}

/** The merchant cancels an unpaid order (console): stock released, customer told. False when no longer unpaid. */
export async function merchantCancelOrder(
  trx: Executor,
  order: Order,
  now: number,
  actor: OrderActor,
): Promise<boolean> {
  if (!(await moveOrder(trx, order.id, 'merchantCancelled', now, { closed_at: now }, actor))) return false;
  await release(trx, order, now);
  await tellCustomer(trx, { kind: 'cancelled_by_shop', order }, now);
  return true;
}

/**
 * A new bank order for an order still awaiting payment (after a declined card or an expired
 * link). The submitter creates it; its pay link goes out with `replyToken` while fresh.
 */
export async function requestNewPayLink(
  trx: Executor,
  order: Order,
  replyToken: string | undefined,
  replyUntil: number | undefined,
  now: number,
): Promise<Payment> {
  const attempts = await paymentsOf(trx, order.id);
  const next = Math.max(0, ...attempts.map((p) => p.attempt)) + 1;
  for (const p of attempts) await transitionPayment(trx, p.id, 'created', 'abandoned', now);
  await updateOrder(
    trx,
    order.id,
    { reply_token: replyToken ?? null, reply_until: replyToken ? (replyUntil ?? null) : null },
    now,
  );
  return insertPaymentAttempt(trx, order, next, now);
}
