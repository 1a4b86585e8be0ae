/**
 * The inbox of webhook events (table line_events) and the per-chat leases that keep one
 * user's events in order across workers and instances.
 */
import type { Executor } from '../db/database';
import { prepare } from '../db/prepared';
import type { LineEventRow, LineEventStatus } from '../db/types';

export interface NewInboxEvent {
  webhookEventId: string;
  chatId: string;
  eventType: string;
  timestamp: number;
  payload: string;
  /** `ignored` for events we record but never act on (standby, groups, unknown types). */
  status: LineEventStatus;
  /** Why an ignored event is not acted on, for the merchant. */
  ignoredReason?: string | undefined;
}

/** Stores events; a webhookEventId already stored is skipped. Returns how many were new. */
export async function storeEvents(db: Executor, events: NewInboxEvent[], now: number): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db
    .insertInto('line_events')
    .values(
      events.map((e) => ({
        webhook_event_id: e.webhookEventId,
        chat_id: e.chatId,
        event_type: e.eventType,
        event_timestamp: e.timestamp,
        payload: e.payload,
        status: e.status,
        received_at: now,
        processed_at: e.status === 'ignored' ? now : null,
        ignored_reason: e.ignoredReason ?? null,
      })),
    )
    .onConflict((oc) => oc.column('webhook_event_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Chats that have events waiting, oldest first. */
export async function chatsWithPendingEvents(db: Executor, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('line_events')
    .select('chat_id')
    .select((eb) => eb.fn.min('event_timestamp').as('first'))
    .where('status', '=', 'pending')
    .groupBy('chat_id')
    .orderBy('first')
    .limit(limit)
    .execute();
  return rows.map((r) => r.chat_id);
}

/**
 * Takes (or extends) the leases on chats unless another owner holds a live one, in one upsert:
 * two instances racing for a chat cannot both win. Returns the chats now leased to `owner`.
 */
export async function leaseChats(
  db: Executor,
  chatIds: string[],
  owner: string,
  now: number,
  leaseMs: number,
): Promise<string[]> {
  if (chatIds.length === 0) return [];
  const rows = await db
    .insertInto('chat_leases')
    .values(chatIds.map((chat_id) => ({ chat_id, owner, locked_until: now + leaseMs })))
    .onConflict((oc) =>
      oc
        .column('chat_id')
        .doUpdateSet({ owner, locked_until: now + leaseMs })
        .where((eb) => eb.or([eb('chat_leases.locked_until', '<', now), eb('chat_leases.owner', '=', owner)])),
    )
    .returning('chat_id')
    .execute();
  return rows.map((r) => r.chat_id);
}

export async function releaseChats(db: Executor, chatIds: string[], owner: string): Promise<void> {
  if (chatIds.length === 0) return;
  await db.deleteFrom('chat_leases').where('chat_id', 'in', chatIds).where('owner', '=', owner).execute();
}

/** The waiting events of these chats, each chat's in the order they happened. */
export async function pendingEventsOf(db: Executor, chatIds: string[], limit: number): Promise<LineEventRow[]> {
  if (chatIds.length === 0) return [];
  return db
    .selectFrom('line_events')
    .selectAll()
    .where('chat_id', 'in', chatIds)
    .where('status', '=', 'pending')
    .orderBy('chat_id')
    .orderBy('event_timestamp')
    .orderBy('webhook_event_id')
    .limit(limit)
    .execute();
}

// One row at a time, by primary key: as one `IN (…) AND status = 'pending'` statement SQLite's
// planner chose the pending-events index and scanned the whole backlog (10× slower under load).
const finishPending = prepare((db, p: { id: string; status: 'done' | 'failed'; now: number }) =>
  db
    .updateTable('line_events')
    .set({ status: p.status, processed_at: p.now })
    .where('webhook_event_id', '=', p.id)
    .where('status', '=', 'pending'),
);

/**
 * Marks events handled, only those still pending, and returns which ones it marked: inside the
 * handler's transaction this is what makes processing exactly-once (a second worker's update
 * matches nothing).
 */
export async function finishEvents(
  db: Executor,
  ids: string[],
  status: 'done' | 'failed',
  now: number,
): Promise<Set<string>> {
  const finished = new Set<string>();
  for (const id of ids) {
    const r = await finishPending(db, { id, status, now });
    if (Number(r.numAffectedRows ?? 0) === 1) finished.add(id);
  }
  return finished;
}

/**
 * Sets aside pending events the worker cannot read (stored before the webhook checked events
 * against the schema): ignored, with the reason, so they never block their chat again.
 */
export async function ignoreEvents(
  db: Executor,
  events: Array<{ id: string; reason: string }>,
  now: number,
): Promise<void> {
  for (const e of events) {
    await db
      .updateTable('line_events')
      .set({ status: 'ignored', ignored_reason: e.reason.slice(0, 300), processed_at: now })
      .where('webhook_event_id', '=', e.id)
      .where('status', '=', 'pending')
      .execute();
  }
}

export async function recordEventFailure(db: Executor, id: string, error: string): Promise<number> {
  const row = await db
    .updateTable('line_events')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1000) }))
    .where('webhook_event_id', '=', id)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? 0;
}

export async function countEventsByStatus(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('line_events')
    .select(['status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Events not yet handled and when the oldest of them arrived (metrics, /readyz): one indexed read. */
export async function inboxBacklog(db: Executor): Promise<{ pending: number; oldestReceivedAt: number | null }> {
  const row = await db
    .selectFrom('line_events')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('received_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return { pending: Number(row?.n ?? 0), oldestReceivedAt: row?.oldest == null ? null : Number(row.oldest) };
}

/** Events given up after repeated failures (dead letters), newest first, for the merchant. */
export async function failedEvents(db: Executor, limit: number) {
  return db
    .selectFrom('line_events')
    .select(['webhook_event_id', 'event_type', 'attempts', 'last_error', 'processed_at'])
    .where('status', '=', 'failed')
    .orderBy('processed_at', 'desc')
    .limit(limit)
    .execute();
}

/** Handled (done or ignored) events processed before `olderThan`, at most `limit`. Returns how many. */
export async function deleteHandledEvents(db: Executor, olderThan: number, limit: number): Promise<number> {
  const old = db
    .selectFrom('line_events')
    .select('webhook_event_id')
    .where('status', 'in', ['done', 'ignored'])
    .where('processed_at', '<', olderThan)
    .limit(limit);
  const r = await db.deleteFrom('line_events').where('webhook_event_id', 'in', old).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Leases of chats whose holder died and that have had nothing to do since `olderThan`. */
export async function deleteStaleChatLeases(db: Executor, olderThan: number): Promise<void> {
  await db.deleteFrom('chat_leases').where('locked_until', '<', olderThan).execute();
}
