/**
 * (8) Issue 17's performance targets in one table: the BUILT shop (`node dist/server.js`)
 * beside Express + @line/bot-sdk and the bare Fastify floor, same load, same run:
 *   - closed loop, 64 connections: acknowledged and processed events/s (processed = replies that
 *     reached the LINE simulator while the load ran, per second of load);
 *   - the shop's processed/s at 2× its keep-up rate, against its best;
 *   - ack p99 at 1,000 events/s (and whether every event was processed);
 *   - peak RSS at 2,000 events/s, and idle RSS.
 * Keep-up rate: the highest of 250, 500, 1,000, 2,000/s offered that was acknowledged at the
 * offered rate (≥ 95 % of it) and whose events were all processed within 1 s after the load ended.
 */
import type { LineSimulator } from '../../src/sandbox/line';
import { startBuiltShop } from '../support/built-shop';
import type { BenchContext } from '../support/context';
import { cpuMeter } from '../support/cpu-time';
import { lastSeq, mintEvents, SECRET, TOKEN, waitDelivered } from '../support/line-platform';
import { SATURATION_MS, WARMUP } from '../support/load';
import { mb, type Row, save, table } from '../support/output';
import { LOAD_CORE, pin, pinningNote, unpin } from '../support/pinning';
import { type ServerProc, startServer } from '../support/processes';

const CONNECTIONS = 64;
const STEP_S = 3;
const DRAIN_MS = 60_000;
/** Of the offered rate, what a step must have acknowledged to count as kept up. */
const KEPT_UP_ACK_SHARE = 0.95;
const DELIVERY = new Set(['/v2/bot/message/reply', '/v2/bot/message/push']);

/** Messages delivered to the simulator after call `fromSeq` and between `from` and `to` (epoch ms). */
function deliveredBetween(sim: LineSimulator, fromSeq: number, from: number, to: number): number {
  let n = 0;
  for (const c of sim.calls)
    if (c.seq > fromSeq && DELIVERY.has(c.path) && c.status === 200 && c.at >= from && c.at <= to) n++;
  return n;
}

interface Target {
  label: string;
  processes: boolean;
  proc: ServerProc;
  productIds: number[];
}

async function openLoop(ctx: BenchContext, t: Target, rate: number) {
  const count = rate * STEP_S;
  const eventsFile = t.processes ? await mintEvents(ctx.sim, count + WARMUP, t.productIds) : undefined;
  // The simulator scans its call log: a log grown by minting slows the replies of every server.
  ctx.sim.clearCalls();
  const mark = lastSeq(ctx.sim);
  t.proc.resetPeak();
  // From here (after minting, which is the simulator's work) until every event was answered.
  const cpu = cpuMeter({ server: t.proc.pid });
  const r = await ctx.load.run({
    targets: [t.proc.url],
    secret: SECRET,
    destination: ctx.sim.botUserId,
    eventsFile,
    count,
    warmup: WARMUP,
    mode: 'rate',
    rate,
  });
  const peak = t.proc.peakRss;
  const cpuOf = () => ({ perEvent: cpu.perEvent(r.sent + WARMUP).server, busy: cpu.busyShare().server });
  if (!t.processes) return { r, peak, inWindow: 0, all: 0, drainS: 0, cpu: cpuOf() };
  const inWindow = Math.round(
    deliveredBetween(ctx.sim, mark, r.startedAt, r.endedAt) / ((r.endedAt - r.startedAt) / 1000),
  );
  const d = await waitDelivered(ctx.sim, mark, count + WARMUP, DRAIN_MS);
  const drainS = Math.round((Math.max(d.lastAt, r.endedAt) - r.endedAt) / 100) / 10;
  return { r, peak, inWindow, all: d.delivered - WARMUP, drainS, cpu: cpuOf() };
}

async function closed64(ctx: BenchContext, t: Target) {
  // Enough for 2,000 acks/s over the run, few enough to mint well within a reply token's minute.
  const count = 12_000;
  const eventsFile = t.processes ? await mintEvents(ctx.sim, count + WARMUP, t.productIds) : undefined;
  // The simulator scans its call log: a log grown by minting slows the replies of every server.
  ctx.sim.clearCalls();
  const mark = lastSeq(ctx.sim);
  const r = await ctx.load.run({
    targets: [t.proc.url],
    secret: SECRET,
    destination: ctx.sim.botUserId,
    eventsFile,
    count: t.processes ? count : 1_000_000,
    warmup: WARMUP,
    mode: 'closed',
    concurrency: CONNECTIONS,
    maxMs: SATURATION_MS,
  });
  if (!t.processes) return { r, processed: 0 };
  const processed = Math.round(
    deliveredBetween(ctx.sim, mark, r.startedAt, r.endedAt) / ((r.endedAt - r.startedAt) / 1000),
  );
  // Let the backlog drain so the next run starts clean (bounded: a collapse shows as a long drain).
  await waitDelivered(ctx.sim, mark, r.sent + WARMUP, DRAIN_MS);
  return { r, processed };
}

async function measure(ctx: BenchContext, t: Target, stop: () => Promise<void>, keepUpOf?: 'self') {
  try {
    const idle = t.proc.idleRss;
    // Every server gets the same warm-up (JIT, heap sizes, connections) before anything counts: the
    // closed loop came first and measured a cold process, which made it the noisiest figure.
    await openLoop(ctx, t, 500);
    const c = await closed64(ctx, t);
    // CPU per event over the two open-loop steps (each waits until every event was answered):
    // unlike events/s it hardly moves when something else runs on the machine.
    const cpu = cpuMeter({ server: t.proc.pid });
    const at1000 = await openLoop(ctx, t, 1000);
    const at2000 = await openLoop(ctx, t, 2000);
    const cpuPerEvent = cpu.perEvent(at1000.r.sent + at2000.r.sent + 2 * WARMUP).server;
    const row: Row = {
      server: t.label,
      [`ack/s @${CONNECTIONS} conn`]: c.r.achievedRate,
      [`processed/s @${CONNECTIONS} conn`]: t.processes ? c.processed : '',
      'ack p99 @1000/s ms': at1000.r.p99,
      'processed all @1000/s': t.processes ? `${at1000.all}/${at1000.r.sent} (+${at1000.drainS}s)` : '',
      'idle MB': mb(idle),
      'peak MB @2000/s': mb(at2000.peak),
      'CPU ms/event': cpuPerEvent ?? '',
      // The 1,000/s step on its own: the ack tail follows how full the core is there, and there an
      // event costs more than the two steps' average (fewer events per batch than at 2,000/s).
      'CPU ms/event @1000/s': at1000.cpu.perEvent ?? '',
      'core busy @1000/s': at1000.cpu.busy ?? '',
    };
    const raw: Record<string, unknown> = { closed: c, at1000, at2000 };
    if (keepUpOf === 'self') {
      // Keep-up rate: the highest offered rate that was acknowledged at that rate and whose events
      // were all processed within 1 s of the load ending. The ack rate counts because pacing slows
      // the acks of a shop that falls behind: the load then ends late, and "processed within 1 s of
      // its end" alone called 2,000/s kept up on a VM where the shop handled ~900/s.
      // Best: the most processed per second of load in any run.
      const steps = [await openLoop(ctx, t, 250), await openLoop(ctx, t, 500), at1000, at2000];
      const rates = [250, 500, 1000, 2000];
      const keptUp = rates.filter((rate, i) => {
        const s = steps[i]!;
        return s.r.achievedRate >= rate * KEPT_UP_ACK_SHARE && s.all >= s.r.sent && s.drainS <= 1;
      });
      const keepUp = Math.max(250, ...keptUp);
      const over = await openLoop(ctx, t, keepUp * 2);
      const best = Math.max(c.processed, over.inWindow, ...steps.map((s) => s.inWindow));
      row['keep-up /s'] = keepUp;
      row['best processed/s'] = best;
      row['processed/s @2× keep-up'] = over.inWindow;
      row['÷ best'] = Math.round((over.inWindow / best) * 100) / 100;
      // The closed loop's best is with acks paced to the worker; offered at a fixed rate, acks cannot
      // be slowed, so this is the same ratio against the best of the open-loop steps alone.
      const bestOpen = Math.max(over.inWindow, ...steps.map((s) => s.inWindow));
      row['÷ best open loop'] = Math.round((over.inWindow / bestOpen) * 100) / 100;
      raw.overload = { best, keepUp, steps: steps.map((s) => ({ ...s, r: { ...s.r, sentAt: undefined } })), over };
      ctx.figures['built shop processed/s @2× keep-up ÷ best'] = Number(row['÷ best']);
    }
    return { row, raw };
  } finally {
    await stop();
  }
}

export async function overloadScenario(ctx: BenchContext) {
  // As issue 17 measured: each server alone on one core, load and LINE simulator on the other.
  pin(process.pid, LOAD_CORE);
  pin(ctx.load.pid, LOAD_CORE);
  try {
    await runOverload(ctx);
  } finally {
    unpin(process.pid);
    unpin(ctx.load.pid);
  }
}

async function runOverload(ctx: BenchContext) {
  const simEnv = {
    LINE_CHANNEL_SECRET: SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
    ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
    LINE_API_BASE_URL: ctx.sim.url,
  };
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};

  // BENCH_SHOP_ONLY=1: the shop alone (while profiling or trying a change); the table then lacks
  // the references, so keep the full run for figures.
  const refs = process.env.BENCH_SHOP_ONLY !== '1';
  if (refs) {
    const floor = await startServer('floor-server.ts', simEnv, { pinned: true });
    const f = await measure(
      ctx,
      { label: 'bare Fastify floor (tsx)', processes: false, proc: floor, productIds: [] },
      () => floor.stop(),
    );
    rows.push(f.row);
    raw.floor = f.raw;

    const express = await startServer('express-server.ts', simEnv, { pinned: true });
    const e = await measure(
      ctx,
      { label: 'Express + bot-sdk (tsx)', processes: true, proc: express, productIds: [1, 2, 3] },
      () => express.stop(),
    );
    rows.push(e.row);
    raw.express = e.raw;
  }

  const shop = await startBuiltShop(ctx);
  const m = await measure(
    ctx,
    { label: 'line-shop, built (SQLite)', processes: true, proc: shop.instances[0]!, productIds: shop.db.productIds },
    () => shop.stop(),
    'self',
  );
  rows.push(m.row);
  raw.shop = m.raw;

  // One column set for all: the keep-up columns are the shop's only.
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const full = rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? ''])) as Row);
  const [ex, sh] = refs ? rows.slice(1) : [undefined, rows[0]];
  ctx.figures['built shop processed/s @64 conn'] = Number(sh?.[`processed/s @${CONNECTIONS} conn`]);
  ctx.figures['express processed/s @64 conn'] = Number(ex?.[`processed/s @${CONNECTIONS} conn`]);
  ctx.figures['built shop ack p99@1000 ms'] = Number(sh?.['ack p99 @1000/s ms']);
  ctx.figures['built shop idle MB'] = Number(sh?.['idle MB']);
  ctx.figures['built shop peak MB @2000/s'] = Number(sh?.['peak MB @2000/s']);
  ctx.figures['express peak MB @2000/s'] = Number(ex?.['peak MB @2000/s']);
  table(
    `(8) Overload and memory targets (issue 17), the shop from the build; ${CONNECTIONS} connections closed loop, ${STEP_S} s per open-loop step; ${pinningNote()}`,
    full,
  );
  save('overload', { rows, raw });
}
