/**
 * Turns a verified webhook body into inbox rows: which chat an event belongs to and whether we
 * act on it. Pure, so the rules are easy to read and test.
 */
import { createHash } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';
import type { NewInboxEvent } from './inbox-repository';

/** Event types the shop acts on in 1:1 chats; anything else is recorded and ignored. */
const HANDLED_TYPES = new Set(['follow', 'message', 'postback']);

function chatIdOf(source: webhook.Source | undefined): { chatId: string; isUser: boolean } {
  if (!source) return { chatId: 'unknown', isUser: false };
  if (source.type === 'user') return { chatId: source.userId ?? 'unknown', isUser: source.userId !== undefined };
  // Group (C…) and room (R…) ids never collide with user ids (U…), and push accepts them as `to`.
  if (source.type === 'group') return { chatId: source.groupId ?? 'unknown', isUser: false };
  if (source.type === 'room') return { chatId: source.roomId ?? 'unknown', isUser: false };
  return { chatId: 'unknown', isUser: false };
}

export function toInboxEvents(events: unknown[]): NewInboxEvent[] {
  return events.map((raw) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<webhook.Event> & Record<string, unknown>;
    const payload = JSON.stringify(raw);
    const { chatId, isUser } = chatIdOf(e.source);
    const type = typeof e.type === 'string' ? e.type : 'unknown';
    // LINE always sends webhookEventId; without one, the payload's hash still dedupes repeats.
    const id =
      typeof e.webhookEventId === 'string' && e.webhookEventId !== ''
        ? e.webhookEventId
        : `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    const timestamp = typeof e.timestamp === 'number' && Number.isFinite(e.timestamp) ? Math.trunc(e.timestamp) : 0;
    const actOn = isUser && e.mode !== 'standby' && HANDLED_TYPES.has(type);
    const joinedGroup = !isUser && type === 'join' && e.mode !== 'standby';
    return {
      webhookEventId: id,
      chatId,
      eventType: type,
      timestamp,
      payload,
      status: actOn || joinedGroup ? 'pending' : 'ignored',
    };
  });
}
