/**
 * Driving load through the load generator: offered-rate steps, closed-loop saturation (to the
 * replies, or acks only), and the CPU time per event of every process in the loop.
 */
import type { BenchContext } from './context';
import { cpuMeter } from './cpu-time';
import { lastSeq, mintEvents, SECRET, waitDelivered } from './line-platform';
import type { Row } from './output';
import type { ServerProc } from './processes';
import type { LoadResult } from './protocol';
import type { Shop } from './shop';

const RATES = [250, 500, 1000, 2000];
export const STEP_SECONDS = 3;
/** How long a rate step waits for its replies before counting the rest as not (yet) replied. */
const STEP_DRAIN_MS = 30_000;
export const SATURATION_MS = 5_000;
/** Sent before each run, 4 in flight, and left out of its figures: JIT and connections warm up. */
export const WARMUP = 200;

export interface StepRow extends Row {
  'rate/s': number;
  sent: number;
  errors: number;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number;
}

/** Webhook bodies to `targets`, signed with the bench channel's secret, for the simulator's bot. */
function webhookJob(ctx: BenchContext, targets: string[]) {
  return { targets, secret: SECRET, destination: ctx.sim.botUserId };
}

/**
 * `count` webhook events (from `eventsFile`, else synthetic ones) with 32 in flight, each sent as
 * soon as the previous one is answered, until all are sent or `maxMs` has passed.
 */
export function closedLoop(
  ctx: BenchContext,
  targets: string[],
  job: { eventsFile?: string; count: number; maxMs?: number; warmup?: number; recordSentAt?: boolean },
): Promise<LoadResult> {
  return ctx.load.run({ ...webhookJob(ctx, targets), warmup: WARMUP, ...job, mode: 'closed', concurrency: 32 });
}

/** Offered-rate steps against `targets`; between steps, waits for the replies so steps start clean. */
export async function rateSteps(
  ctx: BenchContext,
  targets: string[],
  opts: { mint?: number[]; countReplies: boolean },
): Promise<{ rows: StepRow[]; held: number; raw: unknown[] }> {
  const rows: StepRow[] = [];
  const raw: unknown[] = [];
  for (const rate of RATES) {
    const count = rate * STEP_SECONDS;
    const eventsFile = opts.mint ? await mintEvents(ctx.sim, count + WARMUP, opts.mint) : undefined;
    const mark = lastSeq(ctx.sim);
    const r = await ctx.load.run({
      ...webhookJob(ctx, targets),
      eventsFile,
      count,
      warmup: WARMUP,
      mode: 'rate',
      rate,
    });
    const row: StepRow = {
      'rate/s': rate,
      sent: r.sent,
      errors: r.errors,
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'max ms': r.max,
    };
    if (opts.countReplies) {
      const expected = count + WARMUP;
      const d = await waitDelivered(ctx.sim, mark, expected, STEP_DRAIN_MS);
      row.replied = d.delivered - WARMUP;
      row['drained s'] = Math.round((Math.max(d.lastAt, r.endedAt) - r.endedAt) / 100) / 10;
      row[`unreplied@${STEP_DRAIN_MS / 1000}s`] = Math.max(0, expected - d.delivered);
      row.dup = Math.max(0, d.delivered - expected);
    }
    rows.push(row);
    raw.push({ rate, load: r, row });
  }
  const held = Math.max(0, ...rows.filter((r) => r['p99 ms'] < 100 && r.errors === 0).map((r) => r['rate/s']));
  return { rows, held, raw };
}

/** Sends `count` events as fast as the server answers (32 in flight), then waits for every reply. */
export async function saturate(ctx: BenchContext, shop: Shop, count: number, maxMs?: number) {
  const eventsFile = await mintEvents(ctx.sim, count + WARMUP, shop.db.productIds);
  for (const i of shop.instances) i.resetPeak();
  const mark = lastSeq(ctx.sim);
  const cpu = meterCpu(ctx, shop.instances);
  const r = await closedLoop(ctx, shop.targets, { eventsFile, count, maxMs });
  const all = await waitDelivered(ctx.sim, mark, r.sent + WARMUP, 120_000);
  const cpuPerEvent = cpu.perEvent(r.sent + WARMUP);
  const d = { ...all, delivered: all.delivered - WARMUP };
  const sent = r.sent;
  const seconds = (Math.max(d.lastAt, r.endedAt) - r.startedAt) / 1000;
  const inbox = await shop.db.inboxCounts();
  return {
    load: r,
    delivery: d,
    inbox,
    row: {
      events: sent,
      'ack/s': r.achievedRate,
      'ack p99 ms': r.p99,
      errors: r.errors,
      'processed/s': Math.round(d.delivered / seconds),
      replies: d.replies,
      pushes: d.pushes,
      lost: Math.max(0, sent - d.delivered),
      dup: Math.max(0, d.delivered - sent),
      'inbox pending': inbox.pending ?? 0,
      ...cpuColumns(cpuPerEvent),
    } as Row,
  };
}

/**
 * CPU time per event of every process in the loop: the server(s), the load generator and this
 * process (the LINE simulator receiving the replies). On a 2-core machine their sum bounds events/s.
 */
export function meterCpu(ctx: BenchContext, servers: ServerProc[]) {
  return cpuMeter({
    ...Object.fromEntries(servers.map((s, i) => [`server${servers.length > 1 ? i + 1 : ''}`, s.pid])),
    loadgen: ctx.load.pid,
    'LINE sim': process.pid,
  });
}

/** Acks only: synthetic events, 32 in flight, for SATURATION_MS; nothing waits for replies. */
export async function saturateAcks(ctx: BenchContext, servers: ServerProc[]) {
  const meter = meterCpu(ctx, servers);
  const sat = await closedLoop(
    ctx,
    servers.map((s) => s.url),
    { count: 1_000_000, maxMs: SATURATION_MS },
  );
  return { sat, cpu: cpuColumns(meter.perEvent(sat.sent + WARMUP)) };
}

/** One column per process: its CPU ms per event. */
export function cpuColumns(perEvent: Record<string, number>): Row {
  return Object.fromEntries(Object.entries(perEvent).map(([name, ms]) => [`${name} CPU ms/ev`, ms]));
}
