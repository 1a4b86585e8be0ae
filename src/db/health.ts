/**
 * Whether the shop can store an event right now. A SELECT keeps working on a read-only filesystem,
 * a full disk or a read-only PostgreSQL, so the check commits a real tiny write (one row of
 * `health_probe`); a write rolled back would prove nothing on SQLite, where WAL pages are only
 * written at commit. The answer is cached for `ttlMs` and concurrent checks share one probe, so a
 * burst of health checks costs one write, and a change of state is reported once, not per request.
 */
import type { Executor } from './database';

export interface HealthState {
  ok: boolean;
  /** Why the database cannot be written (the driver's message), when it cannot. */
  error?: string;
}

export interface StorageHealthOptions {
  /** Business time, stored in the probe row. */
  now: () => number;
  /** Monotonic milliseconds for the cache (default performance.now; tests pass their own). */
  clock?: () => number;
  /** How long an answer is reused. */
  ttlMs?: number;
  /** A probe that has not answered by then counts as a failure (a pool may wait forever). */
  timeoutMs?: number;
  /** Called when the state changes (and on a first failure). */
  onChange?: (state: HealthState) => void;
}

export class StorageHealth {
  private last: HealthState = { ok: true };
  private checkedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<HealthState> | undefined;
  /** A write that outlived its timeout: no second one is queued behind it on a stuck database. */
  private stuckWrite: Promise<unknown> | undefined;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly db: Executor,
    private readonly options: StorageHealthOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 1500;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.clock = options.clock ?? (() => performance.now());
  }

  check(): Promise<HealthState> {
    if (this.clock() - this.checkedAt < this.ttlMs) return Promise.resolve(this.last);
    if (!this.inFlight) {
      this.inFlight = this.probe().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async probe(): Promise<HealthState> {
    const now = this.options.now();
    let state: HealthState;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.stuckWrite) throw new Error('the previous probe is still waiting for the database');
      const write = this.db
        .insertInto('health_probe')
        .values({ id: 1, checked_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ checked_at: now }))
        .execute();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const settle = () => {
            this.stuckWrite = undefined;
          };
          this.stuckWrite = write.then(settle, settle);
          reject(new Error(`no answer within ${this.timeoutMs} ms`));
        }, this.timeoutMs);
      });
      await Promise.race([write, timeout]);
      state = { ok: true };
    } catch (err) {
      // Not `instanceof Error`: the driver's errors may come from another realm (jest, workers).
      const message = (err as { message?: unknown } | null)?.message;
      state = { ok: false, error: typeof message === 'string' ? message : String(err) };
    } finally {
      clearTimeout(timer);
    }
    const changed = state.ok !== this.last.ok || (!state.ok && this.checkedAt === Number.NEGATIVE_INFINITY);
    this.last = state;
    this.checkedAt = this.clock();
    if (changed) this.options.onChange?.(state);
    return state;
  }
}
