/**
 * Reads LINE's own quota figures (GET /v2/bot/message/quota and …/quota/consumption) every
 * REFRESH_MS and stores the latest, under a lease so one instance asks at a time. Also, once a new
 * Taiwan month has begun, lets the messages LINE refused for last month's limit go out again (the
 * new month's budget decides afresh). Those held by the shop's own budget are not pushed later:
 * they wait for the customer's next reply, where they cost nothing (a stale "shipped" pushed
 * weeks later would only spend the new month's quota).
 */
import type { Executor } from '../db/database';
import { releaseHeld } from '../line/held-outbox-repository';
import type { LineApi } from '../line/line-api';
import { claimQuotaRefresh, recordQuotaRefresh } from '../line/push-quota-repository';
import { taiwanMonth, taiwanMonthStart } from '../line/taiwan-month';
import type { Logger } from '../logger';

/** How often LINE's figures are read (and how soon after a failed read it is tried again). */
export const QUOTA_REFRESH_MS = 10 * 60_000;
const LEASE_MS = 60_000;

export interface LineQuotaRefresherDeps {
  db: Executor;
  line: Pick<LineApi, 'getQuota' | 'getQuotaConsumption'>;
  now: () => number;
  logger: Logger;
  /** Held messages were let out: the outbox has work. */
  onMessagesQueued: () => void;
  /** LINE's figures were stored (the budget may now be nearly spent by LINE's count: warn). */
  onFiguresStored?: (now: number) => Promise<void>;
}

export class LineQuotaRefresher {
  constructor(private readonly deps: LineQuotaRefresherDeps) {}

  /** One round; always false (the poller waits its interval: a refresh is never urgent). */
  async tick(): Promise<boolean> {
    const { db, now, logger } = this.deps;
    const released = await releaseHeld(db, now(), {
      before: taiwanMonthStart(taiwanMonth(now())),
      reason: 'monthly_limit',
    });
    if (released > 0) {
      logger.info({ released }, "a new month: messages LINE refused for last month's limit go out again");
      this.deps.onMessagesQueued();
    }
    if (!(await claimQuotaRefresh(db, now(), LEASE_MS))) return false;
    await this.refresh();
    return false;
  }

  /** Asks LINE (no transaction open meanwhile) and stores the answer or the failure. */
  private async refresh(): Promise<void> {
    const { db, line, now, logger } = this.deps;
    try {
      const [quota, consumption] = await Promise.all([line.getQuota(), line.getQuotaConsumption()]);
      const t = now();
      await recordQuotaRefresh(
        db,
        {
          ok: true,
          type: quota.type,
          value: quota.type === 'limited' ? (quota.value ?? null) : null,
          totalUsage: consumption.totalUsage,
          month: taiwanMonth(t),
        },
        t,
        t + QUOTA_REFRESH_MS,
      );
      await this.deps.onFiguresStored?.(t);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      logger.warn({ error }, "could not read LINE's message quota; will try again");
      await recordQuotaRefresh(db, { ok: false, error }, now(), now() + QUOTA_REFRESH_MS);
    }
  }
}
