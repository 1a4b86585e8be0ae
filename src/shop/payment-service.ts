/**
 * Payment confirmation. One entry for a PayToken, `confirmPayment`, used by the bank's
 * notification, the browser return and the retry job; and `reconcileOrder`, which asks the bank
 * about an order by its OrderNo when notifications may have been lost. Both end in `applyPaid`:
 * one transaction that moves the order to paid (conditionally), turns the reservation into a sale
 * and enqueues the receipt. Nothing here holds a transaction open across a bank call.
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../db/database';
import type { DB, Order, Payment } from '../db/types';
import { type Logger, logOrderEvent } from '../logger';
import { type OrderQueryRow, type PayQueryResult, type QpayClient, QpayRefusedError } from '../qpay';
import { deferNotification, finishNotification, getNotification, recordToken } from './bank-notification-repository';
import { applyLatePayment, refundLatePayment } from './late-payment';
import { tellCustomer } from './notices';
import { shortToken } from './notification-sources';
import type { RefundRoute } from './order-lifecycle';
import { awaitsPayment } from './order-lifecycle';
import { getOrder, moveOrder, orderItems, updateOrder } from './order-repository';
import { getPaymentByBankOrderNo, paymentsOf, transitionPayment } from './payment-repository';
import { type ShopNameSource, shopNameOf } from './profile';
import { sellReserved } from './stock-repository';

export interface PaymentServiceDeps {
  db: Kysely<DB>;
  qpay: QpayClient;
  now: () => number;
  logger: Logger;
  shopName: ShopNameSource;
  /** Called after a transaction that enqueued messages commits (wakes the outbox sender). */
  onMessagesQueued: () => void;
  /**
   * Runs inside the transaction that made an order paid (also a reinstated late payment): shipping
   * queues the ECPay store shipment there (CVS_AUTO_SHIP), so it exists exactly when the payment does.
   */
  afterPaid?: (trx: Executor, orderId: number, now: number) => Promise<void>;
}

export type ConfirmOutcome =
  | { kind: 'paid'; orderNo: string; total: number }
  | { kind: 'failed'; orderNo: string; reason: string }
  | { kind: 'late'; orderNo: string }
  | { kind: 'rejected'; reason: string }
  /** The bank could not be asked now; the token stays recorded and is retried. */
  | { kind: 'retry'; reason: string };

const RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000];
const MAX_TOKEN_ATTEMPTS = 12;

/** What the bank says about a paid bank order, from OrderPayQuery or OrderQuery. */
export interface PaidEvidence {
  bankOrderNo: string;
  payType: string;
  amount: number;
  paidAt: number;
  cardLast4: string | null;
  payToken: string | null;
  raw: unknown;
}

export type ApplyResult = 'paid' | 'already' | 'late_sold' | 'late_refund' | 'double';

export function createPaymentService(deps: PaymentServiceDeps) {
  const { db, qpay, now, logger } = deps;

  function mismatch(order: Order, payment: Payment, e: { payType: string; amount: number }): string | undefined {
    if (e.payType !== payment.pay_type) return `PayType ${e.payType} ≠ ${payment.pay_type}`;
    if (e.amount !== payment.amount || e.amount !== order.total) return `Amount ${e.amount} ≠ ${payment.amount}`;
    return undefined;
  }

  /** The whole "it is paid" change, in one transaction. Idempotent. */
  async function applyPaid(payment: Payment, e: PaidEvidence): Promise<ApplyResult> {
    let result: ApplyResult = 'already';
    let queued = false;
    let orderNo = '';
    let refundRoute: RefundRoute | undefined;
    await db.transaction().execute(async (trx) => {
      const t = now();
      const order = await getOrder(trx, payment.order_id);
      if (!order) throw new Error(`payment ${payment.id} has no order`);
      orderNo = order.order_no;
      const fresh = await transitionPayment(
        trx,
        payment.id,
        ['requested', 'created', 'failed', 'abandoned'],
        'paid',
        t,
        {
          pay_token: e.payToken,
          paid_at: e.paidAt,
          card_last4: e.cardLast4,
          raw: JSON.stringify(e.raw).slice(0, 8000),
          // Auto-captured: the bank took the money with the payment. Authorize only: captured later (CLI).
          captured_at: payment.auto_capture === 1 ? e.paidAt : null,
        },
      );
      if (!fresh) return; // this bank order was already recorded as paid
      const items = await orderItems(trx, order.id);
      const lines = items.map((i) => ({ productId: i.product_id, quantity: i.quantity }));
      const paidAt = e.paidAt;
      if (await moveOrder(trx, order.id, 'paymentVerified', t, { paid_at: paidAt }, 'bank')) {
        await sellReserved(trx, lines, t);
        result = 'paid';
      } else if (order.status === 'paid' || order.status === 'refunded') {
        // A second bank order of the same order was paid too: the customer paid twice.
        await updateOrder(trx, order.id, { attention: `double_payment:${e.bankOrderNo}` }, t);
        result = 'double';
        logger.error({ orderNo: order.order_no, bankOrderNo: e.bankOrderNo }, 'DOUBLE PAYMENT: refund one of them');
        return;
      } else {
        // Paid after it was cancelled or expired: the order lifecycle decides (reinstated if the goods
        // are still there, else refunded); the notice and, if reinstated, the receipt are queued.
        const decision = await applyLatePayment(trx, order, items, payment, e, shopNameOf(deps.shopName), t);
        queued = true;
        if (decision.kind === 'reinstate') {
          result = 'late_sold';
          await deps.afterPaid?.(trx, order.id, t);
          logger.warn(
            { orderNo: order.order_no, was: order.status },
            'payment arrived after the order closed; reinstated and sold',
          );
        } else {
          result = 'late_refund';
          refundRoute = decision.route;
          logger.error(
            { orderNo: order.order_no, was: order.status, route: decision.route },
            'PAID AFTER CLOSE and out of stock: refund needed',
          );
        }
        return;
      }
      await deps.afterPaid?.(trx, order.id, t);
      const paidOrder = (await getOrder(trx, order.id)) as Order;
      const receiptPayment = { ...payment, card_last4: e.cardLast4, paid_at: paidAt };
      await tellCustomer(
        trx,
        {
          kind: 'receipt',
          view: { order: paidOrder, items, payment: receiptPayment },
          shopName: shopNameOf(deps.shopName),
        },
        t,
      );
      queued = true;
    });
    if (queued) deps.onMessagesQueued();
    // `result` is set inside the transaction callback, where TypeScript's narrowing cannot see it.
    const settled = result as ApplyResult;
    if (settled === 'paid' || settled === 'late_sold') {
      logOrderEvent(
        logger,
        'paid',
        { orderNo, amount: e.amount },
        { payType: payment.pay_type, late: settled === 'late_sold' },
      );
    }
    // The money of a late payment whose goods are gone goes back through the bank when it can
    // (after the commit: no transaction across a bank call). If that fails the order stays flagged.
    if (refundRoute && refundRoute !== 'merchant') {
      if (await refundLatePayment(db, qpay, payment.order_id, now, logger)) deps.onMessagesQueued();
    }
    return result;
  }

  /** A declined payment: the bank order is spent, the order stays payable; tell the customer once. */
  async function applyFailed(payment: Payment, reason: string): Promise<void> {
    let queued = false;
    await db.transaction().execute(async (trx) => {
      const t = now();
      if (
        !(await transitionPayment(trx, payment.id, ['created', 'requested'], 'failed', t, { bank_description: reason }))
      ) {
        return;
      }
      const order = await getOrder(trx, payment.order_id);
      if (!order || !awaitsPayment(order.status)) return;
      await tellCustomer(trx, { kind: 'payment_failed', order, bankOrderNo: payment.bank_order_no, reason }, t);
      queued = true;
    });
    if (queued) deps.onMessagesQueued();
  }

  async function reject(token: string, reason: string, orderNo: string | null): Promise<ConfirmOutcome> {
    logger.warn({ payToken: shortToken(token), orderNo, reason }, 'payment notification rejected');
    await finishNotification(db, token, 'rejected', orderNo, reason, now());
    return { kind: 'rejected', reason };
  }

  /** Outcome already decided for a processed token (repeats change nothing). */
  async function knownOutcome(token: string): Promise<ConfirmOutcome | undefined> {
    const n = await getNotification(db, token);
    if (!n || n.status === 'received') return undefined;
    const order = n.order_no ? await getPaymentByBankOrderNo(db, n.order_no) : undefined;
    const o = order ? await getOrder(db, order.order_id) : undefined;
    switch (n.status) {
      case 'paid':
        return { kind: 'paid', orderNo: o?.order_no ?? '', total: o?.total ?? 0 };
      case 'late':
        return { kind: 'late', orderNo: o?.order_no ?? '' };
      case 'failed':
        return { kind: 'failed', orderNo: o?.order_no ?? '', reason: n.detail ?? '' };
      default:
        return { kind: 'rejected', reason: n.detail ?? '' };
    }
  }

  /**
   * Confirms what a PayToken stands for: records it (dedupe), asks the bank (OrderPayQuery,
   * verified by the client), checks ShopNo/OrderNo/PayType/Amount against our order, then applies it.
   */
  async function confirmPayment(token: string, source: 'notify' | 'return' | 'reconcile'): Promise<ConfirmOutcome> {
    await recordToken(db, token, source, now());
    const known = await knownOutcome(token);
    if (known) return known;

    let answer: PayQueryResult;
    try {
      answer = await qpay.orderPayQuery(token);
    } catch (err) {
      if (err instanceof QpayRefusedError) return reject(token, `bank: ${err.description}`, null);
      const attempts = await deferNotification(
        db,
        token,
        String((err as Error).message ?? err),
        now() +
          (RETRY_DELAYS_MS[Math.min((await getNotification(db, token))?.attempts ?? 0, RETRY_DELAYS_MS.length - 1)] ??
            600_000),
      );
      logger.warn({ err, attempts }, 'OrderPayQuery failed; will retry');
      if (attempts >= MAX_TOKEN_ATTEMPTS) return reject(token, `gave up after ${attempts} attempts`, null);
      return { kind: 'retry', reason: String((err as Error).message ?? err) };
    }
    const p = answer.payment;
    if (answer.shopNo !== qpay.shopNo || p.shopNo !== qpay.shopNo) {
      return reject(token, `ShopNo ${p.shopNo} is not ours`, p.orderNo || null);
    }
    const payment = await getPaymentByBankOrderNo(db, p.orderNo);
    if (!payment) return reject(token, `unknown OrderNo ${p.orderNo}`, p.orderNo || null);
    const order = (await getOrder(db, payment.order_id)) as Order;
    const wrong = mismatch(order, payment, { payType: p.payType, amount: p.amount });
    if (wrong) {
      await updateOrder(db, order.id, { attention: `mismatch:${wrong}` }, now());
      logger.error({ orderNo: order.order_no, bankOrderNo: p.orderNo, wrong }, 'PAYMENT MISMATCH: not marked paid');
      return reject(token, `mismatch: ${wrong}`, p.orderNo);
    }
    if (!p.paid) {
      const reason = p.description.replace(/^\s*[A-Z]\d{4}\s*[\u2013-]\s*/u, '');
      await applyFailed(payment, reason);
      await finishNotification(db, token, 'failed', p.orderNo, reason, now());
      return { kind: 'failed', orderNo: order.order_no, reason };
    }
    const result = await applyPaid(payment, {
      bankOrderNo: p.orderNo,
      payType: p.payType,
      amount: p.amount,
      paidAt: p.payDateMs ?? now(),
      cardLast4: p.rightCcNo || null,
      payToken: token,
      raw: answer.raw,
    });
    const late = result === 'late_refund';
    await finishNotification(db, token, late ? 'late' : 'paid', p.orderNo, result, now());
    return late
      ? { kind: 'late', orderNo: order.order_no }
      : { kind: 'paid', orderNo: order.order_no, total: order.total };
  }

  function rowIsPaid(row: OrderQueryRow): boolean {
    return /^1[CA](400|300)$/.test(row.payStatus) || (row.payDate !== '' && /400$/.test(row.payStatus));
  }

  /**
   * Asks the bank (OrderQuery by OrderNo) about every bank order of an order. Completes the
   * purchase on its own when the bank says paid. Returns 'paid' when it did (or it already was),
   * 'unpaid' when the bank says nothing was paid, 'unknown' when the bank could not be asked.
   */
  async function reconcileOrder(order: Order): Promise<'paid' | 'unpaid' | 'unknown'> {
    const payments = await paymentsOf(db, order.id);
    let unknown = false;
    for (const payment of payments) {
      if (payment.status === 'paid') return 'paid';
      if (payment.status === 'refused' || (payment.status === 'requested' && payment.bank_calls === 0)) continue;
      let rows: OrderQueryRow[];
      try {
        rows = (await qpay.orderQuery({ orderNo: payment.bank_order_no })).orders;
      } catch (err) {
        if (err instanceof QpayRefusedError) continue; // the bank has no such order
        logger.warn({ err, bankOrderNo: payment.bank_order_no }, 'OrderQuery failed');
        unknown = true;
        continue;
      }
      const row = rows.find((r) => r.orderNo === payment.bank_order_no);
      if (!row || !rowIsPaid(row)) continue;
      const wrong = mismatch(order, payment, { payType: row.payType, amount: row.amount });
      if (wrong) {
        await updateOrder(db, order.id, { attention: `mismatch:${wrong}` }, now());
        logger.error({ orderNo: order.order_no, wrong }, 'PAYMENT MISMATCH in OrderQuery: not marked paid');
        continue;
      }
      const card = row.card ?? {};
      const last4 = typeof card.RightCCNo === 'string' && card.RightCCNo !== '' ? card.RightCCNo : null;
      await applyPaid(payment, {
        bankOrderNo: row.orderNo,
        payType: row.payType,
        amount: row.amount,
        paidAt: row.payDateMs ?? now(),
        cardLast4: last4,
        payToken: null,
        raw: row.raw,
      });
      return 'paid';
    }
    return unknown ? 'unknown' : 'unpaid';
  }

  return { confirmPayment, reconcileOrder, applyPaid };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
