/**
 * Turns a verified webhook body into inbox rows: which chat an event belongs to, whether we act
 * on it, and if not, why. Pure, so the rules are easy to read and test.
 */
import { createHash } from 'node:crypto';
import type { NewInboxEvent } from './inbox-repository';
import { checkEvent } from './webhook-schema';

/** Event types the shop acts on in 1:1 chats; anything else is recorded and ignored. */
const HANDLED_TYPES = new Set(['follow', 'message', 'postback']);

/** A string field of a value of unknown shape, or undefined. */
function stringAt(v: unknown, key: string): string | undefined {
  const x = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** Group (C…) and room (R…) ids never collide with user ids (U…), and push accepts them as `to`. */
function chatIdOf(source: unknown): { chatId: string; isUser: boolean } {
  const type = stringAt(source, 'type');
  const userId = stringAt(source, 'userId');
  if (type === 'user') return { chatId: userId ?? 'unknown', isUser: userId !== undefined };
  if (type === 'group') return { chatId: stringAt(source, 'groupId') ?? 'unknown', isUser: false };
  if (type === 'room') return { chatId: stringAt(source, 'roomId') ?? 'unknown', isUser: false };
  return { chatId: 'unknown', isUser: false };
}

export interface InboxEventDraft extends NewInboxEvent {
  /** The event did not fit the webhook schema (logged by the route, once). */
  malformed: boolean;
}

export function toInboxEvents(events: unknown[]): InboxEventDraft[] {
  return events.map((raw) => {
    const payload = JSON.stringify(raw) ?? 'null';
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const { chatId, isUser } = chatIdOf(e.source);
    const type = stringAt(e, 'type')?.slice(0, 64) ?? 'unknown';
    // LINE always sends webhookEventId; without one, the payload's hash still dedupes repeats.
    const id =
      stringAt(e, 'webhookEventId')?.slice(0, 100) ?? `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    const timestamp = typeof e.timestamp === 'number' && Number.isSafeInteger(e.timestamp) ? e.timestamp : 0;
    const check = checkEvent(raw);
    let reason: string | undefined;
    if (!check.ok) reason = check.reason;
    else if (e.mode === 'standby') reason = 'standby mode (another channel handles this chat)';
    else if (isUser) reason = HANDLED_TYPES.has(type) ? undefined : `event type ${type} is not handled`;
    // Being added to a group gets one polite note (the shop works in 1:1 chats only).
    else reason = type === 'join' ? undefined : 'not a 1:1 chat';
    return {
      webhookEventId: id,
      chatId,
      eventType: type,
      timestamp,
      payload,
      status: reason === undefined ? 'pending' : 'ignored',
      ...(reason === undefined ? {} : { ignoredReason: reason }),
      malformed: !check.ok,
    };
  });
}
