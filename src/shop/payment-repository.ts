/** Bank notifications: every PayToken we were told about, recorded before we answer. */
import { type Executor, isPostgres } from '../db/database';
import type { BankNotification, NotificationStatus } from '../db/types';

/** Records a token once (a repeat changes nothing). Returns true when it was new. */
export async function recordToken(
  db: Executor,
  payToken: string,
  source: BankNotification['source'],
  now: number,
): Promise<boolean> {
  const r = await db
    .insertInto('bank_notifications')
    .values({
      pay_token: payToken,
      source,
      status: 'received',
      order_no: null,
      detail: null,
      next_attempt_at: now,
      locked_until: null,
      received_at: now,
      processed_at: null,
    })
    .onConflict((oc) => oc.column('pay_token').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function getNotification(db: Executor, payToken: string): Promise<BankNotification | undefined> {
  return db.selectFrom('bank_notifications').selectAll().where('pay_token', '=', payToken).executeTakeFirst();
}

/** Final outcome of a token; only a still-`received` row changes. */
export async function finishNotification(
  db: Executor,
  payToken: string,
  status: Exclude<NotificationStatus, 'received'>,
  orderNo: string | null,
  detail: string | null,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('bank_notifications')
    .set({ status, order_no: orderNo, detail: detail?.slice(0, 500) ?? null, processed_at: now, locked_until: null })
    .where('pay_token', '=', payToken)
    .where('status', '=', 'received')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A transient failure (bank unreachable): try again at `retryAt`. Returns the attempts so far. */
export async function deferNotification(db: Executor, payToken: string, detail: string, retryAt: number) {
  const row = await db
    .updateTable('bank_notifications')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      detail: detail.slice(0, 500),
      next_attempt_at: retryAt,
      locked_until: null,
    }))
    .where('pay_token', '=', payToken)
    .where('status', '=', 'received')
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? 0;
}

/** Leases due, unprocessed tokens (SKIP LOCKED on PostgreSQL). */
export async function claimDueNotifications(
  db: Executor,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<BankNotification[]> {
  let due = db
    .selectFrom('bank_notifications')
    .select('pay_token')
    .where('status', '=', 'received')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('received_at')
    .limit(limit);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  return db
    .updateTable('bank_notifications')
    .set({ locked_until: now + leaseMs })
    .where('pay_token', 'in', due)
    .where('status', '=', 'received')
    .returningAll()
    .execute();
}
