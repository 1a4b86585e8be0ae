/**
 * Group commit for the webhook: events from requests that arrive together are stored with one
 * multi-row insert (one commit), and each request is answered once its events are durable.
 * Under a burst this turns hundreds of commits per second into a few dozen.
 */
import type { Executor } from '../db/database';
import { type NewInboxEvent, storeEvents } from './inbox-repository';

interface Waiting {
  events: NewInboxEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** SQLite allows 32,766 bound values per statement; 9 columns a row leaves room for this many. */
const MAX_ROWS_PER_INSERT = 1000;

export class InboxWriter {
  private queue: Waiting[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Executor,
    private readonly now: () => number,
    /** Called after events were stored (wakes the event worker). */
    private readonly onStored: () => void,
  ) {}

  /**
   * Resolves once no webhook write is queued or running. The event worker waits for this before
   * each transaction: on SQLite the two share one connection, and acknowledging LINE comes first.
   */
  async whenIdle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Resolves when the events are stored (duplicates by webhookEventId are skipped). */
  store(events: NewInboxEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      // Requests that arrive while a write is in flight join the next one.
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let the requests already parsed in this turn of the event loop join the batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const rows = batch.flatMap((w) => w.events);
      try {
        let stored = 0;
        for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
          stored += await storeEvents(this.db, rows.slice(i, i + MAX_ROWS_PER_INSERT), this.now());
        }
        for (const w of batch) w.resolve();
        if (stored > 0) this.onStored();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.flushing = undefined;
  }
}
