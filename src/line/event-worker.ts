/**
 * Works through the inbox: claims a chat (lease), handles its pending events one at a time in
 * timestamp order, each in one transaction with its reply enqueued, then delivers the reply.
 * A crash anywhere leaves the event pending (rolled back) or done-with-reply-in-outbox.
 */
import type { messagingApi, webhook } from '@line/bot-sdk';
import type { Kysely } from 'kysely';
import type { DB, LineEventRow } from '../db/types';
import type { Logger } from '../logger';
import { text } from '../messages/common';
import { copy } from '../messages/copy';
import type { ConversationContext } from '../shop/conversation';
import {
  chatsWithPendingEvents,
  finishEvent,
  pendingEventsOf,
  recordEventFailure,
  releaseChat,
  tryLeaseChat,
} from './inbox-repository';
import { enqueueMessage, getMessage } from './outbox-repository';
import type { OutboxSender } from './outbox-sender';

/** A reply token is good for about a minute; leave margin for the send itself. */
export const REPLY_WINDOW_MS = 50_000;
const LEASE_MS = 30_000;
const MAX_EVENT_ATTEMPTS = 5;

export type EventHandler = (ctx: ConversationContext, event: webhook.Event) => Promise<messagingApi.Message[]>;

export interface EventWorkerDeps {
  db: Kysely<DB>;
  handle: EventHandler;
  outbox: OutboxSender;
  now: () => number;
  logger: Logger;
  /** Unique per process: who holds a chat lease. */
  owner: string;
  shopName: string;
  publicBaseUrl: string;
  /** Chats handled side by side in one tick. */
  concurrency?: number;
}

export class EventWorker {
  constructor(private readonly deps: EventWorkerDeps) {}

  /** One round. Returns whether any event was handled (the poller loops while true). */
  async tick(): Promise<boolean> {
    const chats = await chatsWithPendingEvents(this.deps.db, this.deps.concurrency ?? 16);
    const handled = await Promise.all(chats.map((c) => this.processChat(c)));
    return handled.some((n) => n > 0);
  }

  private async processChat(chatId: string): Promise<number> {
    const { db, owner, now } = this.deps;
    if (!(await tryLeaseChat(db, chatId, owner, now(), LEASE_MS))) return 0;
    let handled = 0;
    try {
      for (const row of await pendingEventsOf(db, chatId, 20)) {
        // Keep the lease alive across a long batch.
        if (!(await tryLeaseChat(db, chatId, owner, now(), LEASE_MS))) break;
        const ok = await this.processEvent(row);
        if (!ok) break; // keep order: later events wait for this one
        handled++;
      }
    } finally {
      await releaseChat(db, chatId, owner);
    }
    return handled;
  }

  /** Returns false when the event failed and should be retried later. */
  private async processEvent(row: LineEventRow): Promise<boolean> {
    const { db, now, logger } = this.deps;
    const event = JSON.parse(row.payload) as webhook.Event;
    const replyToken = (event as { replyToken?: string }).replyToken;
    const after: Array<() => void> = [];
    let outboxId: number | undefined;
    try {
      await db.transaction().execute(async (trx) => {
        if (!(await finishEvent(trx, row.webhook_event_id, 'done', now()))) return; // someone else did it
        const ctx: ConversationContext = {
          trx,
          userId: row.chat_id,
          now: now(),
          shopName: this.deps.shopName,
          publicBaseUrl: this.deps.publicBaseUrl,
          afterCommit: (fn) => after.push(fn),
          replyToken,
          replyUntil: row.event_timestamp + REPLY_WINDOW_MS,
        };
        const messages = await this.deps.handle(ctx, event);
        if (messages.length === 0) return;
        outboxId = await enqueueMessage(
          trx,
          {
            lineUserId: row.chat_id,
            messages,
            kind: 'reply',
            logicalKey: `reply:${row.webhook_event_id}`,
            replyToken,
            replyUntil: row.event_timestamp + REPLY_WINDOW_MS,
            claimFor: now() + LEASE_MS,
          },
          now(),
        );
      });
    } catch (err) {
      const attempts = await recordEventFailure(db, row.webhook_event_id, String((err as Error)?.stack ?? err));
      logger.error({ err, eventId: row.webhook_event_id, attempts }, 'event handling failed');
      if (attempts >= MAX_EVENT_ATTEMPTS) await this.giveUp(row);
      return false;
    }
    for (const fn of after) fn();
    if (outboxId !== undefined) {
      const msg = await getMessage(db, outboxId);
      if (msg) await this.deps.outbox.deliver(msg);
    }
    return true;
  }

  /** After repeated failures: stop retrying, tell the customer, and keep the error for the merchant. */
  private async giveUp(row: LineEventRow): Promise<void> {
    const { db, now, logger } = this.deps;
    await db.transaction().execute(async (trx) => {
      if (!(await finishEvent(trx, row.webhook_event_id, 'failed', now()))) return;
      await enqueueMessage(
        trx,
        {
          lineUserId: row.chat_id,
          messages: [text(copy.processingFailed, true)],
          kind: 'apology',
          logicalKey: `apology:${row.webhook_event_id}`,
        },
        now(),
      );
    });
    logger.error({ eventId: row.webhook_event_id }, 'event given up after repeated failures');
  }
}
