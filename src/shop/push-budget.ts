/**
 * The month's LINE push budget: how many pushes the shop has sent this Taiwan calendar month
 * (its own count, and LINE's when LINE's figure is higher), against LINE_PUSH_BUDGET (default:
 * LINE's monthly quota when it has one, else unlimited).
 *
 * "Nearly spent": the month's pushes have reached the budget minus a reserve of one tenth of it
 * (rounded up) — with the free plan's 200, from the 180th push on. From then on only notices
 * ranked `always` (NOTICE_DELIVERY in notices.ts; receipts, payment failures, store arrivals …)
 * are pushed; the others are held and ride on the customer's next reply. The reserve is what the
 * always-ranked ones live on. Once LINE itself answers "You have reached your monthly limit."
 * every push is held until LINE's figures show room again (or the month ends).
 *
 * The merchant is warned once per month and level: a WARN log line and a stored warning that
 * `npm run orders -- quota` (and the console) shows.
 */
import type { Executor } from '../db/database';
import type { PushBudgetWarning, PushWarningLevel } from '../db/types';
import { countHeld, heldMessages } from '../line/held-outbox-repository';
import type { PushGate, PushRank } from '../line/push-gate';
import {
  lineQuota,
  pushCountsOf,
  pushWarningsOf,
  recordPushWarning,
  requestQuotaRefresh,
} from '../line/push-quota-repository';
import { taiwanMonth } from '../line/taiwan-month';
import type { Logger } from '../logger';
import { shortUserId } from '../messages/copy';
import { NOTICE_DELIVERY, type NoticeDelivery } from './notices';

/**
 * Outbox kinds that are not customer notices. `reply` (the answer to what the customer just did,
 * pushed only when its reply token went stale) and `apology` go always; so do merchant alerts
 * (`alert`): they are how the merchant learns of trouble, this budget included.
 */
const OTHER_KINDS: Readonly<Record<string, PushRank>> = { reply: 'always', apology: 'always', alert: 'always' };

/** The rank of an outbox kind. An undeclared kind goes always: nothing is held by surprise. */
export function pushRankOf(kind: string): PushRank {
  const notice = (NOTICE_DELIVERY as Record<string, NoticeDelivery | undefined>)[kind];
  return notice?.rank ?? OTHER_KINDS[kind] ?? 'always';
}

/** The push count from which lower-ranked notices are held: the budget less a tenth (rounded up). */
export function holdFrom(budget: number): number {
  return budget - Math.ceil(budget / 10);
}

export interface PushBudgetStatus {
  /** The Taiwan month, e.g. `2026-11`. */
  month: string;
  /** The shop's own count of delivered pushes this month, by outbox kind (most first). */
  byKind: Array<{ kind: string; pushes: number }>;
  counted: number;
  /** LINE's figures as last read (undefined: never read). */
  line:
    | {
        type: 'none' | 'limited' | null;
        value: number | null;
        /** LINE's totalUsage, when it was read this month. */
        usage: number | null;
        fetchedAt: number | null;
        lastError: string | null;
      }
    | undefined;
  /** Null: unlimited. */
  budget: number | null;
  budgetSource: 'LINE_PUSH_BUDGET' | 'LINE quota' | 'unlimited';
  /** The larger of the shop's count and LINE's this month. */
  used: number;
  /** Pushes left in the budget (never below 0); null when unlimited. */
  left: number | null;
  /** From this many pushes on, lower-ranked notices are held; null when unlimited. */
  holdFrom: number | null;
  nearlySpent: boolean;
  /** LINE refused a push with "You have reached your monthly limit." and has not shown room since. */
  monthlyLimitReached: boolean;
  /** Messages held now (waiting for the customer's next reply). */
  held: number;
  /** Warnings given this month. */
  warnings: PushBudgetWarning[];
}

/** Where the month's push budget stands: for the gate, `npm run orders -- quota` and the console. */
export async function pushBudgetStatus(
  db: Executor,
  configuredBudget: number | undefined,
  now: number,
): Promise<PushBudgetStatus> {
  const month = taiwanMonth(now);
  const [byKind, quota, warnings, held] = await Promise.all([
    pushCountsOf(db, month),
    lineQuota(db),
    pushWarningsOf(db, month),
    countHeld(db),
  ]);
  const counted = byKind.reduce((n, k) => n + k.pushes, 0);
  const line =
    quota && quota.fetched_at !== null
      ? {
          type: quota.quota_type,
          value: quota.quota_value,
          usage: quota.month === month ? quota.total_usage : null,
          fetchedAt: quota.fetched_at,
          lastError: quota.last_error,
        }
      : quota?.last_error
        ? { type: null, value: null, usage: null, fetchedAt: null, lastError: quota.last_error }
        : undefined;
  const lineLimit = line?.type === 'limited' ? line.value : null;
  const budget = configuredBudget ?? lineLimit;
  const used = Math.max(counted, line?.usage ?? 0);
  const limitWarning = warnings.find((w) => w.level === 'monthly_limit');
  const lineShowsRoom =
    line?.fetchedAt != null &&
    limitWarning !== undefined &&
    line.fetchedAt > limitWarning.at &&
    (line.type === 'none' || (lineLimit !== null && line.usage !== null && line.usage < lineLimit));
  return {
    month,
    byKind,
    counted,
    line,
    budget,
    budgetSource: configuredBudget !== undefined ? 'LINE_PUSH_BUDGET' : lineLimit !== null ? 'LINE quota' : 'unlimited',
    used,
    left: budget === null ? null : Math.max(0, budget - used),
    holdFrom: budget === null ? null : holdFrom(budget),
    nearlySpent: budget !== null && used >= holdFrom(budget),
    monthlyLimitReached: limitWarning !== undefined && !lineShowsRoom,
    held,
    warnings,
  };
}

/** A held message as the merchant sees it (no message content: it may carry names and addresses). */
export interface HeldNotice {
  outboxId: number;
  kind: string;
  /** The customer's LINE user ID, shortened (`U1234…cdef`). */
  customer: string;
  heldAt: number;
  reason: 'budget' | 'monthly_limit';
  /** On its way inside a reply right now. */
  riding: boolean;
}

/** The messages held now, oldest first (for `npm run orders -- quota` and the console). */
export async function heldNotices(db: Executor, limit = 100): Promise<HeldNotice[]> {
  const rows = await heldMessages(db, limit);
  return rows.map((r) => ({
    outboxId: r.id,
    kind: r.kind,
    customer: shortUserId(r.line_user_id),
    heldAt: Number(r.held_at),
    reason: r.held_reason ?? 'budget',
    riding: r.carried_by !== null,
  }));
}

export interface PushBudgetDeps {
  db: Executor;
  /** LINE_PUSH_BUDGET (undefined: LINE's quota, else unlimited). */
  configuredBudget: number | undefined;
  logger: Logger;
  /**
   * Called once per month and level, right after the warning is stored (for a merchant alert in
   * LINE, say). A failure here is logged, never blocks a push.
   */
  onWarning?: (level: PushWarningLevel, status: PushBudgetStatus) => Promise<void> | void;
}

/** The gate the outbox asks before each push (see src/line/push-gate.ts). */
export function createPushBudget(deps: PushBudgetDeps): PushGate {
  const { db, configuredBudget, logger, onWarning } = deps;

  /** Warns once per month and level: a WARN line and the stored warning the console shows. */
  async function warnOnce(level: PushWarningLevel, s: PushBudgetStatus, now: number): Promise<void> {
    if (!(await recordPushWarning(db, { month: s.month, level, used: s.used, budget: s.budget }, now))) return;
    const facts = { month: s.month, used: s.used, budget: s.budget, budgetSource: s.budgetSource, held: s.held };
    if (level === 'nearly_spent') {
      logger.warn(
        facts,
        'LINE push budget nearly spent: lower-ranked notices are held until the customer writes (npm run orders -- quota)',
      );
    } else {
      logger.warn(
        facts,
        'LINE answered "You have reached your monthly limit.": pushes are held until the customer writes (npm run orders -- quota)',
      );
    }
    try {
      await onWarning?.(level, s);
    } catch (err) {
      logger.error({ err, level }, 'push budget warning hook failed');
    }
  }

  return {
    async mayPush(kind, now) {
      if (pushRankOf(kind) === 'always') return true;
      const s = await pushBudgetStatus(db, configuredBudget, now);
      if (s.monthlyLimitReached) return false;
      if (!s.nearlySpent) return true;
      await warnOnce('nearly_spent', s, now);
      return false;
    },
    async afterPushes(now) {
      const s = await pushBudgetStatus(db, configuredBudget, now);
      if (s.nearlySpent) await warnOnce('nearly_spent', s, now);
    },
    async monthlyLimitReached(now) {
      // LINE's figures are read again soon, to learn when there is room (a bigger plan, a new month).
      await requestQuotaRefresh(db, now);
      await warnOnce('monthly_limit', await pushBudgetStatus(db, configuredBudget, now), now);
    },
  };
}
