/**
 * `npm run backup -- <file>`, run as the merchant runs it (a separate process) while the shop keeps
 * writing: the copy opens, passes integrity_check, and holds a consistent snapshot (every write
 * transaction is in it whole or not at all). PostgreSQL is pointed to pg_dump.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkIntegrity } from '../src/db/backup';
import { openDatabase } from '../src/db/database';
import { type NewInboxEvent, storeEvents } from '../src/line/inbox-repository';
import { createTestDatabase, type TestDatabase } from './support/databases';

const ROOT = join(__dirname, '..');
const run = promisify(execFile);

function cliEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  for (const name of Object.keys(env)) if (/^(LINE_|QPAY_)/.test(name)) delete env[name];
  return env;
}

function inboxEvent(id: string): NewInboxEvent {
  return {
    webhookEventId: id,
    chatId: 'U00000000000000000000000000000001',
    eventType: 'message',
    timestamp: 1_700_000_000_000,
    payload: JSON.stringify({ id, text: 'x'.repeat(1000) }),
    status: 'done',
  };
}

describe('npm run backup (SQLite)', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await database.drop();
  });

  it('copies the database consistently while the shop writes', async () => {
    const { db } = database;
    // A few MB already there, so the copy takes more than an instant.
    for (let batch = 0; batch < 10; batch++) {
      await db.transaction().execute((trx) =>
        storeEvents(
          trx,
          Array.from({ length: 500 }, (_, i) => inboxEvent(`old-${batch}-${i}`)),
          1,
        ),
      );
    }
    const file = database.url.slice('sqlite:'.length);
    const target = join(file, '..', 'backup.db');

    const child = spawn('npx', ['tsx', 'src/cli/backup.ts', target], {
      cwd: ROOT,
      env: cliEnv(database.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.on('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    // The shop keeps writing until the backup is done: each transaction writes a pair of events.
    let pairs = 0;
    while (exitCode === undefined) {
      await db
        .transaction()
        .execute((trx) => storeEvents(trx, [inboxEvent(`a-${pairs}`), inboxEvent(`b-${pairs}`)], 2));
      pairs++;
      await new Promise((resolve) => setImmediate(resolve)); // let the child's exit be seen
    }
    await exited;
    expect({ exitCode, out }).toEqual({ exitCode: 0, out: expect.stringContaining('integrity ok') });
    expect(pairs).toBeGreaterThan(0);
    expect(existsSync(`${target}.partial`)).toBe(false);

    expect(checkIntegrity(target)).toBe('ok');
    const copy = openDatabase(`sqlite:${target}`);
    try {
      const ids = (await copy.db.selectFrom('line_events').select('webhook_event_id').execute()).map(
        (r) => r.webhook_event_id,
      );
      expect(ids.filter((id) => id.startsWith('old-'))).toHaveLength(5000);
      const a = ids.filter((id) => id.startsWith('a-')).map((id) => id.slice(2));
      const b = ids.filter((id) => id.startsWith('b-')).map((id) => id.slice(2));
      expect(b.sort()).toEqual(a.sort()); // no transaction half in the copy
      expect(a.length).toBeLessThanOrEqual(pairs);
    } finally {
      await copy.close();
    }

    // A second run never overwrites an earlier backup.
    await expect(
      run('npx', ['tsx', 'src/cli/backup.ts', target], { cwd: ROOT, env: cliEnv(database.url) }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('exists already'),
    });
  }, 60_000);
});

test('PostgreSQL: the command points to pg_dump and fails', async () => {
  await expect(
    run('npx', ['tsx', 'src/cli/backup.ts', '/tmp/never-written.db'], {
      cwd: ROOT,
      env: cliEnv('postgres://shop:secret@db.example/shop'),
    }),
  ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('pg_dump') });
  expect(existsSync('/tmp/never-written.db')).toBe(false);
}, 30_000);
