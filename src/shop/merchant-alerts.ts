/**
 * Merchant alerts in LINE. The merchant binds a LINE account by typing, in the shop's chat, a
 * one-time code the console showed (several accounts may be bound; they are removed in Settings).
 * Alerts are pushes of outbox kind `alert`: new paid orders (items, total, delivery method, a link
 * to the order page), orders needing attention, low stock (per-product threshold) and undelivered
 * messages. In digest mode (the default) at most one message goes out every N minutes, merging
 * everything since the last; the cursor is moved by compare-and-set in the same transaction as
 * the pushes are queued, so with several instances exactly one sends each digest.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Executor } from '../db/database';
import type { DB } from '../db/types';
import { enqueueMessage } from '../line/outbox-repository';
import { pushWarningsOf } from '../line/push-quota-repository';
import { taiwanMonth } from '../line/taiwan-month';
import { type AlertDigest, alertMessage, digestIsEmpty } from '../messages/alert-messages';
import { type Message, text } from '../messages/common';
import {
  addRecipient,
  advanceAlertCursor,
  attentionOrdersIn,
  deadMessagesAfter,
  insertLinkCode,
  listRecipients,
  lowStockIn,
  paidOrdersIn,
  readAlertCursor,
  useLinkCode,
} from './merchant-alert-repository';
import { markMerchantAlertSent, pendingMerchantAlerts } from './people-service';
import { readSettings } from './settings-repository';

export const LINK_CODE_MS = 10 * 60_000;
/** Default digest interval: at most one alert message this often. 0 = send at once. */
export const DEFAULT_DIGEST_MINUTES = 10;
/** Products without their own threshold count as low at this many free units. */
export const DEFAULT_LOW_STOCK = 3;

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/** A new 6-digit code, valid LINK_CODE_MS; returned once for the console to show. */
export async function createLinkCode(db: Executor, by: string, now: number): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await insertLinkCode(db, hash(code), by, now + LINK_CODE_MS);
  return code;
}

/** In the chat: a live code typed alone binds this LINE user as a recipient. Undefined: not a code. */
export async function bindIfCode(
  trx: Executor,
  lineUserId: string,
  typed: string,
  now: number,
): Promise<Message[] | undefined> {
  const code = typed.trim();
  if (!/^\d{6}$/.test(code)) return undefined;
  const by = await useLinkCode(trx, hash(code), now);
  if (!by) return undefined;
  await addRecipient(trx, lineUserId, by, now);
  return [
    text(
      '✅ 已綁定為商店通知的接收者。新訂單、需處理的訂單、庫存偏低與未送達的訊息會在這裡通知您。可在後台「設定」移除。',
    ),
  ];
}

export interface AlertSettings {
  digestMinutes: number;
}

export async function alertSettings(db: Executor): Promise<AlertSettings> {
  const raw = (await readSettings(db)).get('alerts');
  try {
    const v = raw ? (JSON.parse(raw) as { digestMinutes?: unknown }) : {};
    const m = v.digestMinutes;
    return {
      digestMinutes:
        Number.isInteger(m) && (m as number) >= 0 && (m as number) <= 1440 ? (m as number) : DEFAULT_DIGEST_MINUTES,
    };
  } catch {
    return { digestMinutes: DEFAULT_DIGEST_MINUTES };
  }
}

/**
 * One round: when the digest interval has passed, everything since the cursor goes to every
 * recipient as one push each. Returns how many pushes were queued.
 */
export async function sendDueAlerts(db: Kysely<DB>, consoleUrl: string, now: number): Promise<number> {
  const { digestMinutes } = await alertSettings(db);
  return db.transaction().execute(async (trx) => {
    const cursor = await readAlertCursor(trx, now);
    if (now - cursor.lastSentAt < digestMinutes * 60_000) return 0;
    const dead = await deadMessagesAfter(trx, cursor.deadId);
    const handoffs = await pendingMerchantAlerts(trx, 100);
    const warnings = (await pushWarningsOf(trx, taiwanMonth(now))).filter(
      (w) => w.at > cursor.seenUntil && w.at <= now,
    );
    const digest: AlertDigest = {
      paid: await paidOrdersIn(trx, cursor.seenUntil, now),
      attention: await attentionOrdersIn(trx, cursor.seenUntil, now),
      lowStock: await lowStockIn(trx, cursor.seenUntil, now, DEFAULT_LOW_STOCK),
      deadMessages: dead.count,
      handoffs: handoffs.length,
      pushWarnings: warnings.map((w) => ({ level: w.level, used: w.used, budget: w.budget })),
    };
    const empty = digestIsEmpty(digest);
    const recipients = empty ? [] : await listRecipients(trx);
    const moved = await advanceAlertCursor(trx, cursor, {
      seenUntil: now,
      deadId: dead.lastId,
      lastSentAt: empty || recipients.length === 0 ? cursor.lastSentAt : now,
    });
    if (!moved || empty) return 0;
    // Told now (or nobody is bound to be told): the hand-off requests are done either way.
    for (const h of handoffs) await markMerchantAlertSent(trx, h.id, now);
    const message = alertMessage(digest, consoleUrl);
    for (const r of recipients) {
      await enqueueMessage(
        trx,
        {
          lineUserId: r.line_user_id,
          messages: [message],
          kind: 'alert',
          logicalKey: `alert:${cursor.version + 1}:${r.line_user_id}`,
        },
        now,
      );
    }
    return recipients.length;
  });
}
