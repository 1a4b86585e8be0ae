/**
 * Held messages: pushes held back by the month's push budget (src/line/push-gate.ts). A held row
 * stays pending but is not claimed; it rides on the customer's next reply (a free message) or is
 * released by the merchant or at the month's turn. Split from outbox-repository.ts, whose rows
 * these are, to keep each file to one concern.
 */
import type { Executor } from '../db/database';
import { prepare } from '../db/prepared';
import type { HeldReason, OutboxRow } from '../db/types';
import { MESSAGES_PER_REPLY } from './push-gate';

/** Held rows are not due before this (year 9999): the claim's index range skips them. */
const HELD_NOT_DUE = 253_402_300_799_999;

/**
 * Holds a push back (the budget is nearly spent, or LINE's monthly limit is reached): the row
 * stays pending but is not claimed again; it waits for the customer's next reply.
 */
export async function holdMessage(
  db: Executor,
  id: number,
  reason: HeldReason,
  error: string | undefined,
  now: number,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      held_at: now,
      held_reason: reason,
      next_attempt_at: HELD_NOT_DUE,
      locked_until: null,
      reply_token: null,
      ...(error === undefined ? {} : { attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1000) }),
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

const selectHeld = prepare((db, p: { lineUserId: string }) =>
  db
    .selectFrom('outbox')
    .selectAll()
    .where('line_user_id', '=', p.lineUserId)
    .where('held_at', 'is not', null)
    .where('carried_by', 'is', null)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(MESSAGES_PER_REPLY),
);
/** A user's held messages not already riding on a reply, oldest first (one reply's worth at most). */
export async function heldMessagesOf(db: Executor, lineUserId: string): Promise<OutboxRow[]> {
  return (await selectHeld(db, { lineUserId })).rows as OutboxRow[];
}

/** The held rows riding on these replies, oldest first (they are sent before the reply's own messages). */
export async function ridersOf(db: Executor, carrierIds: number[]): Promise<OutboxRow[]> {
  if (carrierIds.length === 0) return [];
  // Only riders in flight have `carried_by` (cleared when they settle), so no status condition:
  // one would steer SQLite to `outbox_due` instead of the small partial index `outbox_riders`.
  return db.selectFrom('outbox').selectAll().where('carried_by', 'in', carrierIds).orderBy('id').execute();
}

/** These held rows ride on reply row `carrierId` (written in the reply's transaction). */
export async function carryHeld(db: Executor, ids: number[], carrierId: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('outbox').set({ carried_by: carrierId }).where('id', 'in', ids).execute();
  await db.updateTable('outbox').set({ has_riders: 1 }).where('id', '=', carrierId).execute();
}

/**
 * The replies `carrierIds` were settled: their riders arrived with them (`delivered`, sent by
 * `via`) or, when the reply was given up or its outcome is unknown, are held again for the next
 * reply (a notice is delivered at least once).
 */
export async function settleRiders(
  db: Executor,
  carrierIds: number[],
  outcome: { delivered: true; via: 'reply' | 'push' } | { delivered: false },
  now: number,
): Promise<void> {
  if (carrierIds.length === 0) return;
  await db
    .updateTable('outbox')
    .set(
      outcome.delivered
        ? { status: 'sent', sent_at: now, sent_by: outcome.via, carried_by: null }
        : { carried_by: null },
    )
    .where('carried_by', 'in', carrierIds)
    .execute();
}

/** LINE refused a reply with these riders in it: they are given up (dead) with LINE's answer. Returns their ids. */
export async function failRiders(db: Executor, carrierId: number, error: string): Promise<number[]> {
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'dead',
      carried_by: null,
      last_error: `refused inside a reply: ${error}`.slice(0, 1000),
      attempts: eb('attempts', '+', 1),
    }))
    .where('carried_by', '=', carrierId)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Lets held rows go out again as pushes (the budget decides afresh): those held before `before`
 * for `reason`, or every held row when neither is given. Rows riding on a reply are left alone.
 * Returns how many.
 */
export async function releaseHeld(
  db: Executor,
  now: number,
  only: { before: number; reason: HeldReason } | undefined,
): Promise<number> {
  let q = db
    .updateTable('outbox')
    .set({ held_at: null, held_reason: null, next_attempt_at: now })
    .where('held_at', 'is not', null)
    .where('carried_by', 'is', null)
    .where('status', '=', 'pending');
  if (only) q = q.where('held_at', '<', only.before).where('held_reason', '=', only.reason);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Every held message, oldest first, for the merchant (CLI, console). */
export async function heldMessages(db: Executor, limit: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'line_user_id', 'kind', 'held_at', 'held_reason', 'carried_by', 'created_at'])
    .where('held_at', 'is not', null)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** How many messages are held now. */
export async function countHeld(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('held_at', 'is not', null)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
