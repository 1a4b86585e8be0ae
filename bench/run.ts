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
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import type { DB } from '../src/db/types';
import { countEventsByStatus } from '../src/line/inbox-repository';
import { orderCopy } from '../src/messages/copy';
import { encodePostback } from '../src/messages/postback';
import {
  type BankSimulator,
  DEMO_QPAY_CREDENTIALS,
  silentLogger as silentBankLogger,
  startBankSimulator,
} from '../src/sandbox/bank';
import { type LineSimulator, startLineSimulator, type WebhookEvent } from '../src/sandbox/line';
import { seedDemoCatalogIfEmpty } from '../src/seed';
import { cartLines, findOpenCart } from '../src/shop/cart-repository';
import { cartVersion } from '../src/shop/cart-service';
import { cpuMeter } from './cpu-time';
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
  pid: number;
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
      pid: child.pid as number,
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
  pid: number;
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
        pid: child.pid as number,
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
  /** The orchestrator's own connection (checks, pre-filled carts). */
  db: Kysely<DB>;
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
    db: database.db,
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
  const postbacks = Array.from({ length: count }, (_, i) => ({
    userId: users[i % users.length]!,
    data: encodePostback({ action: 'add', productId: productIds[i % productIds.length] ?? 1 }),
  }));
  return (await mintPostbacks(sim, postbacks)).file;
}

/** The simulator mints these postbacks (reply tokens included); captured, written to a file for the load generator. */
async function mintPostbacks(
  sim: LineSimulator,
  postbacks: Array<{ userId: string; data: string }>,
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
  const address = capture.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const previous = sim.webhookUrl;
  sim.setWebhookUrl(`http://127.0.0.1:${port}/`);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const p = postbacks[next++]!;
      await sim.postback(p.userId, p.data);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  sim.setWebhookUrl(previous);
  await new Promise<void>((r) => capture.close(() => r()));
  const file = join(mkdtempSync(join(tmpdir(), 'line-shop-bench-events-')), 'events.json');
  writeFileSync(file, JSON.stringify(events));
  return { file, events };
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

/** A free TCP port on loopback (so PUBLIC_BASE_URL, the bank's BackendURL, is known before start). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** QPay settings pointing a shop at the bank simulator (as test/support/shop-harness.ts does). */
function qpayEnv(bank: BankSimulator): Record<string, string> {
  return {
    QPAY_BASE_URL: bank.baseUrl,
    QPAY_SHOP_NO: bank.credentials.shopNo,
    QPAY_A1: bank.credentials.a1,
    QPAY_A2: bank.credentials.a2,
    QPAY_B1: bank.credentials.b1,
    QPAY_B2: bank.credentials.b2,
    QPAY_KEY_ID: bank.credentials.keyId,
  };
}

async function startShop(
  env: Env,
  kind: 'sqlite' | 'postgres',
  count = 1,
  bank?: BankSimulator,
  extraEnv: Record<string, string> = {},
): Promise<Shop> {
  const db = await createDb(kind);
  const instances: ServerProc[] = [];
  for (let i = 0; i < count; i++) {
    const port = bank ? await freePort() : 0;
    instances.push(
      await startServer(
        'shop-process.ts',
        {
          DATABASE_URL: db.url,
          LINE_CHANNEL_SECRET: SECRET,
          LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
          LINE_API_BASE_URL: env.sim.url,
          LINE_DATA_API_BASE_URL: env.sim.url,
          PUBLIC_BASE_URL: bank ? `http://127.0.0.1:${port}` : 'http://127.0.0.1:3000',
          BENCH_LISTEN_PORT: String(port),
          ...(bank ? qpayEnv(bank) : {}),
          ...extraEnv,
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
  const cpu = meterCpu(env, shop.instances);
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
function meterCpu(env: Env, servers: ServerProc[]) {
  return cpuMeter({
    ...Object.fromEntries(servers.map((s, i) => [`server${servers.length > 1 ? i + 1 : ''}`, s.pid])),
    loadgen: env.load.pid,
    'LINE sim': process.pid,
  });
}

/** Acks only: synthetic events, 32 in flight, for SATURATION_MS; nothing waits for replies. */
async function saturateAcks(env: Env, servers: ServerProc[]) {
  const meter = meterCpu(env, servers);
  const sat = await env.load.run({
    targets: servers.map((s) => s.url),
    secret: SECRET,
    destination: env.sim.botUserId,
    warmup: WARMUP,
    count: 1_000_000,
    mode: 'closed',
    concurrency: 32,
    maxMs: SATURATION_MS,
  });
  return { sat, cpu: cpuColumns(meter.perEvent(sat.sent + WARMUP)) };
}

function cpuColumns(perEvent: Record<string, number>): Row {
  return Object.fromEntries(Object.entries(perEvent).map(([name, ms]) => [`${name} CPU ms/ev`, ms]));
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
    const { sat, cpu } = await saturateAcks(env, [floor]);
    table('(6a) Floor: bare Fastify route, signature check only', steps.rows);
    summary.push({
      server: 'bare Fastify floor',
      'held/s': steps.held,
      'ack/s': sat.achievedRate,
      'processed/s': '',
      ...cpu,
    });
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
    const cpu = meterCpu(env, [express]);
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
      ...Object.fromEntries(Object.entries(s.row).filter(([k]) => k.endsWith('CPU ms/ev'))),
    });
    env.figures['shop ack/s'] = Number(s.row['ack/s']);
    results.shop = { saturation: s, memory: recordMemory(env, 'compare shop (sqlite)', shop.instances) };
  } finally {
    await shop.stop();
  }
  // (d) The shop's front door alone: the event worker paused, so every core cycle goes to
  // verifying, storing (durably) and acknowledging webhooks. Shows what the real work costs.
  const door = await startShop(env, 'sqlite', 1, undefined, { BENCH_NO_JOBS: '1' });
  try {
    const { sat, cpu } = await saturateAcks(env, door.instances);
    summary.push({
      server: 'line-shop webhook only (worker paused)',
      'held/s': '',
      'ack/s': sat.achievedRate,
      'processed/s': '',
      ...cpu,
    });
    env.figures['shop ack/s, worker paused'] = sat.achievedRate;
    results.shopWebhookOnly = { saturation: sat, memory: recordMemory(env, 'shop webhook only', door.instances) };
  } finally {
    await door.stop();
  }

  const f = env.figures;
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

// ---------------------------------------------------------------------------------------------
// (3) Checkout and (4) payment burst: the bank simulator (in this process) in the loop

/** Each run: its database, bank latency and how many customers check out at once. */
const CHECKOUT_RUNS: Array<{ kind: 'sqlite' | 'postgres'; bankMs: number; users: number }> = [
  { kind: 'sqlite', bankMs: 0, users: 1000 },
  { kind: 'sqlite', bankMs: 300, users: 500 },
  { kind: 'postgres', bankMs: 0, users: 1000 },
  { kind: 'postgres', bankMs: 300, users: 500 },
];
const PAYMENT_ORDERS = 1000;
const DUPLICATE_SHARE = 0.2;
/** How long a run waits for its pay links or receipts before counting the rest as missing. */
const BANK_WAIT_MS = 90_000;
/** A card pay-link message carries the bank's hosted card page; a receipt carries its title. */
const PAY_LINK_MARK = '/QPay.WebPaySite/Bridge/PayCard';
const RECEIPT_MARK = `✅ ${orderCopy.receiptTitle}`;

function startBank(responseDelayMs: number): Promise<BankSimulator> {
  return startBankSimulator({
    credentials: DEMO_QPAY_CREDENTIALS,
    tickIntervalMs: 0, // no due jobs: no ATM auto-payments, no expiries, no notification retries
    notificationRetryDelaysMs: [],
    logger: silentBankLogger,
    responseDelayMs,
  });
}

async function pgReachable(): Promise<boolean> {
  try {
    await adminQuery('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

/**
 * The bot messages matching `mark` that each user received at the LINE simulator (with the time
 * each arrived), scanned incrementally; everything else the bot sent them counts as `other`.
 */
class MarkedMessages {
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

/** Fills one open cart per user straight into the database: 1–3 products, 1–2 units each. */
async function prefillCarts(db: Kysely<DB>, userIds: string[], productIds: number[]): Promise<number> {
  const now = Date.now();
  let units = 0;
  for (let start = 0; start < userIds.length; start += 200) {
    const chunk = userIds.slice(start, start + 200);
    const carts = await db
      .insertInto('carts')
      .values(chunk.map((u) => ({ line_user_id: u, status: 'open' as const, created_at: now, updated_at: now })))
      .returning(['id', 'line_user_id'])
      .execute();
    const items = carts.flatMap((c, j) => {
      const i = start + j;
      return Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        cart_id: c.id,
        product_id: productIds[(i + k) % productIds.length]!,
        quantity: 1 + ((i + k) % 2),
        added_at: now + k,
      }));
    });
    units += items.reduce((a, it) => a + it.quantity, 0);
    await db.insertInto('cart_items').values(items).execute();
  }
  return units;
}

/** Reserved units on the shelves vs units in orders that hold a reservation (pending, awaiting payment). */
async function reservationCheck(db: Kysely<DB>) {
  const reserved = await db
    .selectFrom('products')
    .select((eb) => eb.fn.sum<number>('reserved').as('n'))
    .executeTakeFirst();
  const held = await db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .where('orders.status', 'in', ['pending', 'awaiting_payment'])
    .select((eb) => eb.fn.sum<number>('order_items.quantity').as('n'))
    .executeTakeFirst();
  return { reserved: Number(reserved?.n ?? 0), heldByOrders: Number(held?.n ?? 0) };
}

/** Rows per status. */
async function countByStatus(db: Kysely<DB>, table: 'orders' | 'bank_notifications') {
  const rows =
    table === 'orders'
      ? await db
          .selectFrom('orders')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('status')
          .execute()
      : await db
          .selectFrom('bank_notifications')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('status')
          .execute();
  return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)])) as Record<string, number>;
}

/** Orders per user, and our bank orders against the bank simulator's. */
async function orderChecks(db: Kysely<DB>, bank: BankSimulator, userIds: string[]) {
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'order_no', 'line_user_id'])
    .where('line_user_id', 'in', userIds)
    .execute();
  const perUser = new Map<string, number>();
  for (const o of orders) perUser.set(o.line_user_id, (perUser.get(o.line_user_id) ?? 0) + 1);
  const payments = await db.selectFrom('payments').select(['bank_order_no', 'status']).execute();
  const ours = new Set(payments.filter((p) => p.status !== 'requested').map((p) => p.bank_order_no));
  const bankOrders = bank.orders();
  const perShopOrder = new Map<string, number>();
  const perOrderNo = new Map<string, number>();
  for (const b of bankOrders) {
    perShopOrder.set(b.param1 ?? '', (perShopOrder.get(b.param1 ?? '') ?? 0) + 1);
    perOrderNo.set(b.orderNo, (perOrderNo.get(b.orderNo) ?? 0) + 1);
  }
  const extra = (m: Map<string, number>) => [...m.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
  return {
    orders: orders.length,
    usersWithoutOrder: userIds.length - perUser.size,
    duplicatedOrders: extra(perUser),
    bankOrders: bankOrders.length,
    /** More than one bank order for one shop order, or one OrderNo twice. */
    duplicatedBankOrders: extra(perShopOrder) + extra(perOrderNo),
    /** At the bank but not recorded by us, or recorded by us but unknown to the bank. */
    bankOnly: bankOrders.filter((b) => !ours.has(b.orderNo)).length,
    oursOnly: [...ours].filter((no) => !perOrderNo.has(no)).length,
    statuses: await countByStatus(db, 'orders'),
  };
}

interface CheckoutRun {
  row: Row;
  checks: Row;
  userIds: string[];
  detail: Record<string, unknown>;
}

/**
 * `n` customers with filled carts tap "pay by card" at once (checkout postbacks from the load
 * generator, 32 in flight); measured until every one has its pay link at the LINE simulator.
 */
async function runCheckouts(env: Env, shop: Shop, bank: BankSimulator, n: number, bankMs: number) {
  const db = shop.db.db;
  const tag = randomBytes(4).toString('hex');
  const userIds = Array.from({ length: n }, (_, i) => `U${tag}${i.toString(16).padStart(24, '0')}`);
  // Plenty of stock: this measures the checkout path, not sell-outs.
  await db.updateTable('products').set({ stock: 1_000_000 }).where('id', 'in', shop.db.productIds).execute();
  const units = await prefillCarts(db, userIds, shop.db.productIds);
  // Each tap carries the version of its cart, as the 選擇付款方式 bubble's button would (read before timing).
  const taps: Array<{ userId: string; data: string }> = [];
  for (const userId of userIds) {
    const cart = await findOpenCart(db, userId);
    const v = cart ? cartVersion(cart.id, await cartLines(db, cart.id)) : '';
    taps.push({ userId, data: encodePostback({ action: 'checkout', payType: 'C', v }) });
  }
  const minted = await mintPostbacks(env.sim, taps);
  const payLinks = new MarkedMessages(env.sim, userIds, PAY_LINK_MARK);
  for (const i of shop.instances) i.resetPeak();
  const r = await env.load.run({
    targets: shop.targets,
    secret: SECRET,
    destination: env.sim.botUserId,
    eventsFile: minted.file,
    count: n,
    mode: 'closed',
    concurrency: 32,
    recordSentAt: true,
  });
  const complete = await payLinks.waitAll(BANK_WAIT_MS);
  const links = payLinks.summary();
  const latencies: number[] = [];
  minted.events.forEach((e, i) => {
    const user = (e as { source?: { userId?: string } }).source?.userId ?? '';
    const at = payLinks.times.get(user)?.[0];
    const sent = r.sentAt?.[i];
    if (at !== undefined && sent !== undefined) latencies.push(at - sent);
  });
  const seconds = (links.lastAt - r.startedAt) / 1000;
  const stock = await reservationCheck(db);
  const orders = await orderChecks(db, bank, userIds);
  const orderedUnits = await db
    .selectFrom('order_items')
    .select((eb) => eb.fn.sum<number>('quantity').as('n'))
    .executeTakeFirst();
  const row: Row = {
    db: shop.db.kind,
    'bank ms': bankMs,
    checkouts: n,
    'webhook errors': r.errors,
    'pay links': links.users,
    'checkouts/s': seconds > 0 ? Math.round(links.users / seconds) : 0,
    'pay link p50 ms': percentile(latencies, 50),
    'p99 ms': percentile(latencies, 99),
    'max ms': percentile(latencies, 100),
    'all in': complete,
  };
  const checks: Row = {
    db: shop.db.kind,
    'bank ms': bankMs,
    orders: orders.orders,
    'awaiting payment': orders.statuses.awaiting_payment ?? 0,
    'Σ reserved': stock.reserved,
    'Σ qty pending+awaiting': stock.heldByOrders,
    'reserved ok': stock.reserved === stock.heldByOrders && stock.heldByOrders === units,
    'dup orders': orders.duplicatedOrders,
    'bank orders': orders.bankOrders,
    'dup bank orders': orders.duplicatedBankOrders,
    'bank≠db': orders.bankOnly + orders.oursOnly,
    'dup links': links.duplicates,
    'other msgs': links.other,
  };
  const detail = {
    load: { ...r, sentAt: undefined },
    payLinks: links,
    cartUnits: units,
    orderedUnits: Number(orderedUnits?.n ?? 0),
    stock,
    orders,
    seconds,
  };
  return { row, checks, userIds, detail } satisfies CheckoutRun;
}

async function checkoutScenario(env: Env) {
  const rows: Row[] = [];
  const checks: Row[] = [];
  const details: unknown[] = [];
  const pg = await pgReachable();
  for (const run of CHECKOUT_RUNS) {
    if (run.kind === 'postgres' && !pg) {
      console.log(`\n(3) Checkout on PostgreSQL: skipped, cannot reach ${PG_ADMIN}`);
      continue;
    }
    const bank = await startBank(run.bankMs);
    const shop = await startShop(env, run.kind, 1, bank);
    try {
      const c = await runCheckouts(env, shop, bank, run.users, run.bankMs);
      rows.push(c.row);
      checks.push(c.checks);
      const memory = recordMemory(env, `checkout (${run.kind}, bank ${run.bankMs} ms)`, shop.instances);
      details.push({ ...run, ...c.detail, row: c.row, checks: c.checks, memory });
      env.figures[`checkouts/s ${run.kind} bank ${run.bankMs} ms`] = Number(c.row['checkouts/s']);
    } finally {
      await shop.stop();
      await bank.close();
    }
  }
  table('(3) Checkout: cart → pay link at LINE, bank simulator in the loop (target ≥ 200/s with a 0 ms bank)', rows);
  table('(3) Checks after checkout (reserved must equal the units of pending + awaiting-payment orders)', checks);
  save('checkout', details);
}

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

async function stockByProduct(db: Kysely<DB>) {
  const rows = await db.selectFrom('products').select(['id', 'stock', 'reserved']).execute();
  return new Map(rows.map((p) => [Number(p.id), { stock: Number(p.stock), reserved: Number(p.reserved) }]));
}

/**
 * 1,000 card orders made through the real checkout path, paid at the bank simulator with its own
 * notifications switched off; then 1,000 notifications + 20 % duplicates at once from the load
 * generator, measured until every receipt has reached the LINE simulator.
 */
async function paymentBurst(env: Env, kind: 'sqlite' | 'postgres') {
  const bank = await startBank(0);
  const shop = await startShop(env, kind, 1, bank);
  try {
    const co = await runCheckouts(env, shop, bank, PAYMENT_ORDERS, 0);
    const db = shop.db.db;
    const before = await stockByProduct(db);
    // Paid at the bank; no BackendURL, so the bank sends nothing itself: the burst stands in for it.
    const tokens: string[] = [];
    for (const o of bank.orders()) {
      if (o.state !== 'pending') continue;
      delete o.backendUrl;
      tokens.push((await bank.pay(o.orderNo)).payToken);
    }
    const duplicates = Math.round(tokens.length * DUPLICATE_SHARE);
    const bodies = shuffle([
      ...tokens,
      ...Array.from({ length: duplicates }, (_, i) => tokens[(i * 7919) % tokens.length]!),
    ]).map((PayToken) => ({ ShopNo: bank.credentials.shopNo, PayToken }));
    const file = join(mkdtempSync(join(tmpdir(), 'line-shop-bench-notify-')), 'bodies.json');
    writeFileSync(file, JSON.stringify(bodies));
    const receipts = new MarkedMessages(env.sim, co.userIds, RECEIPT_MARK);
    for (const i of shop.instances) i.resetPeak();
    const r = await env.load.run({
      targets: shop.instances.map((i) => `${new URL(i.url).origin}/payments/qpay/notify`),
      secret: SECRET,
      destination: '',
      eventsFile: file,
      raw: true,
      count: bodies.length,
      mode: 'burst',
      concurrency: 256,
    });
    const complete = await receipts.waitAll(BANK_WAIT_MS);
    const got = receipts.summary();
    const seconds = (got.lastAt - r.startedAt) / 1000;

    // Afterwards: every order paid, reservations turned into sales, stock down by exactly what sold.
    const after = await stockByProduct(db);
    const sold = await db
      .selectFrom('order_items')
      .innerJoin('orders', 'orders.id', 'order_items.order_id')
      .where('orders.status', '=', 'paid')
      .select(['order_items.product_id as id', (eb) => eb.fn.sum<number>('order_items.quantity').as('n')])
      .groupBy('order_items.product_id')
      .execute();
    const soldBy = new Map(sold.map((s) => [Number(s.id), Number(s.n)]));
    let wrongProducts = 0;
    for (const [id, b] of before) {
      const a = after.get(id);
      const s = soldBy.get(id) ?? 0;
      if (!a || a.stock !== b.stock - s || a.reserved !== b.reserved - s) wrongProducts++;
    }
    const stock = await reservationCheck(db);
    const statuses = await countByStatus(db, 'orders');
    const notifications = await countByStatus(db, 'bank_notifications');
    const row: Row = {
      db: kind,
      orders: tokens.length,
      notifications: bodies.length,
      'ack errors': r.errors,
      'ack p50 ms': Math.round(r.p50),
      'ack p99 ms': Math.round(r.p99),
      'all acked s': Math.round((r.endedAt - r.startedAt) / 100) / 10,
      'all receipts s': Math.round(seconds * 10) / 10,
      'receipts/s': seconds > 0 ? Math.round(got.users / seconds) : 0,
      receipts: got.users,
      'dup receipts': got.duplicates,
      missing: got.missing,
      'all in': complete,
    };
    const checks: Row = {
      db: kind,
      paid: statuses.paid ?? 0,
      'still awaiting': statuses.awaiting_payment ?? 0,
      'tokens recorded': Object.values(notifications).reduce((a, n) => a + n, 0),
      'tokens paid': notifications.paid ?? 0,
      'Σ reserved': stock.reserved,
      'Σ qty pending+awaiting': stock.heldByOrders,
      'products with wrong stock': wrongProducts,
      'other msgs': got.other,
    };
    table(`(4) Payment burst, ${kind}: ${tokens.length} notifications + ${duplicates} duplicates at once`, [row]);
    table('(4) Checks after the burst (exactly one receipt per order; stock = before − sold)', [checks]);
    env.figures[`payment burst ${kind}: receipts s`] = Number(row['all receipts s']);
    const memory = recordMemory(env, `payments (${kind})`, shop.instances);
    return { row, checks, load: r, receipts: got, statuses, notifications, checkout: co.row, memory };
  } finally {
    await shop.stop();
    await bank.close();
  }
}

async function paymentsScenario(env: Env) {
  const results: unknown[] = [await paymentBurst(env, 'sqlite')];
  if (await pgReachable()) results.push(await paymentBurst(env, 'postgres'));
  else console.log(`\n(4) Payment burst on PostgreSQL: skipped, cannot reach ${PG_ADMIN}`);
  save('payments', results);
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
  checkout: checkoutScenario,
  payments: paymentsScenario,
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
