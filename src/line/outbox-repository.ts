/**
 * The outbox: messages to send, written in the transaction that decided to send them. Pushes held
 * back by the push budget, and the replies they ride on: held-outbox-repository.ts.
 */
import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Executor } from '../db/database';
import { claimWithLease } from '../db/lease';
import { prepare } from '../db/prepared';
import type { OutboxRow, OutboxTable } from '../db/types';

/**
 * X-Line-Retry-Key must be a UUID; derive it from what is being sent (e.g. "receipt:order 42")
 * so enqueuing the same thing twice, or retrying after a crash, reuses one key.
 */
export function retryKeyFor(logicalKey: string): string {
  const h = createHash('sha256').update(logicalKey).digest('hex');
  // Shaped as a version-5-style UUID (variant bits set) from the hash.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The kind of a conversational reply: the event worker's answer to a tap or a typed word. */
export const REPLY_KIND = 'reply';

/**
 * Delivery guarantee by kind. A conversational reply (REPLY_KIND) is sent at most once when an
 * attempt's outcome is unknown: a spent reply token then means it most likely arrived, and the
 * customer can tap again if not; pushing it "again" is how customers got the same answer twice.
 * Every other kind (receipts, pay links, payment and expiry notices, apologies) is at least once:
 * pushed with its retry key, which LINE deduplicates.
 */
const AT_MOST_ONCE_KINDS: ReadonlySet<string> = new Set([REPLY_KIND]);

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
 *
 * A conversational reply's messages are not kept once it is settled: the customer's chat has them,
 * nothing reads them again, and on SQLite rewriting a row with its ~4.5 KB of Flex JSON (overflow
 * page and all) to set its status cost more than the insert had (microbenchmark, issue 17: insert
 * + mark sent 127–182 µs per reply keeping them, 82–103 µs emptying them). Receipts, notices and
 * other kinds keep theirs until housekeeping removes the row.
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
    .set((eb) => ({
      status: 'sent',
      sent_at: now,
      sent_by: via,
      locked_until: null,
      attempts: eb('attempts', '+', 1),
      messages: eb.case().when('kind', '=', REPLY_KIND).then(SETTLED_REPLY_MESSAGES).else(eb.ref('messages')).end(),
    }))
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .returning(['id', 'kind'])
    .execute();
}

/** What a settled conversational reply keeps of its messages (valid JSON: none). */
export const SETTLED_REPLY_MESSAGES = '[]';

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
