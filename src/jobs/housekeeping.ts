/**
 * Keeps the inbox, outbox and bank-notification log from growing forever: handled webhook events,
 * delivered messages and processed bank notifications (verified or refused) older than the
 * retention period are deleted, a bounded number per round. A forged-token flood leaves refused
 * rows behind; they go the same way. Orders, payments (which keep their PayToken) and refunds are
 * business records and are never deleted here. Delivery drafts (the delivery page's input; orders
 * keep their own copy of the recipient) untouched for the retention period go too. Undelivered (pending or dead) messages, events not
 * yet handled and tokens not yet confirmed are kept whatever their age: they are what an operator
 * needs to look at.
 */
import type { Executor } from '../db/database';
import { deleteHandledEvents, deleteStaleChatLeases } from '../line/inbox-repository';
import { deleteSentMessages } from '../line/outbox-repository';
import { deleteProcessedNotifications } from '../shop/bank-notification-repository';
import { deleteDraftsBefore } from '../shop/delivery-draft-repository';

const BATCH = 500;

export interface HousekeepingReport {
  events: number;
  messages: number;
  notifications: number;
}

export async function deleteOldRecords(db: Executor, olderThan: number): Promise<HousekeepingReport> {
  const events = await deleteHandledEvents(db, olderThan, BATCH);
  const messages = await deleteSentMessages(db, olderThan, BATCH);
  await deleteStaleChatLeases(db, olderThan);
  const notifications = await deleteProcessedNotifications(db, olderThan, BATCH);
  // Delivery drafts hold what a customer typed on the delivery page; placed orders keep their own copy.
  await deleteDraftsBefore(db, olderThan);
  return { events, messages, notifications };
}

export class Housekeeper {
  constructor(
    private readonly db: Executor,
    private readonly now: () => number,
    private readonly retentionMs: number,
  ) {}

  /** Returns true while there is more to delete, so the poller comes straight back. */
  async tick(): Promise<boolean> {
    const r = await deleteOldRecords(this.db, this.now() - this.retentionMs);
    return r.events === BATCH || r.messages === BATCH || r.notifications === BATCH;
  }
}
