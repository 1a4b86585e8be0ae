/**
 * Group commit for the webhook: events from requests that arrive together are stored with one
 * multi-row insert (one commit), and each request is answered once its events are durable.
 * Under a burst this turns hundreds of commits per second into a few dozen.
 *
 * Sharing the one core (and, on SQLite, the one connection) with the event worker:
 * - The worker waits for the write in progress, never for an empty queue: one batch of acks, one
 *   worker transaction, when both have work.
 * - Pacing (issue 17): acknowledging costs CPU too, and a shop that acknowledges far more events
 *   than it can handle only grows its backlog while customers wait minutes for answers. When more
 *   than `backlogLimit` stored events wait for the worker, the next batch is held back until the
 *   backlog is under the limit again — but never longer than `maxHoldMs` after its first request
 *   arrived, so LINE (which gives up after 2 s) is still answered in time. A sender that waits for
 *   its answer (like LINE per connection) then slows to what the shop can handle; one that does not
 *   gets its events stored in fewer, larger inserts, leaving more of the core to the worker.
 *
 * The backlog is this process's own count (events it stored, minus events its worker handled),
 * set back to zero whenever the worker finds the inbox empty. With several instances on one
 * database it can overcount between those moments; then a batch waits at most `maxHoldMs`.
 */
import type { Executor } from '../db/database';
import { type NewInboxEvent, storeEvents } from './inbox-repository';

interface Waiting {
  events: NewInboxEvent[];
  arrivedAt: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface InboxPacing {
  /** Stored events waiting for the worker above which new batches are held back. */
  backlogLimit: number;
  /** The longest a request is held back by pacing (ms). */
  maxHoldMs: number;
}

/** About a quarter of a second of the worker's work on one core; holding at most 0.3 s of LINE's 2. */
export const DEFAULT_PACING: InboxPacing = { backlogLimit: 400, maxHoldMs: 300 };

/** SQLite allows 32,766 bound values per statement; 9 columns a row leaves room for this many. */
const MAX_ROWS_PER_INSERT = 1000;

export class InboxWriter {
  private queue: Waiting[] = [];
  private flushing: Promise<void> | undefined;
  /** The worker asked for a turn: it is let in after the batch being written. */
  private turn: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Events stored here that the worker has not handled yet (see pacing above). */
  private unhandled = 0;
  /** A held batch waiting for the backlog to shrink. */
  private held: { resolve: () => void; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly db: Executor,
    private readonly now: () => number,
    /** Called after events were stored (wakes the event worker). */
    private readonly onStored: () => void,
    private readonly pacing: InboxPacing = DEFAULT_PACING,
    /** A batch was held back by pacing for `ms` with `backlog` events waiting (metrics, log). */
    private readonly onHeld?: (ms: number, backlog: number) => void,
  ) {}

  /**
   * Resolves once the webhook write queued or running now is done (at once when there is none).
   * The event worker waits for this before each transaction: on SQLite the two share one
   * connection, and acknowledging LINE comes first, but only one batch first (bounded).
   */
  async whenIdle(): Promise<void> {
    // A batch held back by pacing is not waited for: the worker's progress is what releases it.
    if (!this.flushing || this.held) return;
    if (!this.turn) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.turn = { promise, resolve };
    }
    await this.turn.promise;
  }

  /** The worker handled `count` events (their transactions committed). */
  handled(count: number): void {
    this.unhandled = Math.max(0, this.unhandled - count);
    if (this.unhandled <= this.pacing.backlogLimit) this.release();
  }

  /** The worker found no event waiting: nothing stored here is left unhandled. */
  drained(): void {
    this.unhandled = 0;
    this.release();
  }

  /** Events stored and not yet handled, as this process counts them. */
  get backlog(): number {
    return this.unhandled;
  }

  /** Resolves when the events are stored (duplicates by webhookEventId are skipped). */
  store(events: NewInboxEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, arrivedAt: this.now(), resolve, reject });
      // Requests that arrive while a write is in flight join the next one.
      this.flushing ??= this.flush();
    });
  }

  private release(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearTimeout(held.timer);
    held.resolve();
  }

  /** Waits while the backlog is over the limit, at most until the oldest request's hold runs out. */
  private async paced(): Promise<void> {
    const oldest = this.queue[0]?.arrivedAt ?? this.now();
    const wait = oldest + this.pacing.maxHoldMs - this.now();
    if (wait <= 0) return;
    const backlog = this.unhandled;
    const started = this.now();
    await new Promise<void>((resolve) => {
      this.held = { resolve, timer: setTimeout(() => this.release(), wait) };
    });
    this.onHeld?.(this.now() - started, backlog);
  }

  /** Lets a waiting worker have its turn; requests arriving meanwhile join the next batch. */
  private async giveTurn(): Promise<void> {
    if (!this.letWorkerIn()) return;
    // The worker's transaction takes the connection from here; the next batch follows it.
    await new Promise((r) => setImmediate(r));
  }

  /** Resolves a waiting worker's turn; whether one was waiting. */
  private letWorkerIn(): boolean {
    const turn = this.turn;
    if (!turn) return false;
    this.turn = undefined;
    turn.resolve();
    return true;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.unhandled > this.pacing.backlogLimit) {
        // A worker waiting for this batch goes on: it is what the batch waits for.
        this.letWorkerIn();
        await this.paced();
      }
      // Let the requests already parsed in this turn of the event loop join the batch.
      await new Promise((r) => setImmediate(r));
      const batch = this.queue;
      this.queue = [];
      const rows = batch.flatMap((w) => w.events);
      try {
        let stored = 0;
        for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
          stored += await storeEvents(this.db, rows.slice(i, i + MAX_ROWS_PER_INSERT), this.now());
        }
        this.unhandled += stored;
        for (const w of batch) w.resolve();
        if (stored > 0) this.onStored();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
      if (this.queue.length > 0) await this.giveTurn();
    }
    this.flushing = undefined;
    this.letWorkerIn();
  }
}
