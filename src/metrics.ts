/**
 * Prometheus metrics for one shop instance (GET /metrics). One registry per runtime, never the
 * library's global one, so a test can run several shops in one process. Counters and histograms
 * are fed by the code paths they describe; the database figures (backlogs, orders by state,
 * pushes this month) are read at scrape time through the repositories, with cheap indexed queries.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Executor } from './db/database';
import { inboxBacklog } from './line/inbox-repository';
import { countPushesSince, outboxBacklog } from './line/outbox-repository';
import { countOrdersByStatus } from './shop/order-repository';

export type ExternalService = 'line' | 'bank';

export interface ShopMetrics {
  readonly registry: Registry;
  /** Called for each answered POST /line/webhook. */
  observeWebhook(statusCode: number, seconds: number): void;
  /** The webhook held a batch of acks back for `seconds` because the worker was behind (pacing). */
  webhookHeld(seconds: number): void;
  /** An event whose handling committed (type: message, postback, follow …). */
  eventHandled(type: string): void;
  /** The outcome of one payment confirmation (paid, failed, late, rejected, retry). */
  paymentConfirmation(outcome: string): void;
  /** One call to LINE or the bank: how long it took and whether it failed. */
  observeCall(service: ExternalService, call: string, seconds: number, error?: string): void;
  /** Prometheus text of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
  /** Stops the event-loop monitor. */
  close(): void;
}

const TAIWAN_OFFSET_MS = 8 * 3_600_000;
/** How often the event-loop monitor samples. */
const LOOP_RESOLUTION_MS = 20;
/** The push count scans this month's sent messages: recounted at most this often. */
const PUSH_COUNT_TTL_MS = 5 * 60_000;

/** Midnight of the first day of `now`'s month, Taiwan time (LINE's message quota is monthly). */
export function startOfMonthTaiwan(now: number): number {
  const t = new Date(now + TAIWAN_OFFSET_MS);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) - TAIWAN_OFFSET_MS;
}

/** `fn` at most once per `ttlMs`; concurrent callers share one query. */
function cached<T>(fn: () => Promise<T>, ttlMs: number, now: () => number): () => Promise<T> {
  let value: Promise<T> | undefined;
  let at = 0;
  return () => {
    if (!value || now() - at >= ttlMs) {
      at = now();
      value = fn().catch((err: unknown) => {
        value = undefined;
        throw err;
      });
    }
    return value;
  };
}

export function createMetrics(deps: { db: Executor; now: () => number }): ShopMetrics {
  const { db, now } = deps;
  const registry = new Registry();
  const registers = [registry];

  const webhookRequests = new Counter({
    name: 'line_shop_webhook_requests_total',
    help: 'POST /line/webhook requests answered, by HTTP status',
    labelNames: ['code'],
    registers,
  });
  const webhookAck = new Histogram({
    name: 'line_shop_webhook_ack_seconds',
    help: 'Time from receiving a webhook request to answering it (LINE gives up after 2 s)',
    labelNames: ['code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers,
  });
  const heldBatches = new Counter({
    name: 'line_shop_webhook_held_batches_total',
    help: 'Batches of webhook acknowledgements held back because the event worker was behind (pacing)',
    registers,
  });
  const heldSeconds = new Counter({
    name: 'line_shop_webhook_held_seconds_total',
    help: 'Time batches of webhook acknowledgements spent held back by pacing',
    registers,
  });
  const eventsHandled = new Counter({
    name: 'line_shop_events_handled_total',
    help: 'Webhook events handled (their transaction committed), by event type',
    labelNames: ['type'],
    registers,
  });
  const confirmations = new Counter({
    name: 'line_shop_payment_confirmations_total',
    help: 'Payment confirmations (bank notification, browser return, retry), by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const callSeconds = new Histogram({
    name: 'line_shop_external_call_seconds',
    help: 'Calls to the LINE Messaging API and the bank (QPay), by service, call and outcome',
    labelNames: ['service', 'call', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const callErrors = new Counter({
    name: 'line_shop_external_call_errors_total',
    help: 'Failed calls to LINE or the bank, by service, call and kind of failure',
    labelNames: ['service', 'call', 'kind'],
    registers,
  });

  // Scrape-time figures from the database. One read serves both inbox gauges.
  const backlog = cached(() => inboxBacklog(db), 1_000, now);
  new Gauge({
    name: 'line_shop_inbox_backlog',
    help: 'Webhook events stored but not yet handled',
    registers,
    async collect() {
      this.set((await backlog()).pending);
    },
  });
  new Gauge({
    name: 'line_shop_inbox_oldest_pending_age_seconds',
    help: 'Age of the oldest unhandled webhook event (0 when none waits)',
    registers,
    async collect() {
      const { oldestReceivedAt } = await backlog();
      this.set(oldestReceivedAt === null ? 0 : Math.max(0, now() - oldestReceivedAt) / 1000);
    },
  });
  new Gauge({
    name: 'line_shop_outbox_messages',
    help: "Outbox messages waiting to be sent (pending), held for the customer's next reply by the LINE push budget (held), and given up on (dead)",
    labelNames: ['status'],
    registers,
    async collect() {
      const { pending, held, dead } = await outboxBacklog(db);
      this.set({ status: 'pending' }, pending);
      this.set({ status: 'held' }, held);
      this.set({ status: 'dead' }, dead);
    },
  });
  const pushes = cached(() => countPushesSince(db, startOfMonthTaiwan(now())), PUSH_COUNT_TTL_MS, now);
  new Gauge({
    name: 'line_shop_pushes_this_month',
    help: 'Messages sent by push this calendar month, Taiwan time (they count against the LINE quota; recounted every 5 minutes)',
    registers,
    async collect() {
      this.set(await pushes());
    },
  });
  new Gauge({
    name: 'line_shop_orders',
    help: 'Orders by state',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await countOrdersByStatus(db))) this.set({ status }, n ?? 0);
    },
  });

  // Event-loop lag since the previous scrape (a blocked loop delays every webhook answer).
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  new Gauge({
    name: 'line_shop_event_loop_lag_seconds',
    help: 'Event-loop delay since the previous scrape: p50, p99 and max',
    labelNames: ['quantile'],
    registers,
    collect() {
      // The monitor's samples are the time between its timer's firings: the lag is what exceeds the interval.
      const seconds = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) / 1000 : 0);
      this.set({ quantile: '0.5' }, seconds(loop.percentile(50)));
      this.set({ quantile: '0.99' }, seconds(loop.percentile(99)));
      this.set({ quantile: 'max' }, seconds(loop.max));
      loop.reset();
    },
  });
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    observeWebhook(statusCode, seconds) {
      const code = String(statusCode);
      webhookRequests.inc({ code });
      webhookAck.observe({ code }, seconds);
    },
    webhookHeld(seconds) {
      heldBatches.inc();
      heldSeconds.inc(seconds);
    },
    eventHandled(type) {
      eventsHandled.inc({ type });
    },
    paymentConfirmation(outcome) {
      confirmations.inc({ outcome });
    },
    observeCall(service, call, seconds, error) {
      callSeconds.observe({ service, call, outcome: error === undefined ? 'ok' : 'error' }, seconds);
      if (error !== undefined) callErrors.inc({ service, call, kind: error });
    },
    render: () => registry.metrics(),
    close() {
      loop.disable();
    },
  };
}

/**
 * The same client with every call timed into `metrics` (except close). Works for the LINE API
 * and the QPay client, which are plain objects of async methods.
 */
export function instrumentCalls<T extends object>(
  target: T,
  service: ExternalService,
  metrics: ShopMetrics,
  errorKind: (err: unknown) => string,
): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function' || key === 'close' || typeof key !== 'string') return value;
      let fn = wrapped.get(key);
      if (!fn) {
        fn = async (...args: unknown[]) => {
          const started = performance.now();
          try {
            const result = await value.apply(obj, args);
            metrics.observeCall(service, key, (performance.now() - started) / 1000);
            return result;
          } catch (err) {
            metrics.observeCall(service, key, (performance.now() - started) / 1000, errorKind(err));
            throw err;
          }
        };
        wrapped.set(key, fn);
      }
      return fn;
    },
  });
}
