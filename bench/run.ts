/**
 * `npm run bench` (every scenario) or `npm run bench -- <scenario…>`: how fast the shop answers
 * LINE and how much one small server holds, on this machine, over loopback only.
 *
 * Processes: this orchestrator runs the LINE simulator (it mints reply tokens and receives the
 * replies); each shop instance, the bare floor and the Express alternative run as their own
 * process; the load generator (undici) is another process. Each scenario prints a short table and
 * writes JSON to bench/results/. `--profile` runs shop instances under `node --cpu-prof` and prints
 * where their CPU time went.
 *
 * Scenarios: ack, e2e, checkout, payments, pg, compare, memory (see issue 7).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { countEventsByStatus } from '../src/line/inbox-repository';
import { encodePostback } from '../src/messages/postback';
import { type LineSimulator, startLineSimulator, type WebhookEvent } from '../src/sandbox/line';
import { seedDemoCatalogIfEmpty } from '../src/seed';
import { summarizeProfiles } from './profile-summary';
import type { LoadJob, LoadResult, ServerMessage } from './protocol';

const SECRET = 'bench-channel-secret-0123456789ab';
const TOKEN = 'bench-channel-access-token';
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RESULTS = join(__dirname, 'results');
const PROFILES = join(RESULTS, 'profiles');
const RATES = [250, 500, 1000, 2000];
const STEP_SECONDS = 3;
/** How long a rate step waits for its replies before counting the rest as not (yet) replied. */
const STEP_DRAIN_MS = 30_000;
const USERS = 400;
const E2E_EVENTS = 8_000;
const SATURATION_MS = 5_000;
const WARMUP = 200;
const MB = 1024 * 1024;

const args = process.argv.slice(2);
const profile = args.includes('--profile');
const wanted = args.filter((a) => !a.startsWith('--'));

// ---------------------------------------------------------------------------------------------
// Processes

interface ServerProc {
  url: string;
  idleRss: number;
  peakRss: number;
  lastRss: number;
  resetPeak(): void;
  stop(): Promise<void>;
}

function startServer(script: string, env: Record<string, string>, opts: { cpuProf?: boolean } = {}) {
  const execArgv = ['--import', 'tsx'];
  if (opts.cpuProf) execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROFILES}`);
  const child = fork(join(__dirname, script), [], {
    execArgv,
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ServerProc>((resolve, reject) => {
    const proc: ServerProc = {
      url: '',
      idleRss: 0,
      peakRss: 0,
      lastRss: 0,
      resetPeak: () => {
        proc.peakRss = proc.lastRss;
      },
      stop: () =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.send({ type: 'stop' });
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    };
    child.on('message', (m: ServerMessage) => {
      if (m.type === 'rss') {
        proc.lastRss = m.rss;
        proc.peakRss = Math.max(proc.peakRss, m.rss);
      } else if (m.type === 'ready') {
        proc.url = m.url;
        // Idle: after start-up settles, before any load.
        setTimeout(() => {
          proc.idleRss = proc.lastRss;
          proc.peakRss = proc.lastRss;
          resolve(proc);
        }, 1000);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

interface LoadGen {
  run(job: LoadJob): Promise<LoadResult>;
  close(): void;
}

function startLoadGen(): Promise<LoadGen> {
  const child: ChildProcess = fork(join(__dirname, 'loadgen.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve) => {
    child.once('message', () =>
      resolve({
        run: (job) =>
          new Promise((done, fail) => {
            child.once('message', (m: { type: string; result?: LoadResult; message?: string }) =>
              m.type === 'result' && m.result ? done(m.result) : fail(new Error(m.message)),
            );
            child.send({ type: 'run', job });
          }),
        close: () => child.send({ type: 'exit' }),
      }),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Databases

interface BenchDb {
  url: string;
  kind: 'sqlite' | 'postgres';
  inboxCounts(): Promise<Record<string, number>>;
  drop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database with the demo catalog. */
async function createDb(kind: 'sqlite' | 'postgres'): Promise<BenchDb & { productIds: number[] }> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'line-shop-bench-'));
    url = `sqlite:${join(dir, 'shop.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `line_shop_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const database = openDatabase(url, { poolSize: 2 });
  await migrateToLatest(database.db);
  await seedDemoCatalogIfEmpty(database.db, Date.now());
  const products = await database.db.selectFrom('products').select(['id', 'stock']).execute();
  return {
    url,
    kind,
    productIds: products.filter((p) => Number(p.stock) > 0).map((p) => Number(p.id)),
    inboxCounts: () => countEventsByStatus(database.db),
    drop: async () => {
      await database.close();
      await cleanup();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The LINE side: reply tokens minted by the simulator, replies counted there

const users = Array.from({ length: USERS }, (_, i) => `U${(0xbe00 + i).toString(16).padStart(32, '0')}`);

/**
 * Has the simulator mint `count` add-to-cart postbacks (each with its own reply token, which its
 * reply endpoint will accept once), captured instead of delivered, for the load generator to send.
 */
async function mintEvents(sim: LineSimulator, count: number, productIds: number[]): Promise<string> {
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
  const address = capture.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const previous = sim.webhookUrl;
  sim.setWebhookUrl(`http://127.0.0.1:${port}/`);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const productId = productIds[i % productIds.length] ?? 1;
      await sim.postback(users[i % users.length]!, encodePostback({ action: 'add', productId }));
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  sim.setWebhookUrl(previous);
  await new Promise<void>((r) => capture.close(() => r()));
  const file = join(mkdtempSync(join(tmpdir(), 'line-shop-bench-events-')), 'events.json');
  writeFileSync(file, JSON.stringify(events));
  return file;
}

const DELIVERY_PATHS = new Set(['/v2/bot/message/reply', '/v2/bot/message/push']);

interface Delivery {
  delivered: number;
  replies: number;
  pushes: number;
  failedCalls: number;
  lastAt: number;
  timedOut: boolean;
}

/** Waits until the bot has delivered `expected` messages since call `fromSeq` (or the timeout). */
async function waitDelivered(sim: LineSimulator, fromSeq: number, expected: number, timeoutMs: number) {
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

const lastSeq = (sim: LineSimulator) => sim.calls[sim.calls.length - 1]?.seq ?? 0;

// ---------------------------------------------------------------------------------------------
// Output

type Row = Record<string, string | number | boolean | undefined>;

function table(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: Row[string]) => (v === undefined ? '' : typeof v === 'number' ? String(v) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

function save(name: string, data: unknown): void {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(RESULTS, `${name}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ scenario: name, machine: machine(), data }, null, 2)}\n`);
  console.log(`→ ${file}`);
}

function machine() {
  return { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, platform: process.platform };
}

const mb = (bytes: number) => Math.round(bytes / MB);

// ---------------------------------------------------------------------------------------------
// Scenario building blocks

interface Env {
  sim: LineSimulator;
  load: LoadGen;
  memory: Row[];
  figures: Record<string, number>;
}

interface Shop {
  db: BenchDb & { productIds: number[] };
  instances: ServerProc[];
  targets: string[];
  stop(): Promise<void>;
}

async function startShop(env: Env, kind: 'sqlite' | 'postgres', count = 1): Promise<Shop> {
  const db = await createDb(kind);
  const instances: ServerProc[] = [];
  for (let i = 0; i < count; i++) {
    instances.push(
      await startServer(
        'shop-process.ts',
        {
          DATABASE_URL: db.url,
          LINE_CHANNEL_SECRET: SECRET,
          LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
          LINE_API_BASE_URL: env.sim.url,
          LINE_DATA_API_BASE_URL: env.sim.url,
          PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
        },
        { cpuProf: profile },
      ),
    );
  }
  return {
    db,
    instances,
    targets: instances.map((i) => i.url),
    stop: async () => {
      await Promise.all(instances.map((i) => i.stop()));
      await db.drop();
    },
  };
}

function recordMemory(env: Env, label: string, procs: ServerProc[]): Row {
  const row = {
    scenario: label,
    'idle MB': procs.map((p) => mb(p.idleRss)).join('+'),
    'peak MB': procs.map((p) => mb(p.peakRss)).join('+'),
    'under 250 MB': procs.every((p) => p.peakRss < 250 * MB),
  };
  env.memory.push(row);
  return row;
}

interface StepRow extends Row {
  'rate/s': number;
  sent: number;
  errors: number;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number;
}

/** Offered-rate steps against `targets`; between steps, waits for the replies so steps start clean. */
async function rateSteps(
  env: Env,
  targets: string[],
  opts: { mint?: number[]; countReplies: boolean },
): Promise<{ rows: StepRow[]; held: number; raw: unknown[] }> {
  const rows: StepRow[] = [];
  const raw: unknown[] = [];
  for (const rate of RATES) {
    const count = rate * STEP_SECONDS;
    const eventsFile = opts.mint ? await mintEvents(env.sim, count + WARMUP, opts.mint) : undefined;
    const mark = lastSeq(env.sim);
    const r = await env.load.run({
      targets,
      secret: SECRET,
      destination: env.sim.botUserId,
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
      const d = await waitDelivered(env.sim, mark, expected, STEP_DRAIN_MS);
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
async function saturate(env: Env, shop: Shop, count: number, maxMs?: number) {
  const eventsFile = await mintEvents(env.sim, count + WARMUP, shop.db.productIds);
  for (const i of shop.instances) i.resetPeak();
  const mark = lastSeq(env.sim);
  const r = await env.load.run({
    targets: shop.targets,
    secret: SECRET,
    destination: env.sim.botUserId,
    eventsFile,
    count,
    warmup: WARMUP,
    mode: 'closed',
    concurrency: 32,
    maxMs,
  });
  const all = await waitDelivered(env.sim, mark, r.sent + WARMUP, 120_000);
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
    } as Row,
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function ackScenario(env: Env, kind: 'sqlite' | 'postgres' = 'sqlite', label = 'ack') {
  const shop = await startShop(env, kind);
  try {
    const steps = await rateSteps(env, shop.targets, { mint: shop.db.productIds, countReplies: true });
    table(
      `(1) Webhook ack latency, ${kind}, one instance — offered add-to-cart postbacks, ${STEP_SECONDS} s per step`,
      steps.rows,
    );
    const at1000 = steps.rows.find((r) => r['rate/s'] === 1000);
    console.log(
      `highest rate held with p99 < 100 ms and no errors: ${steps.held}/s; p99 at 1,000/s: ${at1000?.['p99 ms']} ms (target < 20 ms on SQLite)`,
    );
    env.figures[`${kind} ack held/s`] = steps.held;
    if (at1000) env.figures[`${kind} ack p99@1000 ms`] = at1000['p99 ms'];
    const mem = recordMemory(env, `${label} (${kind})`, shop.instances);
    save(label, { kind, steps: steps.raw, held: steps.held, memory: mem });
  } finally {
    await shop.stop();
  }
}

async function e2eScenario(env: Env, kind: 'sqlite' | 'postgres' = 'sqlite', instances = 1, label = 'e2e') {
  const shop = await startShop(env, kind, instances);
  try {
    const s = await saturate(env, shop, E2E_EVENTS);
    table(`(2) End to end at saturation, ${kind}, ${instances} instance(s) — every event to its reply`, [s.row]);
    env.figures[`${kind}×${instances} processed/s`] = Number(s.row['processed/s']);
    env.figures[`${kind}×${instances} ack/s`] = Number(s.row['ack/s']);
    const mem = recordMemory(env, `${label} (${kind}×${instances})`, shop.instances);
    save(label, { kind, instances, ...s, memory: mem });
  } finally {
    await shop.stop();
  }
}

async function pgScenario(env: Env) {
  try {
    await adminQuery('SELECT 1');
  } catch (err) {
    console.log(`\n(5) PostgreSQL: skipped, cannot reach ${PG_ADMIN} (${(err as Error).message})`);
    return;
  }
  await ackScenario(env, 'postgres', 'pg-ack');
  await e2eScenario(env, 'postgres', 1, 'pg-e2e');
  await e2eScenario(env, 'postgres', 2, 'pg-e2e-2');
}

async function compareScenario(env: Env) {
  const simEnv = {
    LINE_CHANNEL_SECRET: SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
    LINE_API_BASE_URL: env.sim.url,
  };
  const results: Record<string, unknown> = {};
  const summary: Row[] = [];
  const productIds = [1, 2, 3];

  // (a) The floor: signature check + 200.
  const floor = await startServer('floor-server.ts', simEnv);
  try {
    const steps = await rateSteps(env, [floor.url], { countReplies: false });
    const sat = await env.load.run({
      targets: [floor.url],
      secret: SECRET,
      destination: env.sim.botUserId,
      warmup: WARMUP,
      count: 1_000_000,
      mode: 'closed',
      concurrency: 32,
      maxMs: SATURATION_MS,
    });
    table('(6a) Floor: bare Fastify route, signature check only', steps.rows);
    summary.push({ server: 'bare Fastify floor', 'held/s': steps.held, 'ack/s': sat.achievedRate, 'processed/s': '' });
    env.figures['floor ack/s'] = sat.achievedRate;
    results.floor = { steps: steps.raw, saturation: sat, memory: recordMemory(env, 'floor', [floor]) };
  } finally {
    await floor.stop();
  }

  // (b) Express + @line/bot-sdk middleware, replying to each event before answering.
  const express = await startServer('express-server.ts', simEnv);
  try {
    const steps = await rateSteps(env, [express.url], { mint: productIds, countReplies: true });
    const count = 20_000;
    const eventsFile = await mintEvents(env.sim, count + WARMUP, productIds);
    const sat = await env.load.run({
      targets: [express.url],
      secret: SECRET,
      destination: env.sim.botUserId,
      eventsFile,
      count,
      warmup: WARMUP,
      mode: 'closed',
      concurrency: 32,
      maxMs: SATURATION_MS,
    });
    // Express replies before it answers: every reply of the counted run is in by now.
    const mark = lastSeq(env.sim) - sat.ok;
    const d = await waitDelivered(env.sim, mark, sat.ok, 30_000);
    const processed = Math.round(d.delivered / ((Math.max(d.lastAt, sat.endedAt) - sat.startedAt) / 1000));
    table('(6b) Express + @line/bot-sdk middleware, reply per event', steps.rows);
    summary.push({
      server: 'Express + bot-sdk',
      'held/s': steps.held,
      'ack/s': sat.achievedRate,
      'processed/s': processed,
    });
    env.figures['express ack/s'] = sat.achievedRate;
    env.figures['express processed/s'] = processed;
    results.express = {
      steps: steps.raw,
      saturation: sat,
      delivery: d,
      memory: recordMemory(env, 'express', [express]),
    };
  } finally {
    await express.stop();
  }

  // (c) The shop, same load; its processed/s comes from the end-to-end scenario.
  if (env.figures['sqlite×1 processed/s'] === undefined) await e2eScenario(env, 'sqlite', 1);
  if (env.figures['sqlite ack held/s'] === undefined) await ackScenario(env, 'sqlite');
  const shop = await startShop(env, 'sqlite');
  try {
    const s = await saturate(env, shop, 8_000, SATURATION_MS);
    summary.push({
      server: 'line-shop (SQLite)',
      'held/s': env.figures['sqlite ack held/s'],
      'ack/s': Number(s.row['ack/s']),
      'processed/s': env.figures['sqlite×1 processed/s'],
    });
    env.figures['shop ack/s'] = Number(s.row['ack/s']);
    results.shop = { saturation: s, memory: recordMemory(env, 'compare shop (sqlite)', shop.instances) };
  } finally {
    await shop.stop();
  }
  const f = env.figures;
  const ratio = (a?: number, b?: number) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);
  const ratios = {
    'shop ack/s ÷ floor ack/s': ratio(f['shop ack/s'], f['floor ack/s']),
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

function checkoutPieces(): string[] {
  const need = [
    ['src/shop/checkout-service.ts', 'checkout service'],
    ['src/payments/qpay-routes.ts', '/payments/qpay/notify route'],
    ['src/sandbox/bank/index.ts', 'bank simulator'],
  ];
  const tracked = (p: string) => {
    try {
      return readdirSync(join(__dirname, '..', p, '..')).includes(p.split('/').pop() ?? '');
    } catch {
      return false;
    }
  };
  return need.filter(([p]) => !tracked(p ?? '')).map(([, what]) => what ?? '');
}

async function checkoutScenario(): Promise<void> {
  const missing = checkoutPieces();
  const why = missing.length
    ? `missing: ${missing.join(', ')}`
    : 'the checkout flow (issue 4) is still in progress; the bench will drive it once it is merged';
  console.log(`\n(3) Checkout/s: not yet — ${why}`);
  save('checkout', { status: 'not yet', reason: why });
}

async function paymentsScenario(): Promise<void> {
  const why = 'needs the finished checkout + QPay notify handling from issue 4';
  console.log(`\n(4) Payment burst: not yet — ${why}`);
  save('payments', { status: 'not yet', reason: why });
}

async function memoryScenario(env: Env) {
  if (env.memory.length === 0) await e2eScenario(env, 'sqlite', 1);
  table('(7) RSS of each server process, idle and at peak (target < 250 MB)', env.memory);
  save('memory', env.memory);
}

// ---------------------------------------------------------------------------------------------

const scenarios: Record<string, (env: Env) => Promise<void>> = {
  ack: (env) => ackScenario(env),
  e2e: (env) => e2eScenario(env),
  checkout: () => checkoutScenario(),
  payments: () => paymentsScenario(),
  pg: pgScenario,
  compare: compareScenario,
  memory: memoryScenario,
};

async function main(): Promise<number> {
  const unknown = wanted.filter((w) => !scenarios[w]);
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}`);
    return 2;
  }
  const run = wanted.length ? wanted : Object.keys(scenarios);
  if (profile) rmSync(PROFILES, { recursive: true, force: true });
  const sim = await startLineSimulator({
    channelSecret: SECRET,
    channelAccessToken: TOKEN,
    allowHttpImages: true,
    chatPage: false,
  });
  const load = await startLoadGen();
  const env: Env = { sim, load, memory: [], figures: {} };
  const started = Date.now();
  try {
    console.log(`line-shop bench on ${machine().cpus}× ${machine().model}, node ${process.version}`);
    for (const name of run) {
      const t = Date.now();
      await scenarios[name]!(env);
      sim.clearCalls();
      console.log(`(${name}: ${Math.round((Date.now() - t) / 1000)} s)`);
    }
    if (run.length > 1 && !run.includes('memory')) await memoryScenario(env);
    table(
      'Key figures',
      Object.entries(env.figures).map(([k, v]) => ({ figure: k, value: v })),
    );
    if (profile) summarizeProfiles(PROFILES);
  } finally {
    load.close();
    await sim.close();
  }
  console.log(`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
