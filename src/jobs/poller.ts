/**
 * Runs one background job: calls `tick` again at once while it finds work, otherwise waits for
 * `intervalMs` or an explicit `wake()`. One tick at a time per poller; `stop()` waits for the
 * running tick, so shutdown never cuts a transaction in half.
 */
export interface PollerLogger {
  error(obj: unknown, msg?: string): void;
}

export class Poller {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private wakeRequested = false;

  constructor(
    readonly name: string,
    private readonly tick: () => Promise<boolean>,
    private readonly intervalMs: number,
    private readonly logger: PollerLogger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Asks for a tick now (e.g. the webhook just stored events). */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), delay);
    this.timer.unref();
  }

  private loop(): void {
    this.timer = undefined;
    if (!this.running || this.current) return;
    this.current = (async () => {
      let busy = true;
      while (this.running && busy) {
        this.wakeRequested = false;
        try {
          busy = await this.tick();
        } catch (err) {
          this.logger.error({ err, job: this.name }, 'background job failed; will retry');
          busy = false;
        }
        if (this.wakeRequested) busy = true;
        // With SQLite every await inside a tick can resolve without touching the event loop;
        // yield between ticks so HTTP requests (LINE waits for its webhook acks) get their turn.
        if (busy) await new Promise((r) => setImmediate(r));
      }
    })().finally(() => {
      this.current = undefined;
      if (this.running) this.schedule(this.wakeRequested ? 0 : this.intervalMs);
    });
  }
}
