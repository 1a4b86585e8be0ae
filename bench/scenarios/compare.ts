/**
 * (6) Side by side at saturation: the bare Fastify floor, Express + @line/bot-sdk, the shop, and
 * the shop's webhook alone (worker paused), with the ratios the targets are stated in.
 */
import { type BenchContext, recordMemory } from '../support/context';
import { lastSeq, mintEvents, SECRET, TOKEN, waitDelivered } from '../support/line-platform';
import {
  closedLoop,
  cpuColumns,
  meterCpu,
  rateSteps,
  SATURATION_MS,
  saturate,
  saturateAcks,
  WARMUP,
} from '../support/load';
import { type Row, save, table } from '../support/output';
import { startServer } from '../support/processes';
import { startShop } from '../support/shop';
import { ackScenario } from './ack';
import { e2eScenario } from './e2e';

export async function compareScenario(ctx: BenchContext) {
  const simEnv = {
    LINE_CHANNEL_SECRET: SECRET,
    ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
    LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
    LINE_API_BASE_URL: ctx.sim.url,
  };
  const results: Record<string, unknown> = {};
  const summary: Row[] = [];
  const productIds = [1, 2, 3];

  // (a) The floor: signature check + 200.
  const floor = await startServer('floor-server.ts', simEnv);
  try {
    const steps = await rateSteps(ctx, [floor.url], { countReplies: false });
    const { sat, cpu } = await saturateAcks(ctx, [floor]);
    table('(6a) Floor: bare Fastify route, signature check only', steps.rows);
    summary.push({
      server: 'bare Fastify floor',
      'held/s': steps.held,
      'ack/s': sat.achievedRate,
      'processed/s': '',
      ...cpu,
    });
    ctx.figures['floor ack/s'] = sat.achievedRate;
    results.floor = { steps: steps.raw, saturation: sat, memory: recordMemory(ctx, 'floor', [floor]) };
  } finally {
    await floor.stop();
  }

  // (b) Express + @line/bot-sdk middleware, replying to each event before answering.
  const express = await startServer('express-server.ts', simEnv);
  try {
    const steps = await rateSteps(ctx, [express.url], { mint: productIds, countReplies: true });
    const count = 20_000;
    const eventsFile = await mintEvents(ctx.sim, count + WARMUP, productIds);
    const cpu = meterCpu(ctx, [express]);
    const sat = await closedLoop(ctx, [express.url], { eventsFile, count, maxMs: SATURATION_MS });
    // Express replies before it answers: every reply of the counted run is in by now.
    const mark = lastSeq(ctx.sim) - sat.ok;
    const d = await waitDelivered(ctx.sim, mark, sat.ok, 30_000);
    const cpuPerEvent = cpu.perEvent(sat.sent + WARMUP);
    const processed = Math.round(d.delivered / ((Math.max(d.lastAt, sat.endedAt) - sat.startedAt) / 1000));
    table('(6b) Express + @line/bot-sdk middleware, reply per event', steps.rows);
    summary.push({
      server: 'Express + bot-sdk',
      'held/s': steps.held,
      'ack/s': sat.achievedRate,
      'processed/s': processed,
      ...cpuColumns(cpuPerEvent),
    });
    ctx.figures['express ack/s'] = sat.achievedRate;
    ctx.figures['express processed/s'] = processed;
    results.express = {
      steps: steps.raw,
      saturation: sat,
      delivery: d,
      memory: recordMemory(ctx, 'express', [express]),
    };
  } finally {
    await express.stop();
  }

  // (c) The shop, same load; its processed/s comes from the end-to-end scenario.
  if (ctx.figures['sqlite×1 processed/s'] === undefined) await e2eScenario(ctx, 'sqlite', 1);
  if (ctx.figures['sqlite ack held/s'] === undefined) await ackScenario(ctx, 'sqlite');
  const shop = await startShop(ctx, 'sqlite');
  try {
    const s = await saturate(ctx, shop, 8_000, SATURATION_MS);
    summary.push({
      server: 'line-shop (SQLite)',
      'held/s': ctx.figures['sqlite ack held/s'],
      'ack/s': Number(s.row['ack/s']),
      'processed/s': ctx.figures['sqlite×1 processed/s'],
      ...Object.fromEntries(Object.entries(s.row).filter(([k]) => k.endsWith('CPU ms/ev'))),
    });
    ctx.figures['shop ack/s'] = Number(s.row['ack/s']);
    results.shop = { saturation: s, memory: recordMemory(ctx, 'compare shop (sqlite)', shop.instances) };
  } finally {
    await shop.stop();
  }
  // (d) The shop's front door alone: the event worker paused, so every core cycle goes to
  // verifying, storing (durably) and acknowledging webhooks. Shows what the real work costs.
  const door = await startShop(ctx, 'sqlite', 1, undefined, { BENCH_NO_JOBS: '1' });
  try {
    const { sat, cpu } = await saturateAcks(ctx, door.instances);
    summary.push({
      server: 'line-shop webhook only (worker paused)',
      'held/s': '',
      'ack/s': sat.achievedRate,
      'processed/s': '',
      ...cpu,
    });
    ctx.figures['shop ack/s, worker paused'] = sat.achievedRate;
    results.shopWebhookOnly = { saturation: sat, memory: recordMemory(ctx, 'shop webhook only', door.instances) };
  } finally {
    await door.stop();
  }

  const f = ctx.figures;
  const ratio = (a?: number, b?: number) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);
  const ratios = {
    'shop ack/s ÷ floor ack/s': ratio(f['shop ack/s'], f['floor ack/s']),
    'shop ack/s with the worker paused ÷ floor ack/s': ratio(f['shop ack/s, worker paused'], f['floor ack/s']),
    'shop processed/s ÷ floor ack/s': ratio(f['sqlite×1 processed/s'], f['floor ack/s']),
    'shop ack/s ÷ Express ack/s': ratio(f['shop ack/s'], f['express ack/s']),
    'shop processed/s ÷ Express processed/s': ratio(f['sqlite×1 processed/s'], f['express processed/s']),
  };
  table('(6) Side by side, saturation with 32 requests in flight (one event per body)', summary);
  table(
    '(6) Ratios (targets: ≥ 0.5× floor, ≥ 1× Express)',
    Object.entries(ratios).map(([k, v]) => ({ ratio: k, value: v })),
  );
  save('compare', { ...results, summary, ratios });
}
