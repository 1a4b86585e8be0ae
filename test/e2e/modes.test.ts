/**
 * Sandbox vs live, as `npm start` runs them: the start-up output says which mode, which URLs and
 * which database; the sandbox's simulators listen on localhost only; live mode (credentials set)
 * starts no simulator and the shop's own port serves no simulator route or chat page.
 */
import { networkInterfaces } from 'node:os';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import { silentLogger } from '../../src/logger';
import { createRuntime } from '../../src/runtime';
import { freePort, probe, type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

/** Paths the LINE simulator serves (chat page, its assets and API, the Messaging API). */
const SIMULATOR_PATHS = [
  '/',
  '/chat',
  '/sim/api/info',
  '/sim/api/chat?user=U1',
  '/sim/assets/chat.js',
  '/sim/fonts/400.css',
  '/v2/bot/info',
];

/** This machine's first non-loopback IPv4 address, if it has one. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

const LIVE_ENV = {
  LINE_CHANNEL_SECRET: 'live-mode-test-secret-0123456789',
  ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
  LINE_CHANNEL_ACCESS_TOKEN: 'live-mode-test-token',
};

describe('configuration defaults', () => {
  test('sandbox mode binds the shop and the simulators to 127.0.0.1 unless told otherwise', () => {
    const sandbox = loadConfig({});
    expect(sandbox.mode).toBe('sandbox');
    expect(sandbox.host).toBe('127.0.0.1');
    expect(sandbox.sandbox.host).toBe('127.0.0.1');
    expect(loadConfig({ SANDBOX_HOST: '0.0.0.0' }).sandbox.host).toBe('0.0.0.0');
    expect(loadConfig(LIVE_ENV).mode).toBe('live');
  });
});

describe('live mode runtime (credentials set)', () => {
  test('exposes no simulator route or chat page on the shop port', async () => {
    const deadLine = await freePort();
    const config = loadConfig({
      ...LIVE_ENV,
      LINE_API_BASE_URL: `http://127.0.0.1:${deadLine}`,
      LINE_DATA_API_BASE_URL: `http://127.0.0.1:${deadLine}`,
      DATABASE_URL: 'sqlite::memory:',
    });
    expect(config.mode).toBe('live');
    const database = openDatabase(config.databaseUrl);
    await migrateToLatest(database.db);
    const runtime = await createRuntime({ config, database, logger: silentLogger });
    try {
      for (const url of SIMULATOR_PATHS) {
        const response = await runtime.app.inject({ method: 'GET', url });
        expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
      }
      const posted = await runtime.app.inject({ method: 'POST', url: '/sim/api/send', payload: { user: 'U1' } });
      expect(posted.statusCode).toBe(404);
      expect((await runtime.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await runtime.stop();
      await database.close();
    }
  });
});

describe('npm start', () => {
  let running: SandboxProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  }, 15_000);

  test('sandbox: clear start-up output; the simulators answer on 127.0.0.1 and nowhere else', async () => {
    running = await startSandboxProcess();
    const out = running.output();
    expect(out).toContain('line-shop is running in SANDBOX mode');
    expect(out).toMatch(/chat:\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toContain(`LINE sim:  ${running.lineSimUrl}`);
    expect(out).toContain(`bank sim:  ${running.bankUrl}/sim`);
    expect(out).toMatch(/logistics: http:\/\/127\.0\.0\.1:\d+\/sim/);
    expect(out).toMatch(/database:\s+SQLite .*shop\.db/);
    expect(out).toContain('4000221111111111');
    expect(out).toMatch(/go live:.*LINE_CHANNEL_SECRET/);

    const info = await fetch(`${running.lineSimUrl}/sim/api/info`);
    expect(info.status).toBe(200);
    const lan = lanAddress();
    if (lan) {
      for (const port of [running.ports.shop, running.ports.lineSim, running.ports.bank]) {
        expect({ port, result: await probe(lan, port) }).toEqual({ port, result: 'ECONNREFUSED' });
      }
    }
  }, 40_000);

  test('live: no simulator is started and the shop serves no simulator route', async () => {
    const deadLine = await freePort();
    running = await startSandboxProcess({
      env: {
        ...LIVE_ENV,
        LINE_API_BASE_URL: `http://127.0.0.1:${deadLine}`,
        LINE_DATA_API_BASE_URL: `http://127.0.0.1:${deadLine}`,
        HOST: '127.0.0.1',
      },
    });
    const out = running.output();
    expect(out).toContain('line-shop is running in LIVE mode');
    expect(out).not.toMatch(/chat:|LINE sim:|bank sim:|logistics:|test cards:/);
    expect(out).toContain(`LINE API:  http://127.0.0.1:${deadLine}`);
    expect(running.chatUrl).toBe('');

    // Nothing listens where the simulators would have been.
    expect(await probe('127.0.0.1', running.ports.lineSim)).toBe('ECONNREFUSED');
    expect(await probe('127.0.0.1', running.ports.bank)).toBe('ECONNREFUSED');
    for (const path of SIMULATOR_PATHS) {
      const response = await fetch(`${running.shopUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  }, 40_000);
});
