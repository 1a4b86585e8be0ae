/**
 * npm run bench:cpu — CPU time the shop spends per add-to-cart event, end to end (webhook in,
 * handled, reply out), read from the shop process's own CPU counters. Unlike events/s this hardly
 * moves when something else shares the machine, so it is the figure to compare before/after a
 * change to the hot path. Prints ms of CPU per event and events/s the shop could do on one core.
 */
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { encodePostback } from '../src/messages/postback';
import { startLineSimulator } from '../src/sandbox/line';
import { seedDemoCatalogIfEmpty } from '../src/seed';
import { cpuMs } from './support/cpu-time';
import type { ServerMessage } from './support/protocol';

const SECRET = 'bench-cpu-secret';
const TOKEN = 'bench-cpu-token';
const EVENTS = Number(process.argv[2] ?? 4000);
const USERS = 200;
const CONCURRENCY = 16;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cpu-'));
  const url = `sqlite:${join(dir, 'shop.db')}`;
  const database = openDatabase(url);
  await migrateToLatest(database.db);
  await seedDemoCatalogIfEmpty(database.db, Date.now());
  await database.db.updateTable('products').set({ stock: 1_000_000 }).execute();
  const productId = (await database.db.selectFrom('products').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  await database.close();

  const sim = await startLineSimulator({ channelSecret: SECRET, channelAccessToken: TOKEN, allowHttpImages: true });
  const child = fork(join(__dirname, 'children', 'shop-process.ts'), [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] : []),
    ],
    env: {
      ...process.env,
      DATABASE_URL: url,
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE_URL: sim.url,
      LINE_DATA_API_BASE_URL: sim.url,
      LOG_LEVEL: 'silent',
    },
  });
  // The child reports its webhook URL.
  const webhookUrl = await new Promise<string>((resolve) =>
    child.on('message', (m: ServerMessage) => {
      if (m.type === 'ready') resolve(m.url);
    }),
  );
  const agent = new Agent({ connections: CONCURRENCY });
  const users = Array.from({ length: USERS }, (_, i) => `U${String(i).padStart(32, '0')}`);
  // The simulator mints the events (with reply tokens its reply endpoint accepts once); a small
  // server captures them instead of the shop, so the shop later answers with real replies.
  const minted: string[] = [];
  const capture = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      minted.push(Buffer.concat(chunks).toString('utf8'));
      res.end('{}');
    });
  });
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  const address = capture.address();
  sim.setWebhookUrl(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
  const data = encodePostback({ action: 'add', productId });
  for (let i = 0; i < EVENTS + 200; i++) await sim.postback(users[i % USERS] as string, data);
  capture.close();
  const body = (i: number) => minted[i] as string;
  const send = async (i: number) => {
    const b = body(i);
    const signature = createHmac('sha256', SECRET).update(b).digest('base64');
    const r = await request(webhookUrl, {
      method: 'POST',
      body: b,
      headers: { 'content-type': 'application/json', 'x-line-signature': signature },
      dispatcher: agent,
    });
    await r.body.dump();
    if (r.statusCode !== 200) throw new Error(`webhook answered ${r.statusCode}`);
  };
  // Warm up (JIT, connections), then measure.
  for (let i = 0; i < 200; i++) await send(i);
  await Promise.all(users.map((u) => sim.waitForMessages(u, 1, { timeoutMs: 60_000 })));
  const delivered = () => users.reduce((n, u) => n + sim.botMessages(u).length, 0);
  const before = delivered();
  const cpu0 = cpuMs(child.pid as number);
  const t0 = performance.now();
  let next = 200;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < 200 + EVENTS) await send(next++);
    }),
  );
  const target = before + EVENTS * 2; // each add answers with a notice and the cart
  while (delivered() < target) await new Promise((r) => setTimeout(r, 20));
  const wall = performance.now() - t0;
  const cpu = cpuMs(child.pid as number) - cpu0;
  console.log(
    `${EVENTS} events: shop CPU ${(cpu / EVENTS).toFixed(3)} ms/event (≈ ${Math.round((EVENTS / cpu) * 1000)} events/s per core); wall ${Math.round((EVENTS / wall) * 1000)} events/s`,
  );
  const count = (path: string) => sim.callsTo(path).filter((c) => c.status < 300).length;
  console.log(`replies ${count('/v2/bot/message/reply')}, pushes ${count('/v2/bot/message/push')}`);
  child.send({ type: 'stop' });
  await new Promise((r) => child.on('exit', r));
  await sim.close();
  await agent.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
