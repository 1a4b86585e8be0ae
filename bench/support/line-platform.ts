/**
 * The LINE platform side of the bench, played by the LINE simulator in the orchestrator: the
 * channel credentials, webhook events minted with real reply tokens, and counting what the shop
 * delivered (reply and push calls, or marked messages in each user's chat).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePostback } from '../../src/messages/postback';
import type { LineSimulator, WebhookEvent } from '../../src/sandbox/line';
import { portOf } from './ports';

export const SECRET = 'bench-channel-secret-0123456789ab';
export const TOKEN = 'bench-channel-access-token';
const USERS = 400;

const users = Array.from({ length: USERS }, (_, i) => `U${(0xbe00 + i).toString(16).padStart(32, '0')}`);

/**
 * Has the simulator mint `count` add-to-cart postbacks (each with its own reply token, which its
 * reply endpoint will accept once), captured instead of delivered, for the load generator to send.
 */
export async function mintEvents(sim: LineSimulator, count: number, productIds: number[]): Promise<string> {
  const postbacks = Array.from({ length: count }, (_, i) => ({
    userId: users[i % users.length]!,
    data: encodePostback({ action: 'add', productId: productIds[i % productIds.length] ?? 1 }),
  }));
  return (await mintPostbacks(sim, postbacks)).file;
}

/**
 * The simulator mints these postbacks (reply tokens included); captured, written to a file for the
 * load generator. `concurrency` 1 keeps the events in the order given (64 by default: faster, and
 * the order does not matter to the load generator).
 */
export async function mintPostbacks(
  sim: LineSimulator,
  postbacks: Array<{ userId: string; data: string }>,
  { concurrency = 64 } = {},
): Promise<{ file: string; events: WebhookEvent[] }> {
  const count = postbacks.length;
  const events: WebhookEvent[] = [];
  const capture = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: WebhookEvent[] }).events);
      res.end('{}');
    });
  });
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  const previous = sim.webhookUrl;
  sim.setWebhookUrl(`http://127.0.0.1:${portOf(capture)}/`);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const p = postbacks[next++]!;
      await sim.postback(p.userId, p.data);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  sim.setWebhookUrl(previous);
  await new Promise<void>((r) => capture.close(() => r()));
  const file = join(mkdtempSync(join(tmpdir(), 'line-shop-bench-events-')), 'events.json');
  writeFileSync(file, JSON.stringify(events));
  return { file, events };
}

const DELIVERY_PATHS = new Set(['/v2/bot/message/reply', '/v2/bot/message/push']);

export interface Delivery {
  delivered: number;
  replies: number;
  pushes: number;
  failedCalls: number;
  lastAt: number;
  timedOut: boolean;
}

/** Waits until the bot has delivered `expected` messages since call `fromSeq` (or the timeout). */
export async function waitDelivered(sim: LineSimulator, fromSeq: number, expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let d: Delivery;
  let scanned = 0;
  const acc = { delivered: 0, replies: 0, pushes: 0, failedCalls: 0, lastAt: 0 };
  for (;;) {
    const calls = sim.calls;
    for (; scanned < calls.length; scanned++) {
      const c = calls[scanned]!;
      if (c.seq <= fromSeq || !DELIVERY_PATHS.has(c.path)) continue;
      if (c.status !== 200) {
        acc.failedCalls++;
        continue;
      }
      acc.delivered++;
      if (c.path.endsWith('reply')) acc.replies++;
      else acc.pushes++;
      acc.lastAt = Math.max(acc.lastAt, c.at);
    }
    d = { ...acc, timedOut: false };
    if (acc.delivered >= expected) break;
    if (Date.now() > deadline) {
      d.timedOut = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // A short grace period to catch duplicates arriving after the last expected one.
  await new Promise((r) => setTimeout(r, 300));
  const calls = sim.calls;
  for (; scanned < calls.length; scanned++) {
    const c = calls[scanned]!;
    if (c.seq > fromSeq && DELIVERY_PATHS.has(c.path) && c.status === 200) d.delivered++;
  }
  return d;
}

/** The sequence number of the simulator's latest API call: deliveries after it are the next run's. */
export const lastSeq = (sim: LineSimulator) => sim.calls[sim.calls.length - 1]?.seq ?? 0;

/**
 * The bot messages matching `mark` that each user received at the LINE simulator (with the time
 * each arrived), scanned incrementally; everything else the bot sent them counts as `other`.
 */
export class MarkedMessages {
  private readonly scanned = new Map<string, number>();
  readonly times = new Map<string, number[]>();
  other = 0;

  constructor(
    private readonly sim: LineSimulator,
    readonly userIds: string[],
    private readonly mark: string,
  ) {
    // Only what arrives from now on.
    for (const u of userIds) this.scanned.set(u, sim.chat(u).length);
  }

  /** How many users have at least one. */
  scan(): number {
    let done = 0;
    for (const u of this.userIds) {
      const chat = this.sim.chat(u);
      let i = this.scanned.get(u) ?? 0;
      for (; i < chat.length; i++) {
        const e = chat[i]!;
        if (e.from !== 'bot') continue;
        if (JSON.stringify(e.message).includes(this.mark)) this.times.set(u, [...(this.times.get(u) ?? []), e.at]);
        else this.other++;
      }
      this.scanned.set(u, i);
      if (this.times.has(u)) done++;
    }
    return done;
  }

  /** Waits until every user has one (true) or the timeout; then a short grace to catch duplicates. */
  async waitAll(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let complete = false;
    while (Date.now() < deadline) {
      if (this.scan() === this.userIds.length) {
        complete = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1000));
    this.scan();
    return complete;
  }

  summary() {
    let users = 0;
    let duplicates = 0;
    let lastAt = 0;
    for (const t of this.times.values()) {
      users++;
      duplicates += t.length - 1;
      lastAt = Math.max(lastAt, t[0] ?? 0);
    }
    return { users, missing: this.userIds.length - users, duplicates, other: this.other, lastAt };
  }
}
