/**
 * Group commit for the webhook: events from requests that arrive together are stored with one
 * multi-row insert (one commit), and each request is answered once its events are durable.
 * Under a burst this turns hundreds of commits per second into a few dozen.
 *
 * Sharing the one core (and, on SQLite, the one connection) with the event worker: the worker
 * waits for the write in progress, never for an empty queue. Under a steady stream of webhooks
 * the queue is never empty, and waiting for that starved event handling while acks went on
 * (issue 17). Now writes and the worker's transactions alternate: one batch of acks, one turn.
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
  /** The worker asked for a turn: it is let in after the batch being written. */
  private turn: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly db: Executor,
    private readonly now: () => number,
    /** Called after events were stored (wakes the event worker). */
    private readonly onStored: () => void,
  ) {}

  /**
   * Resolves once the webhook write queued or running now is done (at once when there is none).
   * The event worker waits for this before each transaction: on SQLite the two share one
   * connection, and acknowledging LINE comes first, but only one batch first (bounded).
   */
  async whenIdle(): Promise<void> {
    if (!this.flushing) return;
    if (!this.turn) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.turn = { promise, resolve };
    }
    await this.turn.promise;
  }

  /** Lets a waiting worker have its turn; requests arriving meanwhile join the next batch. */
  private async giveTurn(): Promise<void> {
    const turn = this.turn;
    if (!turn) return;
    this.turn = undefined;
    turn.resolve();
    // The worker's transaction takes the connection from here; the next batch follows it.
    await new Promise((r) => setImmediate(r));
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
      if (this.queue.length > 0) await this.giveTurn();
    }
    this.flushing = undefined;
    this.turn?.resolve();
    this.turn = undefined;
  }
}
