/**
 * npm run bench:cpu — CPU time the shop spends per add-to-cart event, end to end (webhook in,
 * handled, reply out), read from the shop process's own CPU counters. Unlike events/s this hardly
 * moves when something else shares the machine, so it is the figure to compare before/after a
 * change to the hot path. Prints ms of CPU per event and events/s the shop could do on one core.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { encodePostback } from '../src/messages/postback';
import { startLineSimulator } from '../src/sandbox/line';
import { seedDemoCatalogIfEmpty } from '../src/seed';
import { cpuMs } from './support/cpu-time';
import { mintPostbacks, SECRET, TOKEN } from './support/line-platform';
import { startServer } from './support/processes';

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
  const shop = await startServer(
    'shop-process.ts',
    {
      DATABASE_URL: url,
      LINE_CHANNEL_SECRET: SECRET,
      ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE_URL: sim.url,
      LINE_DATA_API_BASE_URL: sim.url,
    },
    { cpuProfDir: process.env.CPU_PROF },
  );
  const agent = new Agent({ connections: CONCURRENCY });
  const users = Array.from({ length: USERS }, (_, i) => `U${String(i).padStart(32, '0')}`);
  // The simulator mints the events (with reply tokens its reply endpoint accepts once), in order:
  // the first 200 (the warm-up) are one per user.
  const data = encodePostback({ action: 'add', productId });
  const { events } = await mintPostbacks(
    sim,
    Array.from({ length: EVENTS + 200 }, (_, i) => ({ userId: users[i % USERS] as string, data })),
    { concurrency: 1 },
  );
  const body = (i: number) => JSON.stringify({ destination: sim.botUserId, events: [events[i]] });
  const send = async (i: number) => {
    const b = body(i);
    const signature = createHmac('sha256', SECRET).update(b).digest('base64');
    const r = await request(shop.url, {
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
  const cpu0 = cpuMs(shop.pid);
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
  const cpu = cpuMs(shop.pid) - cpu0;
  console.log(
    `${EVENTS} events: shop CPU ${(cpu / EVENTS).toFixed(3)} ms/event (≈ ${Math.round((EVENTS / cpu) * 1000)} events/s per core); wall ${Math.round((EVENTS / wall) * 1000)} events/s`,
  );
  const count = (path: string) => sim.callsTo(path).filter((c) => c.status < 300).length;
  console.log(`replies ${count('/v2/bot/message/reply')}, pushes ${count('/v2/bot/message/push')}`);
  await shop.stop();
  await sim.close();
  await agent.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
