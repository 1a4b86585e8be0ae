/** Shop instances under test: a fresh database and one or more shop processes pointed at the simulators. */
import { type BankSimulator, shopEnvFor } from '../../src/sandbox/bank';
import type { BenchContext } from './context';
import { type BenchDb, createDb, type DbKind } from './databases';
import { SECRET, TOKEN } from './line-platform';
import { PROFILES } from './output';
import { freePort } from './ports';
import { type ServerProc, startServer } from './processes';

export interface Shop {
  db: BenchDb;
  instances: ServerProc[];
  targets: string[];
  stop(): Promise<void>;
}

/** `count` shop processes on one new database; with `bank`, each on a known port so the bank can notify it. */
export async function startShop(
  ctx: BenchContext,
  kind: DbKind,
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
          ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
          LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
          LINE_API_BASE_URL: ctx.sim.url,
          LINE_DATA_API_BASE_URL: ctx.sim.url,
          PUBLIC_BASE_URL: bank ? `http://127.0.0.1:${port}` : 'http://127.0.0.1:3000',
          BENCH_LISTEN_PORT: String(port),
          ...(bank ? shopEnvFor(bank) : {}),
          ...extraEnv,
        },
        { cpuProfDir: ctx.profile ? PROFILES : undefined },
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
