/** Messages between the bench orchestrator and its child processes (over the fork IPC channel). */

/** What every server child (shop, bare floor, Express) reports. */
export type ServerMessage = { type: 'ready'; url: string } | { type: 'rss'; rss: number; heapUsed: number };

export interface LoadJob {
  /** Webhook URLs; requests go round-robin across them (a load balancer in front of N instances). */
  targets: string[];
  secret: string;
  destination: string;
  /** JSON array of webhook events to send, one event per body. Omit to send synthetic events. */
  eventsFile?: string;
  count: number;
  /**
   * 'rate': open loop at `rate` events/s; 'closed': `concurrency` requests in flight, as fast as
   * answered; 'burst': all `count` requests due at once (over `concurrency` connections, default 256).
   */
  mode: 'rate' | 'closed' | 'burst';
  rate?: number;
  concurrency?: number;
  /** Sent first, 4 in flight, and left out of the figures: JIT and connections warm up. */
  warmup?: number;
  /** Closed loop stops after this long even if `count` is not reached. */
  maxMs?: number;
  /**
   * `eventsFile` holds whole JSON bodies, sent as they are without a LINE signature (e.g. bank
   * notifications to /payments/qpay/notify); the targets are the full URLs to post to.
   */
  raw?: boolean;
  /** Return `sentAt`: when each request (by index in the file) left, epoch ms. */
  recordSentAt?: boolean;
}

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Epoch ms of the first request and of the last answer. */
  startedAt: number;
  endedAt: number;
  /** Answered requests per second over the run. */
  achievedRate: number;
  /** With `recordSentAt`: epoch ms each request left, by index. */
  sentAt?: number[];
}

export type LoadMessage = { type: 'run'; job: LoadJob } | { type: 'exit' };
