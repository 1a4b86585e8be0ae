/**
 * A whole shop for tests: a real database (SQLite file or PostgreSQL), the real app listening on
 * an ephemeral port, its background jobs, and the LINE simulator sending it signed webhooks.
 */
import type { Config } from '../../src/config';
import { loadConfig } from '../../src/config';
import type { Dialect } from '../../src/db/database';
import { silentLogger } from '../../src/logger';
import { createRuntime, type Runtime } from '../../src/runtime';
import { type LineSimulator, startLineSimulator } from '../../src/sandbox/line';
import { seedDemoCatalogIfEmpty } from '../../src/seed';
import { createTestDatabase, type TestDatabase } from './databases';

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
  /** Starts one more shop instance on the same database (scale-out tests). */
  startAnotherInstance(options?: { startJobs?: boolean }): Promise<ShopInstance>;
  close(): Promise<void>;
}

export interface TestShopOptions {
  seed?: boolean;
  startJobs?: boolean;
  now?: () => number;
  env?: Record<string, string>;
}

export async function startInstance(
  database: TestDatabase,
  sim: LineSimulator,
  options: TestShopOptions = {},
): Promise<ShopInstance> {
  const base = loadConfig({
    LINE_CHANNEL_SECRET: TEST_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: TEST_TOKEN,
    LINE_API_BASE_URL: sim.url,
    LINE_DATA_API_BASE_URL: sim.url,
    DATABASE_URL: database.url,
    PORT: '3000',
    ...options.env,
  });
  const runtime = await createRuntime({
    config: base,
    database,
    logger: silentLogger,
    pollMs: 25,
    ...(options.now ? { now: options.now } : {}),
  });
  const address = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
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
  const first = await startInstance(database, sim, options);
  sim.setWebhookUrl(`${first.url}/line/webhook`);
  const others: ShopInstance[] = [];
  return {
    ...first,
    database,
    sim,
    startAnotherInstance: async (o = {}) => {
      const inst = await startInstance(database, sim, { ...options, ...o });
      others.push(inst);
      return inst;
    },
    close: async () => {
      await Promise.all([first, ...others].map((i) => i.stop()));
      await sim.close();
      await database.drop();
    },
  };
}
