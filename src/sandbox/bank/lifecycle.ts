/**
 * What happens to an order after OrderCreate: card payments, ATM transfers, failures, expiry, and
 * the BackendURL notifications that follow each payment (retried on the configured schedule).
 * Everything time-based is decided against the injected clock in runDueJobs, so tests move time
 * instead of sleeping.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from '../../logger';
import { bankDateEndMs } from '../../qpay/time';
import { DESCRIPTION } from './codes';
import type { SimNotification, SimOrder, SimPayment, StateStore } from './state';
import type { CardOutcome } from './test-cards';

/** Sends one notification; resolves whether the shop acknowledged it with {"Status":"S"}. */
export type NotificationSender = (
  url: string,
  body: { ShopNo: string; PayToken: string },
) => Promise<{ ok: boolean; detail: string }>;

export interface LifecycleOptions {
  store: StateStore;
  now: () => number;
  /** Delays between notification attempts after the first (default 10 min × 5). */
  notificationRetryDelaysMs: readonly number[];
  send: NotificationSender;
  logger: Logger;
}

export interface DueJobsReport {
  paid: string[];
  expired: string[];
  notificationsAttempted: number;
}

export interface Lifecycle {
  findOrder(orderNo: string): SimOrder | undefined;
  payCard(order: SimOrder, cardDigits: string, outcome: CardOutcome): Promise<SimPayment>;
  payAtm(order: SimOrder): Promise<SimPayment>;
  fail(order: SimOrder, description?: string): Promise<SimPayment>;
  expire(order: SimOrder): void;
  /** True when the order is past its payment deadline (card link or ATM ExpireDate). */
  isOverdue(order: SimOrder): boolean;
  runDueJobs(): Promise<DueJobsReport>;
}

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { store, now, logger } = options;
  const inFlight = new Set<number>();

  function findOrder(orderNo: string) {
    return store.state.orders.find((o) => o.orderNo === orderNo);
  }

  function overdueAt(order: SimOrder): number {
    if (order.card) return order.card.linkExpiresAt;
    return (order.atm && bankDateEndMs(order.atm.expireDate)) ?? Number.POSITIVE_INFINITY;
  }

  function record(order: SimOrder, status: 'S' | 'F', description: string): SimPayment {
    const payment: SimPayment = {
      payToken: randomBytes(32).toString('hex'),
      orderNo: order.orderNo,
      status,
      description,
      at: now(),
    };
    order.payToken = payment.payToken;
    store.state.payments.push(payment);
    return payment;
  }

  async function attempt(n: SimNotification): Promise<void> {
    if (inFlight.has(n.id)) return;
    inFlight.add(n.id);
    try {
      const at = now();
      const order = findOrder(n.orderNo);
      const result = await options
        .send(n.url, { ShopNo: order?.shopNo ?? '', PayToken: n.payToken })
        .catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }));
      n.attempts.push({ at, ok: result.ok, detail: result.detail });
      const retriesUsed = n.attempts.length - 1;
      const delay = options.notificationRetryDelaysMs[retriesUsed];
      if (result.ok) {
        n.state = 'delivered';
        n.nextAttemptAt = undefined;
      } else if (delay === undefined) {
        n.state = 'gave_up';
        n.nextAttemptAt = undefined;
        logger.warn({ orderNo: n.orderNo, url: n.url, attempts: n.attempts.length }, 'notification given up');
      } else {
        n.nextAttemptAt = at + delay;
        logger.info({ orderNo: n.orderNo, detail: result.detail }, 'notification failed, will retry');
      }
      store.save();
    } finally {
      inFlight.delete(n.id);
    }
  }

  /** Queues the notification for a payment and makes its first attempt right away. */
  async function notify(order: SimOrder, payment: SimPayment): Promise<void> {
    if (!order.backendUrl) return;
    store.state.notificationSeq += 1;
    const n: SimNotification = {
      id: store.state.notificationSeq,
      orderNo: order.orderNo,
      payToken: payment.payToken,
      url: order.backendUrl,
      state: 'pending',
      attempts: [],
      nextAttemptAt: now(),
    };
    store.state.notifications.push(n);
    store.save();
    await attempt(n);
  }

  return {
    findOrder,
    isOverdue: (order) => now() > overdueAt(order),

    async payCard(order, cardDigits, outcome) {
      if (!order.card) throw new Error('not a card order');
      let payment: SimPayment;
      if (outcome === 'approved') {
        const at = now();
        order.state = order.card.autoBilling === 'Y' ? 'paid' : 'authorized';
        order.paidAt = at;
        order.card.authCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
        order.card.leftCcNo = cardDigits.slice(0, 6);
        order.card.rightCcNo = cardDigits.slice(-4);
        if (order.card.autoBilling === 'Y') {
          order.card.capturedAmount = order.amount;
          order.card.capturedAt = at;
        }
        payment = record(order, 'S', '');
      } else {
        order.state = 'failed';
        payment = record(order, 'F', outcome === 'declined' ? DESCRIPTION.cardDeclined : DESCRIPTION.insufficientFunds);
      }
      logger.info({ orderNo: order.orderNo, status: payment.status }, 'card payment');
      store.save();
      await notify(order, payment);
      return payment;
    },

    async payAtm(order) {
      order.state = 'paid';
      order.paidAt = now();
      const payment = record(order, 'S', '');
      logger.info({ orderNo: order.orderNo }, 'ATM transfer received');
      store.save();
      await notify(order, payment);
      return payment;
    },

    async fail(order, description = DESCRIPTION.cardDeclined) {
      order.state = 'failed';
      const payment = record(order, 'F', description);
      store.save();
      await notify(order, payment);
      return payment;
    },

    expire(order) {
      order.state = 'expired';
      if (order.card) order.card.linkExpiresAt = Math.min(order.card.linkExpiresAt, now());
      logger.info({ orderNo: order.orderNo }, 'order expired');
      store.save();
    },

    async runDueJobs() {
      const t = now();
      const report: DueJobsReport = { paid: [], expired: [], notificationsAttempted: 0 };
      for (const order of store.state.orders) {
        if (order.state !== 'pending') continue;
        const autoPayAt = order.atm?.autoPayAt;
        if (autoPayAt !== undefined && autoPayAt <= t && autoPayAt <= overdueAt(order)) {
          await this.payAtm(order);
          report.paid.push(order.orderNo);
        } else if (t > overdueAt(order)) {
          this.expire(order);
          report.expired.push(order.orderNo);
        }
      }
      for (const n of store.state.notifications) {
        if (n.state !== 'pending' || n.nextAttemptAt === undefined || n.nextAttemptAt > t) continue;
        report.notificationsAttempted += 1;
        await attempt(n);
      }
      return report;
    },
  };
}
