/**
 * The load generator, run as its own process so its CPU is not the shop's event loop: sends
 * webhook bodies over undici on loopback, each body signed on its own (unique event id and reply
 * token per body), and measures the time to the 200. Open-loop latencies are measured from the
 * moment a request was due, not when it left, so a stalled server cannot hide its queueing.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { percentile } from '../support/percentile';
import type { LoadJob, LoadMessage, LoadResult } from '../support/protocol';

type Event = Record<string, unknown>;

function syntheticEvent(i: number): Event {
  const rand = Math.random().toString(36).slice(2);
  return {
    type: 'postback',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId: `U${(i % 400).toString(16).padStart(32, '0')}` },
    webhookEventId: `01BENCH${i.toString(36).padStart(8, '0')}${rand}`.slice(0, 26).toUpperCase(),
    deliveryContext: { isRedelivery: false },
    replyToken: `${rand}${i}`,
    postback: { data: 'action=add&productId=1' },
  };
}

async function run(job: LoadJob): Promise<LoadResult> {
  const events: Event[] = job.eventsFile ? (JSON.parse(readFileSync(job.eventsFile, 'utf8')) as Event[]) : [];
  const count = job.eventsFile ? Math.min(job.count, events.length - (job.warmup ?? 0)) : job.count;
  const pools = job.targets.map((t) => {
    const u = new URL(t);
    const connections =
      job.mode === 'rate'
        ? 256
        : job.mode === 'burst'
          ? Math.max(1, Math.min(job.count, job.concurrency ?? 256))
          : (job.concurrency ?? 32);
    return { pool: new Pool(u.origin, { connections, pipelining: 1 }), path: u.pathname };
  });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const sentAt: number[] = [];
  let ok = 0;
  let errors = 0;

  const send = async (i: number, dueAt: number): Promise<void> => {
    let body: string;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (job.raw) {
      body = JSON.stringify(events[i]);
    } else {
      const event = events[i] ?? syntheticEvent(i);
      event.timestamp = Date.now();
      body = JSON.stringify({ destination: job.destination, events: [event] });
      headers['x-line-signature'] = createHmac('sha256', job.secret).update(body).digest('base64');
    }
    const target = pools[i % pools.length]!;
    if (job.recordSentAt) sentAt[i] = Date.now();
    try {
      const res = await target.pool.request({ path: target.path, method: 'POST', headers, body });
      await res.body.dump();
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode === 200) ok++;
      else errors++;
    } catch (err) {
      const key = (err as { code?: string }).code ?? 'error';
      statuses[key] = (statuses[key] ?? 0) + 1;
      errors++;
    }
    latencies.push(performance.now() - dueAt);
  };

  const warmup = job.warmup ?? 0;
  if (warmup > 0) {
    let w = 0;
    const warm = async () => {
      while (w < warmup) await send(count + w++, performance.now());
    };
    await Promise.all(Array.from({ length: 4 }, warm));
    latencies.length = 0;
    ok = 0;
    errors = 0;
    for (const k of Object.keys(statuses)) delete statuses[k];
  }

  const startedAt = Date.now();
  const t0 = performance.now();
  if (job.mode === 'rate') {
    const interval = 1000 / (job.rate ?? 100);
    const inFlight: Promise<void>[] = [];
    let next = 0;
    while (next < count) {
      const now = performance.now();
      const due = Math.min(count, Math.floor((now - t0) / interval) + 1);
      for (; next < due; next++) inFlight.push(send(next, t0 + next * interval));
      await sleep(1);
    }
    await Promise.all(inFlight);
  } else if (job.mode === 'burst') {
    await Promise.all(Array.from({ length: count }, (_, i) => send(i, t0)));
  } else {
    let next = 0;
    const deadline = t0 + (job.maxMs ?? 60_000);
    const worker = async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        await send(i, performance.now());
      }
    };
    await Promise.all(Array.from({ length: job.concurrency ?? 32 }, worker));
  }
  const elapsed = performance.now() - t0;
  await Promise.all(pools.map((p) => p.pool.close()));
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    sent: latencies.length,
    ok,
    errors,
    statuses,
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? 0),
    mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    startedAt,
    endedAt: startedAt + elapsed,
    achievedRate: round((latencies.length / elapsed) * 1000),
    ...(job.recordSentAt ? { sentAt } : {}),
  };
}

process.on('message', (msg: LoadMessage) => {
  if (msg.type === 'exit') process.exit(0);
  if (msg.type === 'run') {
    run(msg.job).then(
      (result) => process.send?.({ type: 'result', result }),
      (err) => process.send?.({ type: 'error', message: String((err as Error)?.stack ?? err) }),
    );
  }
});
process.send?.({ type: 'ready' });
