/** The outbox: messages to send, written in the transaction that decided to send them. */
import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Executor } from '../db/database';
import { claimWithLease } from '../db/lease';
import { prepare } from '../db/prepared';
import type { HeldReason, OutboxRow, OutboxTable } from '../db/types';
import { MESSAGES_PER_REPLY } from './push-gate';

/**
 * X-Line-Retry-Key must be a UUID; derive it from what is being sent (e.g. "receipt:order 42")
 * so enqueuing the same thing twice, or retrying after a crash, reuses one key.
 */
export function retryKeyFor(logicalKey: string): string {
  const h = createHash('sha256').update(logicalKey).digest('hex');
  // Shaped as a version-5-style UUID (variant bits set) from the hash.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Delivery guarantee by kind. A conversational reply (the event worker's answer to a tap or a
 * typed word, kind `reply`) is sent at most once when an attempt's outcome is unknown: a spent
 * reply token then means it most likely arrived, and the customer can tap again if not; pushing
 * it "again" is how customers got the same answer twice. Every other kind (receipts, pay links,
 * payment and expiry notices, apologies) is at least once: pushed with its retry key, which LINE
 * deduplicates.
 */
const AT_MOST_ONCE_KINDS: ReadonlySet<string> = new Set(['reply']);

export function isAtMostOnce(kind: string): boolean {
  return AT_MOST_ONCE_KINDS.has(kind);
}

/**
 * Outbox rows of this kind are not messages: they ask LINE to mark a customer's message as read
 * (POST /v2/bot/chat/markAsRead), and `messages` holds that request's JSON body. They go through
 * the outbox so they are written with the decision (the event's transaction), travel after the
 * reply in the chat's order, and are retried like pushes on 5xx, 429 and network errors (marking
 * read twice is harmless); a 400 (token not valid) gives up at once.
 */
export const MARK_AS_READ_KIND = 'mark_read';

export interface NewMarkAsRead {
  lineUserId: string;
  markAsReadToken: string;
  /** The webhook event the token came with: one request per event. */
  eventId: string;
  claimFor?: number | undefined;
}

export async function enqueueMarkAsRead(db: Executor, m: NewMarkAsRead, now: number): Promise<OutboxRow | undefined> {
  return insertMessage(db, {
    line_user_id: m.lineUserId,
    messages: JSON.stringify({ markAsReadToken: m.markAsReadToken }),
    reply_token: null,
    reply_until: null,
    retry_key: retryKeyFor(`read:${m.eventId}`),
    kind: MARK_AS_READ_KIND,
    status: 'pending',
    next_attempt_at: now,
    locked_until: m.claimFor ?? null,
    created_at: now,
  });
}

export interface NewOutboxMessage {
  lineUserId: string;
  /** LINE message objects, 1–5. */
  messages: unknown[];
  /** What this is, for logs and counting pushes: reply, receipt, pay_link, expiry … */
  kind: string;
  /** Identifies the message for deduplication; see retryKeyFor. */
  logicalKey: string;
  replyToken?: string | undefined;
  replyUntil?: number | undefined;
  /** Set when the caller will deliver it at once itself (the row is leased to it). */
  claimFor?: number | undefined;
}

/** Every column but `messages`, which the inserter already holds (see insertMessage). */
const ROW_WITHOUT_MESSAGES = [
  'id',
  'line_user_id',
  'reply_token',
  'reply_until',
  'retry_key',
  'kind',
  'status',
  'attempts',
  'next_attempt_at',
  'locked_until',
  'last_error',
  'created_at',
  'sent_at',
  'sent_by',
  'in_doubt',
  'held_at',
  'held_reason',
  'carried_by',
  'has_riders',
] as const satisfies ReadonlyArray<Exclude<keyof OutboxRow, 'messages'>>;

// Every handled event enqueues its reply (see src/db/prepared.ts).
const insertRow = prepare((db, row: Insertable<OutboxTable>) =>
  db
    .insertInto('outbox')
    .values(row)
    .onConflict((oc) => oc.column('retry_key').doNothing())
    .returning(ROW_WITHOUT_MESSAGES),
);

/**
 * Inserts a row (none when its retry key is taken) and returns it as stored. The messages are not
 * read back: a cart reply is ~4.5 KB of JSON, and returning it cost a quarter of the insert
 * (25 of ~100 µs per reply on SQLite, measured in issue 17's overload work).
 */
async function insertMessage(db: Executor, row: Insertable<OutboxTable>): Promise<OutboxRow | undefined> {
  const { rows } = await insertRow(db, row);
  return rows[0] && { ...rows[0], messages: row.messages };
}

/** Enqueues a message; the same logicalKey twice enqueues it once. Returns the row if new. */
export async function enqueueMessage(db: Executor, m: NewOutboxMessage, now: number): Promise<OutboxRow | undefined> {
  return insertMessage(db, {
    line_user_id: m.lineUserId,
    messages: JSON.stringify(m.messages),
    reply_token: m.replyToken ?? null,
    reply_until: m.replyToken ? (m.replyUntil ?? null) : null,
    retry_key: retryKeyFor(m.logicalKey),
    kind: m.kind,
    status: 'pending',
    next_attempt_at: now,
    locked_until: m.claimFor ?? null,
    created_at: now,
  });
}

/** Leases up to `limit` due rows to the caller (SKIP LOCKED on PostgreSQL so instances share). */
export async function claimDueMessages(
  db: Executor,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<OutboxRow[]> {
  return claimWithLease(db, {
    table: 'outbox',
    key: 'id',
    status: 'pending',
    due: (eb) => eb('next_attempt_at', '<=', now),
    orderBy: 'id',
    limit,
    now,
    leaseMs,
    alsoSet: (eb) => ({
      // A lease that ran out means its holder died while sending (or about to): if the row had a
      // reply token, that reply may have reached LINE. SET reads the row's old values.
      in_doubt: eb
        .case()
        .when(eb.and([eb('locked_until', 'is not', null), eb('reply_token', 'is not', null)]))
        .then(1)
        .else(eb.ref('in_doubt'))
        .end(),
    }),
  });
}

/**
 * Records deliveries, many rows in one statement (a burst of replies costs one write).
 * `unconfirmed`: a conversational reply whose earlier attempt may have arrived; not sent again.
 * Returns the rows this call settled (a row another instance settled first is not among them),
 * so pushes are counted once.
 */
export async function markSent(
  db: Executor,
  ids: number[],
  via: 'reply' | 'push' | 'unconfirmed' | 'mark_read',
  now: number,
): Promise<Array<{ id: number; kind: string }>> {
  if (ids.length === 0) return [];
  return db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sent', sent_at: now, sent_by: via, locked_until: null, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .returning(['id', 'kind'])
    .execute();
}

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

/**
 * A failed attempt: try again at `retryAt`, or give up (dead) when `retryAt` is undefined.
 * `replyInDoubt`: the attempt was a reply that may have reached LINE (see isAtMostOnce).
 */
export async function markAttemptFailed(
  db: Executor,
  id: number,
  error: string,
  retryAt: number | undefined,
  dropReplyToken: boolean,
  replyInDoubt = false,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error.slice(0, 1000),
      status: retryAt === undefined ? 'dead' : 'pending',
      next_attempt_at: retryAt ?? eb.ref('next_attempt_at'),
      locked_until: null,
      ...(dropReplyToken ? { reply_token: null } : {}),
      ...(replyInDoubt ? { in_doubt: 1 } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

export async function countOutbox(
  db: Executor,
): Promise<{ pending: number; sent: number; dead: number; pushes: number }> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', 'sent_by'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy(['status', 'sent_by'])
    .execute();
  const out = { pending: 0, sent: 0, dead: 0, pushes: 0 };
  for (const r of rows) {
    out[r.status] += Number(r.n);
    if (r.sent_by === 'push') out.pushes += Number(r.n);
  }
  return out;
}

/**
 * Messages waiting to go out, held for the customer's next reply (LINE push quota), and given up
 * on (metrics): reads only those rows, by index.
 */
export async function outboxBacklog(db: Executor): Promise<{ pending: number; held: number; dead: number }> {
  const rows = await db
    .selectFrom('outbox')
    .select('status')
    .select((eb) => eb.case().when('held_at', 'is not', null).then(1).else(0).end().as('held'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['pending', 'dead'])
    .groupBy(['status', 'held'])
    .execute();
  const out = { pending: 0, held: 0, dead: 0 };
  for (const r of rows) {
    if (r.status === 'dead') out.dead += Number(r.n);
    else if (r.status === 'pending') out[Number(r.held) === 1 ? 'held' : 'pending'] += Number(r.n);
  }
  return out;
}

/** Messages delivered by push (they count against LINE's monthly quota; replies are free) since `since`. */
export async function countPushesSince(db: Executor, since: number): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'sent')
    .where('sent_by', '=', 'push')
    .where('sent_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Messages given up (dead letters), newest first, for the merchant. */
export async function deadMessages(db: Executor, limit: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'kind', 'attempts', 'last_error', 'created_at'])
    .where('status', '=', 'dead')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Delivered messages sent before `olderThan`, at most `limit`. Returns how many. */
export async function deleteSentMessages(db: Executor, olderThan: number, limit: number): Promise<number> {
  const old = db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'sent')
    .where('sent_at', '<', olderThan)
    .limit(limit);
  const r = await db.deleteFrom('outbox').where('id', 'in', old).executeTakeFirst();
  return Number(r.numDeletedRows);
}
