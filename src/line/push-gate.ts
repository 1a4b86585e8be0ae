/**
 * What the outbox asks before it pushes (pushes cost the merchant's LINE quota; replies are free).
 * The transport knows nothing of notices or budgets: the shop plugs a gate in (see
 * src/shop/push-budget.ts). A push the gate refuses, or that LINE refuses with "You have reached
 * your monthly limit.", is held: it stays in the outbox, visible, and rides on the customer's
 * next reply (see EventWorker); what LINE refused for its limit is also pushed again when a new
 * month begins (LineQuotaRefresher).
 */
import type { OutboxRow } from '../db/types';

export type PushRank =
  /** Pushed whatever the budget says (receipts, payment failures, store arrivals …). */
  | 'always'
  /** Held when the month's push budget is nearly spent (shipped, reminders …). */
  | 'when_budget_allows';

export interface PushGate {
  /** Whether a push of this outbox kind may go now; false: hold it. */
  mayPush(kind: string, now: number): Promise<boolean>;
  /**
   * Pushes were delivered and counted (or LINE's figures were read): a chance to warn the merchant
   * once a threshold is crossed.
   */
  afterPushes(now: number): Promise<void>;
  /** LINE answered 429 "You have reached your monthly limit.". */
  monthlyLimitReached(now: number): Promise<void>;
}

/** No budget: everything may be pushed (tests of the transport alone). */
export const OPEN_GATE: PushGate = {
  mayPush: async () => true,
  afterPushes: async () => {},
  monthlyLimitReached: async () => {},
};

/** LINE takes at most this many messages in one reply. */
export const MESSAGES_PER_REPLY = 5;

/**
 * Held notices (pushes held back for the LINE quota) that fit beside a reply of `own` messages:
 * whole notices, oldest first, stopping at the first that does not fit so they arrive in order.
 */
export function ridersThatFit(held: OutboxRow[], own: number): OutboxRow[] {
  let room = MESSAGES_PER_REPLY - own;
  const out: OutboxRow[] = [];
  for (const row of held) {
    const n = (JSON.parse(row.messages) as unknown[]).length;
    if (n > room) break;
    out.push(row);
    room -= n;
  }
  return out;
}
