/**
 * The background jobs around payment, each safe to run on every instance at once (leases, and
 * SKIP LOCKED on PostgreSQL):
 * - ExpirySweeper: awaiting_payment past its deadline → ask the bank first; unpaid → expired.
 * - Reconciler: orders awaiting payment are checked with OrderQuery every interval, so a purchase
 *   completes even when every notification is lost; recorded PayTokens not yet confirmed are retried.
 */
import type { Kysely } from 'kysely';
import type { PaymentsConfig } from '../config';
import type { DB } from '../db/types';
import { type Logger, logOrderEvent } from '../logger';
import { claimOrders, getOrder, updateOrder } from '../shop/order-repository';
import { expireOrder } from '../shop/order-service';
import { claimDueNotifications } from '../shop/payment-repository';
import type { PaymentService } from '../shop/payment-service';
import { forEachConcurrently } from './concurrently';

export interface PaymentJobDeps {
  db: Kysely<DB>;
  payments: PaymentService;
  now: () => number;
  logger: Logger;
  config: PaymentsConfig;
  onMessagesQueued: () => void;
}

const LEASE_MS = 60_000;
/** Bank calls in flight at once per job round. */
const BANK_CONCURRENCY = 16;
/** The bank's own deadline may be a little later than ours (its link starts after our checkout). */
export const EXPIRY_GRACE_MS = 60_000;

export class ExpirySweeper {
  constructor(private readonly deps: PaymentJobDeps) {}

  async tick(): Promise<boolean> {
    const { db, now, payments, logger } = this.deps;
    const due = await claimOrders(db, 'awaiting_payment', 'expires_at', now() - EXPIRY_GRACE_MS, now(), LEASE_MS, 50);
    let queued = false;
    await forEachConcurrently(due, BANK_CONCURRENCY, async (order) => {
      const bank = await payments.reconcileOrder(order);
      if (bank === 'paid') return;
      if (bank === 'unknown') {
        logger.warn({ orderNo: order.order_no }, 'expiry postponed: the bank could not be asked');
        return; // the lease runs out and the next round asks again
      }
      const expired = await db.transaction().execute(async (trx) => {
        const fresh = await getOrder(trx, order.id);
        return fresh ? expireOrder(trx, fresh, now()) : false;
      });
      if (expired) {
        queued = true;
        logOrderEvent(logger, 'expired', { orderNo: order.order_no, amount: order.total });
      }
    });
    if (queued) this.deps.onMessagesQueued();
    return due.length > 0;
  }
}

export class Reconciler {
  constructor(private readonly deps: PaymentJobDeps) {}

  async tick(): Promise<boolean> {
    const { db, now, payments, config } = this.deps;
    // PayTokens recorded but not yet confirmed (bank was unreachable, or a process died).
    // A burst of notifications (a sale day) is confirmed side by side, a bounded number at a time.
    const tokens = await claimDueNotifications(db, now(), LEASE_MS, 100);
    await forEachConcurrently(tokens, BANK_CONCURRENCY, async (n) => {
      await payments.confirmPayment(n.pay_token, n.source);
    });
    // Orders whose notification may have been lost.
    const due = await claimOrders(db, 'awaiting_payment', 'next_check_at', now(), now(), LEASE_MS, 50);
    await forEachConcurrently(due, BANK_CONCURRENCY, async (order) => {
      const result = await payments.reconcileOrder(order);
      if (result !== 'paid') {
        await updateOrder(
          db,
          order.id,
          { next_check_at: now() + config.reconcileIntervalMs, locked_until: null },
          now(),
        );
      }
    });
    return tokens.length + due.length > 0;
  }
}
