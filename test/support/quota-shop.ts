/**
 * A test shop for the LINE push quota tests: jobs stopped (each step is run by hand), a clock the
 * test moves, a recording logger, and helpers to enqueue text notices and watch what LINE got.
 */
import type { Dialect } from '../../src/db/database';
import { enqueueMessage } from '../../src/line/outbox-repository';
import { taiwanMonth } from '../../src/line/taiwan-month';
import { type RecordingLogger, recordingLogger } from './recording-logger';
import { startTestShop, type TestShop } from './shop-harness';

const say = (text: string) => [{ type: 'text', text }];

const DAY_MS = 86_400_000;

/**
 * The clock quota tests start from: now, or three days earlier when two days from now is already
 * another month in Taiwan. The tests move the clock forward by up to a day and count pushes per
 * Taiwan month, so starting on a month's last day (from 16:00 UTC the day before) made them fail:
 * the held notice was let out by the new month.
 */
export function quotaTestNow(): number {
  const now = Date.now();
  return taiwanMonth(now) === taiwanMonth(now + 2 * DAY_MS) ? now : now - 3 * DAY_MS;
}

export interface QuotaShop {
  shop: TestShop;
  log: RecordingLogger;
}

export async function startQuotaShop(
  dialect: Dialect,
  clock: () => number,
  env: Record<string, string> = {},
): Promise<QuotaShop> {
  const log = recordingLogger();
  const shop = await startTestShop(dialect, {
    seed: true,
    startJobs: false,
    now: clock,
    env,
    runtime: { logger: log },
  });
  return { shop, log };
}

/** Helpers over the current shop (`get`) and clock. */
export function quotaHelpers(get: () => TestShop, clock: () => number) {
  const db = () => get().database.db;
  const replies = () => get().sim.callsTo('/v2/bot/message/reply');
  return {
    db,
    /** A one-text notice of outbox kind `kind`; its text is `key` unless given. */
    notice: (user: string, kind: string, key: string, text = key) =>
      enqueueMessage(db(), { lineUserId: user, messages: say(text), kind, logicalKey: key }, clock()),
    /** The outbox row whose only message says `key`. */
    row: (key: string) =>
      db()
        .selectFrom('outbox')
        .selectAll()
        .where('messages', '=', JSON.stringify(say(key)))
        .executeTakeFirstOrThrow(),
    quotaCalls: () =>
      get()
        .sim.callsTo('/v2/bot/message/quota', 'GET')
        .filter((c) => c.path === '/v2/bot/message/quota'),
    pushes: () => get().sim.callsTo('/v2/bot/message/push'),
    replies,
    texts: (call: { body?: unknown }) =>
      ((call.body as { messages: Array<{ type: string; text?: string }> }).messages ?? []).map((m) => m.text ?? m.type),
    /** The customer writes; the shop answers (events handled and replies delivered by hand). */
    customerWrites: async (user: string, text = '商品') => {
      await get().sim.sendText(user, text);
      await get().runtime.eventWorker.tick();
      return replies().at(-1) as { body?: unknown; status?: number };
    },
  };
}
