/**
 * Works through the inbox: leases a batch of chats, handles their pending events in timestamp
 * order (each chat's events one after another), enqueues each event's reply in the same
 * transaction that marks the event done, then delivers the replies. A crash anywhere leaves an
 * event pending (rolled back) or done with its reply waiting in the outbox.
 *
 * For throughput, events are handled a few at a time in one transaction (one commit for several
 * events). If anything in such a group fails, the group is rolled back and redone one event per
 * transaction, so a single bad event cannot hold up the others. Between groups the worker yields
 * to the event loop: on SQLite a transaction holds the only connection, and the webhook's inserts
 * (what LINE waits for) must not queue behind a long batch.
 */
import type { messagingApi, webhook } from '@line/bot-sdk';
import type { Kysely, Transaction } from 'kysely';
import type { DB, LineEventRow, OutboxRow } from '../db/types';
import type { Logger } from '../logger';
import { carryHeld, heldMessagesOf } from './held-outbox-repository';
import {
  chatsWithPendingEvents,
  finishEvents,
  ignoreEvents,
  leaseChats,
  pendingEventsOf,
  recordEventFailure,
  releaseChats,
} from './inbox-repository';
import { enqueueMarkAsRead, enqueueMessage, REPLY_KIND } from './outbox-repository';
import type { OutboxSender } from './outbox-sender';
import { MESSAGES_PER_REPLY, ridersThatFit } from './push-gate';
import { groupSizeFor, markAsReadTokenOf, parseEvent, readEvent, transactionGroups } from './stored-events';

export { groupSizeFor, transactionGroups } from './stored-events';

/** A reply token is good for about a minute; leave margin for the send itself. */
export const REPLY_WINDOW_MS = 50_000;
const LEASE_MS = 30_000;
export const MAX_EVENT_ATTEMPTS = 5;

/**
 * What the transport hands the shop's handler for one event. The worker knows nothing of the shop:
 * the handler (the conversation) is plugged in by the runtime, and so are the words of the apology.
 */
export interface EventContext {
  /** The event's transaction: the handler's writes commit with the event being marked done. */
  trx: Transaction<DB>;
  userId: string;
  now: number;
  /** Runs after the transaction commits (e.g. wake a job that calls the bank). */
  afterCommit(fn: () => void): void;
  /**
   * The event's reply token, when it has one. A handler that answers with no messages leaves it
   * unused, so a job can answer with it later (until `replyUntil`).
   */
  replyToken?: string | undefined;
  /** Until when the reply token may be used (epoch ms). */
  replyUntil?: number | undefined;
  /**
   * The handler dealt with this message itself: mark it read in the merchant's chat (LINE's
   * mark-as-read with the event's token). Messages left unmarked show as unread in the Official
   * Account app, which is how the merchant sees what still needs a person. No-op for other events.
   */
  markAsRead(): void;
  /**
   * The answer will take a while (e.g. it waits for the bank): show LINE's loading animation for up
   * to `seconds` (5–60, a multiple of 5) once this event's transaction has committed. It ends when
   * the shop's next message arrives.
   */
  showLoading(seconds: number): void;
}

/** Handles one event; returns the messages to answer with (none: no reply). */
export type EventHandler = (ctx: EventContext, event: webhook.Event) => Promise<messagingApi.Message[]>;

export interface EventWorkerDeps {
  db: Kysely<DB>;
  handle: EventHandler;
  /** Events that must not share a transaction with others (they lock rows others lock too). */
  needsOwnTransaction?: (event: webhook.Event) => boolean;
  outbox: OutboxSender;
  now: () => number;
  logger: Logger;
  /** Unique per process: who holds a chat lease. */
  owner: string;
  /** What the customer is told when their event is given up after repeated failures. */
  apology: messagingApi.Message[];
  /** Chats leased per tick. */
  chatsPerTick?: number;
  /** Events handled per tick (across those chats). */
  eventsPerTick?: number;
  /** Events handled in one transaction. */
  eventsPerTransaction?: number;
  /**
   * Batches handled side by side, each in its own transaction (default 1). More than one only
   * helps where the database takes concurrent writers (PostgreSQL); SQLite has one connection.
   */
  lanes?: number;
  /** Awaited before each transaction (the runtime waits here for pending webhook writes). */
  beforeTransaction?: () => Promise<void>;
  /** Events were handled (their transaction committed): the webhook's pacing counts the backlog. */
  onHandled?: (count: number) => void;
  /** The inbox had no pending event at all when the worker looked. */
  onDrained?: () => void;
  /**
   * Starts LINE's loading animation (the runtime's LINE client). Best effort, never retried: an
   * animation that comes late is worse than none. Absent: handlers' requests are dropped.
   */
  showLoading?: (chatId: string, seconds: number) => Promise<void>;
}

/** What handling one event produced, to act on once its transaction has committed. */
interface Handled {
  reply?: OutboxRow;
  /** The mark-as-read request for the message, delivered after the reply (same chat, in order). */
  markRead?: OutboxRow;
  /** Seconds of loading animation the handler asked for. */
  loading?: { chatId: string; seconds: number };
  afterCommit: Array<() => void>;
}

/** Batches handled per tick; each batch's replies travel to LINE while the next is handled. */
const BATCHES_PER_TICK = 8;

interface Batch {
  chats: string[];
  handled: Handled[];
}

export class EventWorker {
  /** Chats this process holds while their batch is handled or its replies delivered. */
  private readonly busyChats = new Set<string>();

  constructor(private readonly deps: EventWorkerDeps) {}

  /**
   * One round: each lane handles up to BATCHES_PER_TICK batches, pipelined, so the wait for
   * LINE's answers overlaps the next batch's database work instead of idling the process. A chat
   * stays leased (and busy here) until its replies are delivered, so its next events (next batch,
   * another lane, or another instance) wait for them: replies arrive in order. Returns whether any
   * event was handled (the poller loops while true); everything handled in the round is delivered
   * (or queued for retry) when it returns.
   */
  async tick(): Promise<boolean> {
    const lanes = Array.from({ length: this.deps.lanes ?? 1 }, () => this.runLane());
    return (await Promise.all(lanes)).some(Boolean);
  }

  private async runLane(): Promise<boolean> {
    let any = false;
    let delivering: Promise<void> | undefined;
    try {
      for (let round = 0; round < BATCHES_PER_TICK; round++) {
        const batch = await this.handleNextBatch();
        if (!batch) break;
        any ||= batch.handled.length > 0;
        const previous = delivering;
        delivering = this.deliverAndRelease(batch);
        await previous;
      }
    } finally {
      await delivering;
    }
    return any;
  }

  /** Leases waiting chats (not already busy here) and handles their events; undefined when none. */
  private async handleNextBatch(): Promise<Batch | undefined> {
    const { db, owner, now } = this.deps;
    const limit = this.deps.chatsPerTick ?? 64;
    // Enough candidates that every lane finds chats the others have not taken.
    const candidates = limit * (this.deps.lanes ?? 1) + this.busyChats.size;
    const pending = await chatsWithPendingEvents(db, candidates);
    if (pending.length === 0) this.deps.onDrained?.();
    const waiting = pending.filter((c) => !this.busyChats.has(c)).slice(0, limit);
    if (waiting.length === 0) return undefined;
    // Busy from now on (before any await), so a concurrent lane cannot pick the same chats.
    for (const c of waiting) this.busyChats.add(c);
    let chats: string[] = [];
    try {
      chats = await leaseChats(db, waiting, owner, now(), LEASE_MS);
    } finally {
      const leased = new Set(chats);
      for (const c of waiting) if (!leased.has(c)) this.busyChats.delete(c);
    }
    if (chats.length === 0) return undefined;
    try {
      const events = await this.setAsideUnreadable(await pendingEventsOf(db, chats, this.deps.eventsPerTick ?? 128));
      const handled: Handled[] = [];
      const stuck = new Set<string>();
      for (const next of transactionGroups(
        events,
        groupSizeFor(events.length, this.deps),
        this.deps.needsOwnTransaction,
      )) {
        // Let waiting webhooks in (and their inserts through) before taking the connection again.
        await new Promise((r) => setImmediate(r));
        await this.deps.beforeTransaction?.();
        const group = next.filter((e) => !stuck.has(e.chat_id));
        const done = (await this.handleGroup(group)) ?? (await this.handleOneByOne(group, stuck));
        handled.push(...done);
        this.deps.onHandled?.(done.length);
      }
      for (const h of handled) for (const fn of h.afterCommit) this.runAfterCommit(fn);
      return { chats, handled };
    } catch (err) {
      await this.release(chats);
      throw err;
    }
  }

  /**
   * Events stored before the webhook checked them (or changed by hand) may not fit the schema:
   * recorded as ignored with the reason instead of failing, and the rest go on.
   */
  private async setAsideUnreadable(events: LineEventRow[]): Promise<LineEventRow[]> {
    const bad = events.flatMap((row) => {
      const read = readEvent(row);
      return read.ok ? [] : [{ id: row.webhook_event_id, reason: read.reason }];
    });
    if (bad.length === 0) return events;
    await ignoreEvents(this.deps.db, bad, this.deps.now());
    for (const b of bad) this.deps.logger.warn({ eventId: b.id, reason: b.reason }, 'stored event ignored');
    const skip = new Set(bad.map((b) => b.id));
    return events.filter((row) => !skip.has(row.webhook_event_id));
  }

  /** A wake-up hook that throws must not undo the batch: its transactions have committed. */
  private runAfterCommit(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.logger.error({ err }, 'after-commit hook failed');
    }
  }

  private async deliverAndRelease(batch: Batch): Promise<void> {
    try {
      // A chat's rows in handling order: its reply goes before its mark-as-read.
      await this.deps.outbox.deliver(
        batch.handled.flatMap((h) => [h.reply, h.markRead].filter((r): r is OutboxRow => r !== undefined)),
      );
      await Promise.all(batch.handled.flatMap((h) => (h.loading ? [this.startLoading(h.loading)] : [])));
    } finally {
      await this.release(batch.chats);
    }
  }

  private async startLoading({ chatId, seconds }: { chatId: string; seconds: number }): Promise<void> {
    try {
      await this.deps.showLoading?.(chatId, seconds);
    } catch (err) {
      this.deps.logger.warn({ err: String(err), seconds }, 'loading animation not shown');
    }
  }

  private async release(chats: string[]): Promise<void> {
    try {
      await releaseChats(this.deps.db, chats, this.deps.owner);
    } finally {
      for (const c of chats) this.busyChats.delete(c);
    }
  }

  /** Events in one transaction; undefined when it failed (nothing of it was kept). */
  private async handleGroup(events: LineEventRow[]): Promise<Handled[] | undefined> {
    if (events.length <= 1) return undefined;
    try {
      return await this.deps.db.transaction().execute((trx) => this.handleIn(trx, events));
    } catch {
      return undefined;
    }
  }

  /** Each event in its own transaction; a chat stops at its first failure to keep its order. */
  private async handleOneByOne(events: LineEventRow[], stuck: Set<string>): Promise<Handled[]> {
    const { db, logger } = this.deps;
    const out: Handled[] = [];
    for (const row of events) {
      if (stuck.has(row.chat_id)) continue;
      try {
        out.push(...(await db.transaction().execute((trx) => this.handleIn(trx, [row]))));
      } catch (err) {
        stuck.add(row.chat_id);
        const attempts = await recordEventFailure(db, row.webhook_event_id, String((err as Error)?.stack ?? err));
        logger.error({ err, eventId: row.webhook_event_id, attempts }, 'event handling failed');
        if (attempts >= MAX_EVENT_ATTEMPTS) await this.giveUp(row, attempts);
      }
    }
    return out;
  }

  /** Handles events inside `trx`, in order, skipping any another worker already did. */
  private async handleIn(trx: Transaction<DB>, rows: LineEventRow[]): Promise<Handled[]> {
    const { now } = this.deps;
    const mine = await finishEvents(
      trx,
      rows.map((r) => r.webhook_event_id),
      'done',
      now(),
    );
    const out: Handled[] = [];
    for (const row of rows) if (mine.has(row.webhook_event_id)) out.push(await this.handleOne(trx, row));
    return out;
  }

  private async handleOne(trx: Transaction<DB>, row: LineEventRow): Promise<Handled> {
    const { now } = this.deps;
    const event = parseEvent(row);
    const replyToken = (event as { replyToken?: string }).replyToken;
    const handled: Handled = { afterCommit: [] };
    let markRead = false;
    const ctx: EventContext = {
      trx,
      userId: row.chat_id,
      now: now(),
      afterCommit: (fn) => handled.afterCommit.push(fn),
      replyToken,
      replyUntil: row.event_timestamp + REPLY_WINDOW_MS,
      markAsRead: () => {
        markRead = true;
      },
      showLoading: (seconds) => {
        // LINE takes 5–60 in steps of 5; anything else is rounded into that range.
        const s = Math.min(60, Math.max(5, Math.ceil(seconds / 5) * 5));
        if (event.source?.type === 'user') handled.loading = { chatId: row.chat_id, seconds: s };
      },
    };
    const messages = await this.deps.handle(ctx, event);
    const readToken = markRead ? markAsReadTokenOf(event) : undefined;
    if (messages.length > 0) {
      // Notices held back for the push quota ride on this (free) reply, in front of its answer.
      const riders =
        replyToken && messages.length < MESSAGES_PER_REPLY && now() < row.event_timestamp + REPLY_WINDOW_MS
          ? ridersThatFit(await heldMessagesOf(trx, row.chat_id), messages.length)
          : [];
      handled.reply = await enqueueMessage(
        trx,
        {
          lineUserId: row.chat_id,
          messages,
          kind: REPLY_KIND,
          logicalKey: `reply:${row.webhook_event_id}`,
          replyToken,
          replyUntil: row.event_timestamp + REPLY_WINDOW_MS,
          // Leased to this worker, which delivers it right after the commit.
          claimFor: now() + LEASE_MS,
        },
        now(),
      );
      if (handled.reply && riders.length > 0) {
        await carryHeld(
          trx,
          riders.map((r) => r.id),
          handled.reply.id,
        );
        handled.reply = { ...handled.reply, has_riders: 1 };
      }
    }
    if (readToken !== undefined) {
      handled.markRead = await enqueueMarkAsRead(
        trx,
        {
          lineUserId: row.chat_id,
          markAsReadToken: readToken,
          eventId: row.webhook_event_id,
          claimFor: now() + LEASE_MS,
        },
        now(),
      );
    }
    return handled;
  }

  /** After repeated failures: stop retrying, tell the customer, and keep the error for the merchant. */
  private async giveUp(row: LineEventRow, attempts: number): Promise<void> {
    const { db, now, logger } = this.deps;
    const gaveUp = await db.transaction().execute(async (trx) => {
      if ((await finishEvents(trx, [row.webhook_event_id], 'failed', now())).size === 0) return false;
      await enqueueMessage(
        trx,
        {
          lineUserId: row.chat_id,
          messages: this.deps.apology,
          kind: 'apology',
          logicalKey: `apology:${row.webhook_event_id}`,
        },
        now(),
      );
      return true;
    });
    // Once, by id only (no user data): `npm run orders -- dead-letters` lists them with the error.
    if (gaveUp) {
      logger.error(
        { eventId: row.webhook_event_id, eventType: row.event_type, attempts },
        'DEAD LETTER: event given up after repeated failures',
      );
    }
  }
}
