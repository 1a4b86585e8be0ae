/**
 * The production build, as an operator runs it: `npm run build`, then `node dist/server.js`
 * (sandbox mode, throw-away SQLite file, free ports). It must come up, answer /healthz, and handle
 * one webhook signed with the channel secret end to end: 200 to the webhook, and the shop's
 * answer reaching the LINE simulator. The CLIs run from the build too (migrate, orders, backup).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config';
import { newUserId, signWebhookBody } from '../../src/sandbox/line';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The CLIs must not pick up a developer's .env or shell settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(LINE_|QPAY_|DATABASE_URL$|METRICS_TOKEN$)/.test(name)) delete env[name];
  return { ...env, ...extra };
}

describe('the built server (npm run build; node dist/server.js)', () => {
  let shop: SandboxProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'line-shop-built-'));
    // One build for the whole file (tsc, ~10–30 s); incremental when dist/ is already there.
    await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    shop = await startSandboxProcess({ command: ['node', 'dist/server.js'] });
  }, 180_000);

  afterAll(async () => {
    await shop?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  test('answers /healthz and runs from node, not tsx', async () => {
    const s = shop as SandboxProcess;
    const health = await fetch(`${s.shopUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(s.output()).toContain('line-shop is running in SANDBOX mode');
  });

  test('a signed follow event is acknowledged and the greeting reaches the LINE simulator', async () => {
    const s = shop as SandboxProcess;
    const userId = newUserId();
    const body = JSON.stringify({
      destination: 'Ubuiltservertest0000000000000000',
      events: [
        {
          type: 'follow',
          mode: 'active',
          timestamp: Date.now(),
          source: { type: 'user', userId },
          webhookEventId: `01BUILT${Date.now()}`,
          deliveryContext: { isRedelivery: false },
          // Not one the simulator issued: the shop's reply is refused and it pushes instead.
          replyToken: 'built-server-test-reply-token',
          follow: { isUnblocked: false },
        },
      ],
    });
    // Sandbox mode: the channel secret is the configuration's default, shared with the simulator.
    const secret = loadConfig({}).line.channelSecret;
    const forged = await fetch(`${s.shopUrl}/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': signWebhookBody('wrong-secret', body) },
      body,
    });
    expect(forged.status).toBe(401);
    const answer = await fetch(`${s.shopUrl}/line/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': signWebhookBody(secret, body) },
      body,
    });
    expect(answer.status).toBe(200);

    // Long-poll the simulator's chat until the shop's message arrives (it waits on the server side).
    const deadline = Date.now() + 15_000;
    let botMessages: unknown[] = [];
    while (botMessages.length === 0 && Date.now() < deadline) {
      const chat = (await (await fetch(`${s.lineSimUrl}/sim/api/chat?user=${userId}&wait=5000`)).json()) as {
        entries: Array<{ from: string; message?: unknown }>;
      };
      botMessages = chat.entries.filter((e) => e.from === 'bot').map((e) => e.message);
    }
    expect(botMessages.length).toBeGreaterThan(0);
  }, 30_000);

  test('serves /readyz and, to this machine, /metrics', async () => {
    const s = shop as SandboxProcess;
    const ready = await fetch(`${s.shopUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const metrics = await fetch(`${s.shopUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('line_shop_inbox_backlog');
  });

  test('migrate, the orders desk and backup run from the build', async () => {
    const env = cleanEnv({ DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` });
    const migrated = await run('node', ['dist/src/cli/migrate.js'], { cwd: ROOT, env });
    expect(migrated.stdout).toMatch(/applied 0001_foundation/);
    const listed = await run('node', ['dist/src/cli/orders.js', 'list'], { cwd: ROOT, env });
    expect(listed.stdout + listed.stderr).not.toMatch(/error/i);
    const backup = await run('node', ['dist/src/cli/backup.js', join(dir, 'cli-backup.db')], { cwd: ROOT, env });
    expect(backup.stdout).toContain('integrity ok');
  }, 30_000);
});
