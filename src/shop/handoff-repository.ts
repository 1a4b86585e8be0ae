/** Hand-offs to a person and the merchant alert requests they raise. Only this file touches those tables. */
import type { Executor } from '../db/database';
import type { HandoffEndedBy, MerchantAlertKind } from '../db/types';

export async function openHandoffOf(db: Executor, userId: string) {
  return db
    .selectFrom('handoffs')
    .selectAll()
    .where('line_user_id', '=', userId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

/** Opens a hand-off unless one is open already (the partial unique index decides); the new row or undefined. */
export async function insertHandoff(db: Executor, userId: string, now: number) {
  return db
    .insertInto('handoffs')
    .values({ line_user_id: userId, started_at: now, last_merchant_at: now, ended_at: null, ended_by: null })
    .onConflict((oc) => oc.column('line_user_id').where('ended_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Ends the open hand-off of a customer at `endedAt`; whether one was open. */
export async function closeHandoff(
  db: Executor,
  userId: string,
  endedAt: number,
  by: HandoffEndedBy,
): Promise<boolean> {
  const r = await db
    .updateTable('handoffs')
    .set({ ended_at: endedAt, ended_by: by })
    .where('line_user_id', '=', userId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The merchant acted on the customer's hand-off: its idle time starts again. */
export async function touchHandoff(db: Executor, userId: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('handoffs')
    .set({ last_merchant_at: now })
    .where('line_user_id', '=', userId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Open hand-offs whose merchant activity is at or after `activeSince`, oldest first. */
export async function openHandoffs(db: Executor, activeSince: number) {
  return db
    .selectFrom('handoffs')
    .select(['id', 'line_user_id', 'started_at', 'last_merchant_at'])
    .where('ended_at', 'is', null)
    .where('last_merchant_at', '>', activeSince)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
}

export async function insertMerchantAlertRequest(
  db: Executor,
  r: { kind: MerchantAlertKind; userId: string; handoffId: number | null },
  now: number,
): Promise<void> {
  await db
    .insertInto('merchant_alert_requests')
    .values({ kind: r.kind, line_user_id: r.userId, handoff_id: r.handoffId, created_at: now, sent_at: null })
    .execute();
}

export async function unsentMerchantAlertRequests(db: Executor, limit: number) {
  return db
    .selectFrom('merchant_alert_requests')
    .selectAll()
    .where('sent_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Marks a request delivered; false when it already was (another sender got there first). */
export async function markMerchantAlertRequestSent(db: Executor, id: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('merchant_alert_requests')
    .set({ sent_at: now })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
