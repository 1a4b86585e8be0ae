/**
 * Pending → bank. Claims payment attempts waiting for OrderCreate (lease; SKIP LOCKED on
 * PostgreSQL), calls the bank outside any transaction, then records the answer in one.
 *
 * Crash safety: the claim counts the call before it is made, so an attempt found again with
 * bank_calls > 1 (a crash, a timeout, a lost answer) is first looked up with OrderQuery by OrderNo:
 * if the bank has it, we continue with it; if not, we create it. Never two bank orders with one OrderNo.
 */
import type { Kysely } from 'kysely';
import type { PaymentsConfig } from '../config';
import type { DB, Order, Payment } from '../db/types';
import { type Logger, logOrderEvent } from '../logger';
import { orderCopy } from '../messages/copy';
import {
  bankDateEndMs,
  type OrderCreated,
  type OrderQueryRow,
  type QpayClient,
  type QpayNetworkError,
  QpayRefusedError,
  QpayValidationError,
  toBankDate,
} from '../qpay';
import { getOrder, orderItems } from '../shop/order-repository';
import { recordBankOrderCreated, recordBankOrderRefused } from '../shop/order-service';
import {
  claimRequestedPayments,
  deferPayment,
  insertPaymentAttempt,
  recordAutoCapture,
  transitionPayment,
} from '../shop/payment-repository';
import { type ShopNameSource, shopNameOf } from '../shop/profile';
import { forEachConcurrently } from './concurrently';

export interface OrderSubmitterDeps {
  db: Kysely<DB>;
  qpay: QpayClient;
  now: () => number;
  logger: Logger;
  config: PaymentsConfig;
  shopName: ShopNameSource;
  publicBaseUrl: string;
  onMessagesQueued: () => void;
  /** Lease on a claimed attempt; an unfinished one is looked at again after this (default 60 s). */
  leaseMs?: number;
  /** Test failpoint: called after the bank answered OrderCreate, before the answer is recorded. */
  afterBankCall?: (payment: Payment) => Promise<void> | void;
}

const RETRY_AFTER_MS = 10_000;
const MIN_LINK_MINUTES = 1;

function prdtName(shopName: string, items: Array<{ name: string; quantity: number }>): string {
  const first = items[0];
  const base = first
    ? `${first.name}${items.length > 1 ? ` 等 ${items.length} 項` : ` × ${first.quantity}`}`
    : shopName;
  // QPay: ≤ 60 characters, no ' " %.
  return base.replace(/['"%]/g, '').slice(0, 60);
}

export class OrderSubmitter {
  constructor(private readonly deps: OrderSubmitterDeps) {}

  async tick(): Promise<boolean> {
    const { db, now } = this.deps;
    // Each claimed attempt waits on the bank (often hundreds of ms): claim enough to keep a burst
    // of checkouts moving, and keep a bounded number of calls in flight.
    const claimed = await claimRequestedPayments(
      db,
      now(),
      this.deps.leaseMs ?? this.deps.config.pendingRecoveryMs,
      64,
    );
    await forEachConcurrently(claimed, 32, (p) => this.submit(p));
    return claimed.length > 0;
  }

  private async submit(payment: Payment): Promise<void> {
    const { db, logger } = this.deps;
    try {
      const order = (await getOrder(db, payment.order_id)) as Order;
      if (payment.bank_calls > 1) {
        const found = await this.lookUp(payment);
        if (found === 'unknown') return; // bank unreachable: try again later
        if (found !== 'absent') {
          await this.continueWith(payment, order, found);
          return;
        }
      }
      await this.create(payment, order);
    } catch (err) {
      logger.error({ err, bankOrderNo: payment.bank_order_no }, 'order submission failed; will retry');
      await deferPayment(db, payment.id, this.deps.now() + RETRY_AFTER_MS);
    }
  }

  /** OrderQuery by OrderNo: the bank's row, 'absent', or 'unknown' when it could not be asked. */
  private async lookUp(payment: Payment): Promise<OrderQueryRow | 'absent' | 'unknown'> {
    try {
      const result = await this.deps.qpay.orderQuery({ orderNo: payment.bank_order_no });
      return result.orders.find((r) => r.orderNo === payment.bank_order_no) ?? 'absent';
    } catch (err) {
      if (err instanceof QpayRefusedError) return 'absent';
      this.deps.logger.warn({ err, bankOrderNo: payment.bank_order_no }, 'OrderQuery during recovery failed');
      await deferPayment(this.deps.db, payment.id, this.deps.now() + RETRY_AFTER_MS);
      return 'unknown';
    }
  }

  /** The bank already has this bank order (we crashed or timed out after creating it). */
  private async continueWith(payment: Payment, order: Order, row: OrderQueryRow): Promise<void> {
    const { db, now, logger } = this.deps;
    const payUrl = typeof row.card?.CardPayURL === 'string' ? row.card.CardPayURL : null;
    const atmPayNo = typeof row.atm?.AtmPayNo === 'string' ? row.atm.AtmPayNo : null;
    const webAtmUrl = typeof row.atm?.WebAtmURL === 'string' ? row.atm.WebAtmURL : null;
    const usable = order.pay_type === 'C' ? payUrl !== null : atmPayNo !== null;
    logger.info({ bankOrderNo: payment.bank_order_no, usable }, 'recovered a bank order created before a crash');
    await db.transaction().execute(async (trx) => {
      if (usable) {
        await recordBankOrderCreated(
          trx,
          payment,
          { tsNo: row.tsNo, raw: row.raw, payUrl, atmPayNo, webAtmUrl },
          this.linkExpiry(order, payment),
          this.deps.config,
          shopNameOf(this.deps.shopName),
          now(),
        );
      } else if (await transitionPayment(trx, payment.id, 'requested', 'abandoned', now())) {
        // The bank has it but did not tell us its link again: make a new bank order. The lost
        // one can still be paid (confirmation accepts abandoned attempts); reconciliation watches it.
        await insertPaymentAttempt(trx, order, payment.attempt + 1, now());
      }
    });
    this.deps.onMessagesQueued();
  }

  private linkExpiry(order: Order, payment: Payment): number {
    const t = this.deps.now();
    if (order.pay_type === 'A') return order.expires_at ?? t;
    return Math.min(t + this.expMinutes(order, payment) * 60_000, Math.max(order.expires_at ?? t, t));
  }

  private expMinutes(order: Order, payment: Payment): number {
    if (payment.attempt === 1) return this.deps.config.cardPayMinutes;
    const left = Math.ceil(((order.expires_at ?? 0) - this.deps.now()) / 60_000);
    return Math.max(MIN_LINK_MINUTES, Math.min(30, left));
  }

  private async create(payment: Payment, order: Order): Promise<void> {
    const { db, qpay, now, config, logger } = this.deps;
    const items = await orderItems(db, order.id);
    const common = {
      orderNo: payment.bank_order_no,
      amount: payment.amount,
      prdtName: prdtName(shopNameOf(this.deps.shopName), items),
      param1: order.order_no,
      returnUrl: `${this.deps.publicBaseUrl}/payments/qpay/return`,
      backendUrl: `${this.deps.publicBaseUrl}/payments/qpay/notify`,
    };
    if (order.pay_type === 'C') await recordAutoCapture(db, payment.id, config.cardAutoCapture);
    let created: OrderCreated;
    try {
      created =
        order.pay_type === 'C'
          ? await qpay.orderCreate({
              ...common,
              payType: 'C',
              autoBilling: config.cardAutoCapture,
              expMinutes: this.expMinutes(order, payment),
            })
          : await qpay.orderCreate({
              ...common,
              payType: 'A',
              expireDate: toBankDate(order.expires_at ?? now()),
            });
    } catch (err) {
      if (err instanceof QpayRefusedError || err instanceof QpayValidationError) {
        const reason =
          err instanceof QpayRefusedError ? err.text || err.description : orderCopy.bankRefusedReasonUnknown;
        logger.warn({ bankOrderNo: payment.bank_order_no, reason }, 'bank refused OrderCreate');
        const failed = await db.transaction().execute((trx) => recordBankOrderRefused(trx, payment, reason, now()));
        if (failed) logOrderEvent(logger, 'failed', { orderNo: failed.order_no, amount: failed.total }, { reason });
        this.deps.onMessagesQueued();
        return;
      }
      // Unknown outcome (or certainly not sent): the lease keeps others off; recovery asks first.
      logger.warn(
        { err, bankOrderNo: payment.bank_order_no, mayHaveReachedBank: (err as QpayNetworkError).mayHaveReachedBank },
        'OrderCreate did not complete; will look it up',
      );
      await deferPayment(db, payment.id, now() + RETRY_AFTER_MS);
      return;
    }
    await this.deps.afterBankCall?.(payment);
    const expiresAt =
      created.payType === 'A'
        ? (bankDateEndMs(toBankDate(order.expires_at ?? now())) ?? order.expires_at ?? now())
        : this.linkExpiry(order, payment);
    await db.transaction().execute((trx) =>
      recordBankOrderCreated(
        trx,
        payment,
        {
          tsNo: created.tsNo,
          raw: created.raw,
          payUrl: created.payType === 'C' ? created.cardPayUrl : null,
          atmPayNo: created.payType === 'A' ? created.atmPayNo : null,
          webAtmUrl: created.payType === 'A' ? (created.webAtmUrl ?? null) : null,
        },
        expiresAt,
        config,
        shopNameOf(this.deps.shopName),
        now(),
      ),
    );
    this.deps.onMessagesQueued();
  }
}
