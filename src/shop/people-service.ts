/**
 * A person when needed (issue 16): hand-offs, the merchant alerts they raise, and the questions
 * nothing answered. The conversation starts hand-offs and counts unanswered questions; the
 * merchant console calls the rest (each function takes `db` or a transaction and runs one change).
 *
 * While a hand-off is open the bot leaves the customer's typed text to the merchant, who answers
 * in LINE's Official Account chat (Chat ON). It ends when the merchant ends it in the console, when
 * the customer taps 回到小幫手, or `idleMs` (HANDOFF_IDLE_MINUTES) after the merchant's last
 * activity (the start counts as activity) — noticed when the customer next writes, so no job is
 * needed, and the console's list leaves idle ones out.
 */
import type { Executor } from '../db/database';
import {
  closeHandoff,
  insertHandoff,
  insertMerchantAlertRequest,
  markMerchantAlertRequestSent,
  openHandoffOf,
  openHandoffs,
  touchHandoff,
  unsentMerchantAlertRequests,
} from './handoff-repository';
import { foldText } from './search-text';
import { countUnanswered, dismissUnanswered, unansweredQuestions } from './unanswered-repository';

export type HandoffState =
  | { kind: 'none' }
  /** Open and not idle: the bot stays quiet on typed text. */
  | { kind: 'open'; startedAt: number }
  /** It had gone idle and has just been ended (ended_by timeout): the bot answers again. */
  | { kind: 'timed_out' };

/** The customer's hand-off now; an idle one is ended here (at the moment it went idle). */
export async function handoffState(db: Executor, userId: string, now: number, idleMs: number): Promise<HandoffState> {
  const open = await openHandoffOf(db, userId);
  if (!open) return { kind: 'none' };
  const idleAt = open.last_merchant_at + idleMs;
  if (now < idleAt) return { kind: 'open', startedAt: open.started_at };
  await closeHandoff(db, userId, idleAt, 'timeout');
  return { kind: 'timed_out' };
}

/**
 * The customer asked for a person: opens a hand-off and records a merchant alert request (in the
 * caller's transaction). `already` when one was open: no second alert.
 */
export async function startHandoff(db: Executor, userId: string, now: number): Promise<'started' | 'already'> {
  const created = await insertHandoff(db, userId, now);
  if (!created) return 'already';
  await insertMerchantAlertRequest(db, { kind: 'handoff_started', userId, handoffId: created.id }, now);
  return 'started';
}

/** The customer tapped 回到小幫手. */
export async function endHandoffByCustomer(db: Executor, userId: string, now: number): Promise<boolean> {
  return closeHandoff(db, userId, now, 'customer');
}

// ---- For the merchant console (issue 15) -------------------------------------------------------

/** Hand-offs waiting for or being served by a person (idle ones left out), oldest first. */
export async function listActiveHandoffs(db: Executor, now: number, idleMs: number) {
  const rows = await openHandoffs(db, now - idleMs);
  return rows.map((r) => ({
    id: r.id,
    lineUserId: r.line_user_id,
    startedAt: r.started_at,
    lastMerchantAt: r.last_merchant_at,
    /** When it ends by itself unless the merchant acts again. */
    idleEndsAt: r.last_merchant_at + idleMs,
  }));
}

/** The merchant ended the hand-off in the console: the bot answers the customer again. */
export async function endHandoffByMerchant(db: Executor, userId: string, now: number): Promise<boolean> {
  return closeHandoff(db, userId, now, 'merchant');
}

/** The merchant is working on it (opened the chat, replied, pressed 處理中): idle time restarts. */
export async function recordMerchantActivity(db: Executor, userId: string, now: number): Promise<boolean> {
  return touchHandoff(db, userId, now);
}

/**
 * Merchant alert requests not yet delivered, oldest first. The alert sender (console, issue 15)
 * delivers each — e.g. a LINE push to the merchant: 「有顧客要找真人客服」 with the time — and
 * then calls markMerchantAlertSent; a request it could not deliver stays for the next round.
 */
export async function pendingMerchantAlerts(db: Executor, limit = 20) {
  const rows = await unsentMerchantAlertRequests(db, limit);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    lineUserId: r.line_user_id,
    handoffId: r.handoff_id,
    createdAt: r.created_at,
  }));
}

export async function markMerchantAlertSent(db: Executor, id: number, now: number): Promise<boolean> {
  return markMerchantAlertRequestSent(db, id, now);
}

// ---- Unanswered questions -----------------------------------------------------------------

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
/** Six or more digits, with the separators people type: phones, accounts, card or order numbers. */
const LONG_NUMBER = /\+?\d[\d\s\-()]{4,}\d/g;
const MAX_QUESTION_CHARS = 100;

/** The question as kept for the merchant: e-mail addresses and long numbers masked, trimmed. */
export function maskQuestion(typed: string): string {
  const masked = typed.replace(EMAIL, '＊＊＊@＊＊＊').replace(LONG_NUMBER, '＊＊＊').replace(/\s+/g, ' ').trim();
  return [...masked].slice(0, MAX_QUESTION_CHARS).join('');
}

/** Counts a question nothing answered. Kept without who asked; the same folded text counts up. */
export async function recordUnansweredQuestion(db: Executor, typed: string, now: number): Promise<void> {
  const question = maskQuestion(typed);
  if (question === '') return;
  // Counted together however it was written: 台/臺, Simplified, full-width, punctuation and spaces.
  const key = foldText(question)
    .replace(/[\p{P}\p{S}\s]+/gu, '')
    .slice(0, 200);
  await countUnanswered(db, key || question, question, now);
}

/** For the console: questions to consider for the FAQ, most asked first, with their counts. */
export async function listUnansweredQuestions(db: Executor, limit = 50) {
  const rows = await unansweredQuestions(db, limit);
  return rows.map((r) => ({
    id: r.id,
    question: r.question,
    timesAsked: r.times_asked,
    firstAskedAt: r.first_asked_at,
    lastAskedAt: r.last_asked_at,
  }));
}

/** The merchant dealt with it (e.g. added a FAQ entry): hidden until someone asks it again. */
export async function dismissUnansweredQuestion(db: Executor, id: number, now: number): Promise<boolean> {
  return dismissUnanswered(db, id, now);
}
