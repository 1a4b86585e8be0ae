/**
 * The background jobs around payment, each safe to run on every instance at once (leases, and
 * SKIP LOCKED on PostgreSQL):
 * - ExpirySweeper: awaiting_payment past its deadline → ask the bank first; unpaid → expired.
 * - Reconciler: orders awaiting payment are checked with OrderQuery every interval, so a purchase
 *   completes even when every notification is lost; recorded PayTokens are confirmed, taking
 *   turns across senders, and tokens from a sender over its refusal budget are dropped unasked.
 */
import type { Kysely } from 'kysely';
import type { PaymentsConfig } from '../config';
import type { DB } from '../db/types';
import { type Logger, logOrderEvent } from '../logger';
import { claimDueNotifications, dropUnverified, dropUnverifiedFrom } from '../shop/bank-notification-repository';
import type { NotificationSources } from '../shop/notification-sources';
import { claimOrders, getOrder, updateOrder } from '../shop/order-repository';
import { expireOrder } from '../shop/order-service';
import type { PaymentService } from '../shop/payment-service';
import { forEachConcurrently } from './concurrently';

export interface PaymentJobDeps {
  db: Kysely<DB>;
  payments: PaymentService;
  now: () => number;
  logger: Logger;
  config: PaymentsConfig;
  onMessagesQueued: () => void;
  /** Per-source refusal budget (without it every recorded token is asked about). */
  sources?: NotificationSources;
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
    // PayTokens recorded but not yet confirmed: new ones, and ones the bank could not be asked about.
    // A burst of notifications (a sale day) is confirmed side by side, a bounded number at a time,
    // each sender's oldest first (claimDueNotifications), so one sender's flood delays no other.
    const refusals = (await this.deps.sources?.refusalsBySource()) ?? new Map<string, number>();
    await this.dropFromRefusedSources(refusals);
    const tokens = await claimDueNotifications(db, now(), LEASE_MS, 100);
    let unasked = 0;
    await forEachConcurrently(tokens, BANK_CONCURRENCY, async (n) => {
      const ip = n.source_ip;
      // The sender went over its budget during this round: stop asking the bank on its behalf.
      if (ip && this.deps.sources?.overBudget(refusals.get(ip) ?? 0)) {
        await dropUnverified(db, n.pay_token);
        unasked++;
        return;
      }
      const outcome = await payments.confirmPayment(n.pay_token, n.source);
      if (ip && outcome.kind === 'rejected' && !this.deps.sources?.trusted(ip)) {
        refusals.set(ip, (refusals.get(ip) ?? 0) + 1);
        // This instance's own routes must see the refusal now, not after their one-second cache.
        this.deps.sources?.invalidate(ip);
      }
    });
    if (unasked > 0)
      this.deps.logger.warn({ unasked }, 'dropped unverified tokens of senders over their refusal budget');
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

  /**
   * Tokens still waiting from senders that spent their refusal budget are deleted without asking
   * the bank: they cost a bank query each and are almost surely forged. A genuine one among them
   * is not lost: its order is found by OrderNo below, and the bank repeats its notification.
   */
  private async dropFromRefusedSources(refusals: Map<string, number>): Promise<void> {
    const { sources, db, now, logger } = this.deps;
    if (!sources) return;
    const over = [...refusals].filter(([, n]) => sources.overBudget(n)).map(([ip]) => ip);
    const dropped = await dropUnverifiedFrom(db, over, now());
    if (dropped > 0) logger.warn({ dropped, sources: over.length }, 'dropped unverified tokens of throttled senders');
  }
}
