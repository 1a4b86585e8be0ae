/**
 * A whole shop for tests: a real database (SQLite file or PostgreSQL), the real app listening on
 * an ephemeral port, its background jobs, and the LINE simulator sending it signed webhooks.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config';
import { loadConfig } from '../../src/config';
import type { Dialect } from '../../src/db/database';
import { silentLogger } from '../../src/logger';
import { createRuntime, type Runtime } from '../../src/runtime';
import { type BankSimulator, shopEnvFor, startBankSimulator } from '../../src/sandbox/bank';
import { type LineSimulator, startLineSimulator } from '../../src/sandbox/line';
import { seedDemoCatalogIfEmpty } from '../../src/seed';
import { createTestDatabase, type TestDatabase } from './databases';
import { PICKUP_ENV } from './delivery';
import { freePort } from './ports';

export const TEST_SECRET = 'test-channel-secret-0123456789ab';
export const TEST_TOKEN = 'test-channel-access-token';

export interface ShopInstance {
  runtime: Runtime;
  url: string;
  config: Config;
  stop(): Promise<void>;
}

export interface TestShop extends ShopInstance {
  database: TestDatabase;
  sim: LineSimulator;
  /** The QPay bank simulator (due jobs run only when the test calls bank.runDueJobs()). */
  bank: BankSimulator;
  /** Starts one more shop instance on the same database (scale-out tests). */
  startAnotherInstance(options?: { startJobs?: boolean }): Promise<ShopInstance>;
  close(): Promise<void>;
}

export interface TestShopOptions {
  seed?: boolean;
  startJobs?: boolean;
  now?: () => number;
  env?: Record<string, string>;
  /** Extra runtime options (failpoints, a wrapped QPay client …). */
  runtime?: Partial<Parameters<typeof createRuntime>[0]>;
}

export async function startInstance(
  database: TestDatabase,
  sim: LineSimulator,
  options: TestShopOptions = {},
  bank?: BankSimulator,
): Promise<ShopInstance> {
  const port = await freePort();
  const qpayEnv: Record<string, string> = bank
    ? { ...shopEnvFor(bank), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }
    : {};
  const base = loadConfig({
    LINE_CHANNEL_SECRET: TEST_SECRET,
    ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
    LINE_CHANNEL_ACCESS_TOKEN: TEST_TOKEN,
    LINE_API_BASE_URL: sim.url,
    LINE_DATA_API_BASE_URL: sim.url,
    DATABASE_URL: database.url,
    PORT: String(port),
    // 門市自取 (free) is on, so tests about payments keep their totals; delivery tests set their own.
    ...PICKUP_ENV,
    MEDIA_UPLOAD_DIR: join(tmpdir(), `line-shop-uploads-${process.pid}`),
    ...qpayEnv,
    ...options.env,
  });
  const runtime = await createRuntime({
    config: base,
    database,
    logger: silentLogger,
    pollMs: 25,
    ...(options.now ? { now: options.now } : {}),
    returnWaitMs: 3_000,
    ...options.runtime,
  });
  const address = await runtime.app.listen({ port, host: '127.0.0.1' });
  if (options.startJobs !== false) runtime.startJobs();
  return { runtime, url: address, config: base, stop: () => runtime.stop() };
}

export async function startTestShop(dialect: Dialect, options: TestShopOptions = {}): Promise<TestShop> {
  const database = await createTestDatabase(dialect);
  if (options.seed !== false) await seedDemoCatalogIfEmpty(database.db, Date.now());
  const sim = await startLineSimulator({
    channelSecret: TEST_SECRET,
    channelAccessToken: TEST_TOKEN,
    allowHttpImages: true,
    ...(options.now ? { now: options.now } : {}),
  });
  const bank = await startBankSimulator({
    credentials: {
      shopNo: 'TS0001_001',
      a1: '0F1E2D3C4B5A6978',
      a2: '8796A5B4C3D2E1F0',
      b1: '1234567890ABCDEF',
      b2: 'FEDCBA0987654321',
      keyId: '6A3C0B1E-5D4F-4E2A-9B8C-7D6E5F4A3B2C',
    },
    tickIntervalMs: 0,
    atmAutoPayDelayMs: 10 * 365 * 86_400_000,
    notificationRetryDelaysMs: [60_000],
    logger: silentLogger,
    ...(options.now ? { now: options.now } : {}),
  });
  const first = await startInstance(database, sim, options, bank);
  sim.setWebhookUrl(`${first.url}/line/webhook`);
  const others: ShopInstance[] = [];
  return {
    ...first,
    database,
    sim,
    bank,
    startAnotherInstance: async (o = {}) => {
      const inst = await startInstance(database, sim, { ...options, ...o }, bank);
      others.push(inst);
      return inst;
    },
    close: async () => {
      await Promise.all([first, ...others].map((i) => i.stop()));
      await sim.close();
      await bank.close();
      await database.drop();
    },
  };
}
